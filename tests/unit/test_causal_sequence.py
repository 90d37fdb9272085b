"""A finding carries the writes that built the state it observed, what was expected of each step, and
which steps were sent concurrently; its script replays them, reading the ids the target assigns."""

from __future__ import annotations

import json

from taskconform.exchange import Exchange, RecordedRequest, RecordedResponse
from taskconform.findings import Verification, causal_sequence, concurrent_groups, concurrent_steps
from taskconform.redaction import Redactor
from taskconform.reports.model import ReportedExchange
from taskconform.reports.scripts import shell_reproduction

BASE = "http://127.0.0.1:8000/superfone/enterprise/api/lead/1001/task"


def _exchange(method: str, sent_at: float, answer: object, url: str = BASE) -> Exchange:
    request = RecordedRequest(method, url, {"x-api-key": "secret-key-1"}, None, sent_at)
    return Exchange(request, RecordedResponse(200, {}, json.dumps(answer).encode(), 10.0))


def test_the_sequence_is_every_write_before_the_evidence_then_the_evidence() -> None:
    first, read, second, shown, later = (
        _exchange("POST", 1, {"data": {"id": 1}}),
        _exchange("GET", 2, {}),
        _exchange("POST", 3, {"data": {"id": 2}}),
        _exchange("GET", 4, {}),
        _exchange("POST", 5, {"data": {"id": 3}}),
    )
    journal = [first, read, second, shown, later]
    assert causal_sequence(journal, [shown]) == (first, second, shown)
    outsider = _exchange("GET", 9, {})
    assert causal_sequence(journal, [outsider]) == (outsider,)
    assert causal_sequence(journal, [read, outsider]) == (first, read, outsider)


def test_steps_in_flight_together_are_marked_concurrent() -> None:
    steps = [_exchange("POST", 0.0, {}), _exchange("POST", 0.005, {}), _exchange("GET", 1.0, {})]
    assert concurrent_steps(steps) == (True, True, False)


def test_a_finding_notes_what_was_expected_of_each_step() -> None:
    create, listing = _exchange("POST", 1, {"data": {"id": 5001}}), _exchange("GET", 2, {})
    verify = Verification(Redactor({"secret-key-1": "SF_API_KEY"}), journal=lambda: [create, listing])
    verify.expect("SF-CREATE-SUCCESS-STATUS", True, "200 for a valid create", 200, create)
    verify.expect("SF-CREATE-AUTOCLOSE", False, "task 5001 COMPLETE", "PENDING", listing)
    (finding,) = verify.findings
    assert finding.exchanges == (create, listing)
    assert finding.notes == (
        "SF-CREATE-SUCCESS-STATUS: 200 for a valid create",
        "SF-CREATE-AUTOCLOSE: task 5001 COMPLETE",
    )


def test_the_script_reads_assigned_ids_and_names_no_key() -> None:
    create, listing = _exchange("POST", 1, {"data": {"id": 5001}}), _exchange("GET", 2, {})
    redactor = Redactor({"secret-key-1": "SF_API_KEY"})
    verify = Verification(redactor, journal=lambda: [create, listing])
    verify.expect("SF-CREATE-AUTOCLOSE", False, "task 5001 COMPLETE", "PENDING", listing)
    finding = verify.findings[0].to_dict(redactor)
    steps = tuple(ReportedExchange.from_json(step) for step in finding["exchanges"])
    script = shell_reproduction(finding, steps, "test_auto_close")
    assert "secret-key-1" not in script and "${SF_API_KEY}" in script
    assert 'id1=$(read_id < "$out/1")' in script
    assert 'echo "The documents expect: task ${id1} COMPLETE"' in script
    assert "BASE_URL=${BASE_URL:-http://127.0.0.1:8000}" in script and '"${BASE_URL}"' in script


def test_a_rule_over_a_records_history_also_replays_what_earlier_tests_wrote_to_it() -> None:
    earlier, listing = _exchange("POST", 0, {"data": {"id": 4999}}), _exchange("GET", 2, {})
    verify = Verification(
        Redactor(),
        journal=lambda: [listing],
        history=lambda evidence: [earlier] if listing in evidence else [],
        history_clauses=frozenset({"SF-LIST-PAGINATION"}),
    )
    verify.expect("SF-LIST-PAGINATION", False, "page 2 of 1", "page 1 again", listing)
    verify.expect("SF-LIST-RESPONSE-FIELDS", False, "the fields", "none", listing)
    paginated, answered = verify.findings
    assert paginated.exchanges == (earlier, listing) and paginated.notes[0] is not None
    assert answered.exchanges == (listing,), "a rule about one answer needs no history"


def test_a_rule_about_one_answer_is_reproduced_by_its_request_alone() -> None:
    earlier_create, create = _exchange("POST", 1, {"data": {"id": 1}}), _exchange("POST", 2, {"data": {}})
    verify = Verification(
        Redactor(),
        journal=lambda: [earlier_create, create],
        answer_clauses=frozenset({"LL-CREATE-RESPONSE-FIELDS"}),
    )
    verify.expect("LL-CREATE-RESPONSE-FIELDS", False, "the fields", "none", create)
    verify.expect("LL-CREATE-PRIORITY-DEFAULT", False, "medium", "none", create)
    answer, default = verify.findings
    assert answer.exchanges == (create,)
    assert default.exchanges == (earlier_create, create)


def test_steps_marked_concurrent_next_to_each_other_are_sent_together() -> None:
    assert concurrent_groups([False, True, True, False, True]) == [
        range(0, 1),
        range(1, 3),
        range(3, 4),
        range(4, 5),
    ]
