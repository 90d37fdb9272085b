"""Ties in time are not an order: a server whose clock shows whole seconds conforms, and the faults in
order are still caught, by the clause they break, under that clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import run_taskconform

WHOLE_SECONDS = ("--only", "superfone", "--variation", "timestamps-whole-seconds", "--no-shrink")


def _failing(report_dir: Path) -> list[str]:
    report = json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))
    return sorted(c["id"] for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "fail")


def test_whole_second_timestamps_conform(tmp_path: Path) -> None:
    result = run_taskconform("run", *WHOLE_SECONDS, "--report-dir", str(tmp_path))
    assert result.code == 0, result.output
    assert _failing(tmp_path) == []


@pytest.mark.parametrize(
    ("fault", "clause"),
    [("list-oldest-first", "SF-LIST-NEWEST-FIRST"), ("complete-oldest", "SF-COMPLETE-MOST-RECENT")],
)
def test_order_faults_are_caught_by_their_clause_under_whole_seconds(
    tmp_path: Path, fault: str, clause: str
) -> None:
    result = run_taskconform(
        "run", *WHOLE_SECONDS, "--fault", fault, "--clause", clause, "--report-dir", str(tmp_path)
    )
    assert result.code == 1, result.output
    assert clause in _failing(tmp_path)
