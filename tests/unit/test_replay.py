"""What ``taskconform replay`` sends: the recorded requests with the target's records, and every
timestamp moved by the time since the recorded run (a notify window still lies ahead)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from taskconform.replay import _moved, recorded_sequences


def test_records_become_the_targets_and_timestamps_move_by_the_time_since_the_run() -> None:
    body = {"type": "REMINDER", "due_date": "2026-12-06T14:00:00Z", "customer_id": 1001, "note": "T"}
    moved = _moved(body, {"1001": 7001}, timedelta(days=1, seconds=30))
    assert moved == {"type": "REMINDER", "due_date": "2026-12-07T14:00:30Z", "customer_id": 7001, "note": "T"}


def test_a_report_gives_one_sequence_per_distinct_failure(tmp_path: Path) -> None:
    step = {
        "request": {"method": "GET", "url": "http://h/x/lead/1001/task", "headers": {}, "body": None},
        "response": {"status": 200, "headers": {}, "body": "{}", "elapsed_ms": 1.0},
        "curl": "curl -sS -X GET http://h/x/lead/1001/task",
        "note": None,
        "concurrent": False,
    }
    failure = {"check": "test_list", "exchanges": [step]}
    clause = {"id": "SF-LIST-PAGINATION", "failures": [failure, failure]}
    vendor = {"vendor": "superfone", "config": {"base_url": "http://h/x"}, "clauses": [clause]}
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"started_at": "2026-12-04T10:00:00+00:00", "vendors": [vendor]}))
    (sequence,) = recorded_sequences(report)
    assert (sequence.clause, sequence.check, len(sequence.steps)) == ("SF-LIST-PAGINATION", "test_list", 1)
    assert recorded_sequences(report, frozenset({"SF-CREATE-AUTOCLOSE"})) == []
