"""Accepted failures and run-to-run changes are pure functions of reports: tested here, in process.

The e2e test (tests/e2e/test_regression.py) only proves the command line reaches them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from taskconform.reports.baseline import compare, failure_identities, read_baseline, write_baseline
from taskconform.reports.diff import compare_reports
from taskconform.reports.model import ClauseResult, Failure, VendorResult

from .test_report_html import _clause, sample_report

PAGE_SIZE, TYPE_REQUIRED, NOT_RUN = "SF-LIST-ERR-PAGE-SIZE-MAX", "SF-CREATE-ERR-TYPE-REQUIRED", "SF-X"


def _failing(clause_id: str, check: str) -> ClauseResult:
    failure = Failure(clause_id, "400", "200", (), check, "expected 400; got 200", "#!/bin/sh\n")
    return _clause(clause_id, "fail", failures=(failure,))


def _vendor(*clauses: ClauseResult) -> VendorResult:
    return replace(sample_report().vendors[0], vendor="superfone", clauses=clauses)


def test_known_new_and_fixed_failures() -> None:
    accepted = {("superfone", PAGE_SIZE, "probe-21")}
    both = _vendor(_failing(PAGE_SIZE, "probe-21"), _failing(TYPE_REQUIRED, "probe-type"))
    result = compare([both], accepted, "baseline.txt")
    assert result.known == (("superfone", PAGE_SIZE, "probe-21"),)
    assert result.new == (("superfone", TYPE_REQUIRED, "probe-type"),)
    assert result.fixed == ()

    repaired = _vendor(_clause(PAGE_SIZE, "pass"), _failing(TYPE_REQUIRED, "probe-type"))
    assert compare([repaired], accepted, "baseline.txt").fixed == (("superfone", PAGE_SIZE, "probe-21"),)


def test_an_accepted_failure_whose_clause_did_not_run_is_not_called_fixed() -> None:
    accepted = {("superfone", NOT_RUN, "probe")}
    assert compare([_vendor(_clause(NOT_RUN, "not-run"))], accepted, "b").fixed == ()


def test_the_baseline_file_is_stable_and_round_trips(tmp_path: Path) -> None:
    identities = failure_identities([_vendor(_failing(TYPE_REQUIRED, "b"), _failing(PAGE_SIZE, "a"))])
    path = tmp_path / "baseline.txt"
    write_baseline(path, identities)
    first = path.read_text(encoding="utf-8")
    write_baseline(path, read_baseline(path))
    assert path.read_text(encoding="utf-8") == first
    assert first.splitlines()[-2:] == [f"superfone {TYPE_REQUIRED} b", f"superfone {PAGE_SIZE} a"]  # sorted


def test_a_malformed_baseline_line_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "baseline.txt"
    path.write_text("# comment\nsuperfone only-two\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"baseline.txt:2: expected `vendor clause check`"):
        read_baseline(path)


def _report(**verdicts: str) -> dict[str, Any]:
    clauses = [{"id": clause, "rule": f"rule of {clause}", "verdict": v} for clause, v in verdicts.items()]
    return {"vendors": [{"vendor": "superfone", "clauses": clauses}]}


def test_diff_sorts_every_clause_into_what_changed() -> None:
    old = _report(A="fail", B="pass", C="fail", D="pass", E="not-run")
    new = _report(A="fail", B="fail", C="pass", D="not-run", E="not-run")
    changes = compare_reports(old, new)
    names = {section: [entry["clause"] for entry in entries] for section, entries in changes.items()}
    assert names == {"newly_failing": ["B"], "fixed": ["C"], "still_failing": ["A"], "newly_not_run": ["D"]}
    assert changes["newly_failing"][0]["was"] == "pass" and changes["newly_failing"][0]["now"] == "fail"


def test_a_clause_new_to_the_catalogue_that_fails_is_newly_failing() -> None:
    changes = compare_reports(_report(), _report(Z="fail"))
    assert [(e["clause"], e["was"]) for e in changes["newly_failing"]] == [("Z", "absent")]
