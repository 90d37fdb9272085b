"""Overlapping requests change how long a run waits, not whether it finds a fault: a fault that only
the requests sent together catch (drawn requests, near-misses, probes sent as one batch, pages read at
once, tests in lanes side by side) fails the run and its own clause at every concurrency, and the
report says which concurrency ran, in how many lanes, and how the target's "not now" lowered it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskconform.sandbox.faults import load_faults

from ..conftest import run_taskconform


def _run(report_dir: Path, *args: str) -> tuple[int, dict]:
    completed = run_taskconform("run", "--profile", "quick", "--report-dir", str(report_dir), *args)
    report = json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))
    return completed.code, report


def _failing(report: dict) -> list[str]:
    return sorted(c["id"] for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "fail")


@pytest.mark.parametrize(
    "fault",
    [
        "create-type-any-case",  # a near-miss
        "sl-priority-trimmed",  # a near-miss
        "create-wrong-key-writes",  # a probe that must write nothing: the batch's record changes
        "complete-oldest",  # the model's explorations, in lanes side by side
        "list-page-overlap",  # pages of every size, read at once
    ],
)
def test_a_fault_the_overlapped_requests_catch_is_caught_alike_at_every_concurrency(
    tmp_path: Path, fault: str
) -> None:
    """In lanes a test writes to its lane's share of the leads, which earlier tests of the lane left
    in another state than at concurrency 1: a check may then see more of a fault (a page fault on a
    lead with more pages) and name a clause more, never miss the fault's own."""
    clause = next(f.clause for f in load_faults() if f.name == fault)
    vendor = "smartlead" if fault.startswith("sl-") else "superfone"
    one_code, one = _run(tmp_path / "one", "--only", vendor, "--fault", fault, "--concurrency", "1")
    many_code, many = _run(tmp_path / "many", "--only", vendor, "--fault", fault)
    assert one_code == many_code == 1
    assert clause in _failing(one) and clause in _failing(many)
    assert (one["tests"]["concurrency"], many["tests"]["concurrency"]) == (1, 8)
    assert (one["tests"]["lanes"], many["tests"]["lanes"]) == (1, 4)


def test_a_fault_across_leads_is_caught_by_its_clause_at_every_concurrency(tmp_path: Path) -> None:
    """A create that closes other leads' tasks reaches the leads of the lanes beside its own too:
    what their tests then see depends on when, so beside the fault's own clause the run may name
    another (as with parallel workers); the fault's own clause is found either way."""
    flags = ("--only", "superfone", "--fault", "autoclose-other-leads")
    one_code, one = _run(tmp_path / "one", *flags, "--concurrency", "1")
    many_code, many = _run(tmp_path / "many", *flags)
    assert one_code == many_code == 1
    assert "SF-CREATE-AUTOCLOSE" in _failing(one) and "SF-CREATE-AUTOCLOSE" in _failing(many)


def test_a_target_that_says_not_now_lowers_the_concurrency_and_the_report_keeps_each_change(
    tmp_path: Path,
) -> None:
    code, report = _run(tmp_path / "run", "--only", "smartlead", "--variation", "rate-limited")
    assert code == 0, report["incomplete_reason"]
    changes = report["tests"]["concurrency_changes"]
    halved = [c for c in changes if c["status"] == 429]
    assert halved and all(c["vendor"] == "smartlead" for c in changes)
    assert min(c["limit"] for c in halved) >= 1
    assert halved[0]["limit"] == 4


def test_a_concurrency_below_one_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    completed = run_taskconform("run", "--concurrency", "0", "--report-dir", str(tmp_path))
    assert completed.code == 2
    assert "--concurrency must be a whole number from 1" in completed.output
    assert not (tmp_path / "latest").exists()
