"""From test records to per-clause verdicts (example-level ones warn unless strict; security checks say
when they were turned off), and which vendors a run limited to some clauses tests."""

from __future__ import annotations

import pytest

from taskconform.catalogue import load_catalogue, vendors_checking
from taskconform.reports import records
from taskconform.reports.records import RunInfo, VendorInfo
from taskconform.reports.verdicts import vendor_result
from taskconform.vendors import VENDORS

SUPERFONE = VendorInfo("superfone", "http://127.0.0.1:1", {})
COMPLETE = "SF-COMPLETE-MOST-RECENT"
AUTOCLOSE = "SF-CREATE-AUTOCLOSE"
MESSAGE = "SF-CREATE-EXAMPLE-MESSAGE"
SECURITY = "SEC-CREDENTIAL-NOT-REFLECTED"


def _verdicts(
    tests: list[records.TestRecord], clauses: tuple[str, ...] = (), **run: bool
) -> dict[str, tuple[str, str | None]]:
    info = RunInfo("r", "quick", (SUPERFONE,), str, clauses, **run)
    result = vendor_result(SUPERFONE, tests, len(tests), None, info)
    return {clause.id: (clause.verdict, clause.not_run_reason) for clause in result.clauses}


def _record(declared: list[str], exercised: list[str], **fields: object) -> records.TestRecord:
    return records.TestRecord("test_x", "superfone", declared, exercised, **fields)  # type: ignore[arg-type]


def test_a_clause_passes_when_exercised_fails_when_found_broken_and_else_says_why_not() -> None:
    finding = {"clause": AUTOCLOSE, "expected": "one open task", "actual": "two", "exchanges": []}
    verdicts = _verdicts(
        [
            _record([COMPLETE], [COMPLETE]),
            _record([AUTOCLOSE, "SF-LIST-PAGINATION"], [AUTOCLOSE], findings=[finding]),
        ]
    )
    assert verdicts[COMPLETE] == ("pass", None)
    assert verdicts[AUTOCLOSE][0] == "fail"
    assert verdicts["SF-LIST-PAGINATION"] == (
        "not-run",
        "profile too small: its checks ran but met no case of it at profile quick",
    )
    assert verdicts["SF-LIST-NEWEST-FIRST"] == ("not-run", "no check of this version exercises it")


def test_a_clause_left_out_of_a_limited_run_is_not_run_because_it_was_not_selected() -> None:
    verdicts = _verdicts([_record([COMPLETE], [COMPLETE])], clauses=(COMPLETE,))
    assert verdicts[COMPLETE] == ("pass", None)
    assert verdicts["SF-LIST-NEWEST-FIRST"] == (
        "not-run",
        f"not selected: the run was limited to --clause {COMPLETE}",
    )


def test_a_crashed_test_certifies_nothing_it_exercised() -> None:
    verdicts = _verdicts([_record([COMPLETE], [COMPLETE], error=("suite", "boom"))])
    assert verdicts[COMPLETE] == ("not-run", "suite error in test_x: boom")


def test_a_run_limited_to_clauses_tests_only_the_vendors_that_own_them() -> None:
    names = tuple(VENDORS)
    owners = {name: load_catalogue(name).clauses[0].id for name in names}
    for name, clause in owners.items():
        assert vendors_checking((clause,), names) == (name,)
    assert vendors_checking(tuple(owners.values()), names) == names
    assert vendors_checking((SECURITY,), names) == names  # every vendor is checked for it
    with pytest.raises(ValueError, match="--clause NOPE: no such clause"):
        vendors_checking(("NOPE",), names)


def _deviation(clause: str) -> records.TestRecord:
    finding = {"clause": clause, "expected": '"message": "success"', "actual": "'ok'", "exchanges": []}
    return _record([clause], [clause], findings=[finding])


def test_an_example_level_deviation_warns_and_fails_only_when_the_run_is_strict() -> None:
    assert _verdicts([_deviation(MESSAGE)])[MESSAGE] == ("warn", None)
    assert _verdicts([_deviation(MESSAGE)], strict_examples=True)[MESSAGE] == ("fail", None)
    assert _verdicts([_deviation(AUTOCLOSE)])[AUTOCLOSE] == ("fail", None)  # a must clause always fails


def test_security_checks_fail_like_must_clauses_and_say_so_when_turned_off() -> None:
    assert _verdicts([_deviation(SECURITY)])[SECURITY] == ("fail", None)
    assert _verdicts([_record([COMPLETE], [COMPLETE, SECURITY])])[SECURITY] == ("pass", None)
    verdicts = _verdicts([_record([COMPLETE], [COMPLETE])], security_checks=False)
    assert verdicts[SECURITY] == ("not-run", "security checks turned off (--no-security-checks)")
    assert verdicts[COMPLETE] == ("pass", None)


def test_a_security_check_not_run_gives_the_reason_of_every_test_of_its_vendor() -> None:
    """No test declares it, since every test checks it on its answers: their crash is its reason."""
    verdicts = _verdicts([_record([COMPLETE], [COMPLETE], error=("suite", "boom"))])
    assert verdicts[SECURITY] == ("not-run", "suite error in test_x: boom")
