"""The suite's own strength: every catalogued fault is caught by the clause it breaks, and neither
the faithful sandbox nor any allowed variation raises an alarm. CI fails when a change weakens it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskconform.sandbox.faults import load_faults, load_variations
from taskconform.selftest import Outcome, Variant, load_variants

from .conftest import run_taskconform


def test_selftest_kills_every_fault_by_its_own_clause_without_false_alarms(tmp_path: Path) -> None:
    result = run_taskconform(
        "selftest", "--profile", "quick", "--workers", "2", "--report-dir", str(tmp_path)
    )
    summary = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))["summary"]
    assert result.code == 0, result.output
    assert summary["faults"] == len(load_faults()) >= 35
    assert summary["mutation_score"] == 1.0
    assert summary["killed_by_own_clause"] == summary["faults"], summary["warnings"]
    assert summary["false_alarms"] == [] and summary["survivors"] == [] and summary["incomplete"] == []
    assert (tmp_path / "selftest.html").is_file()


def _outcome(kind: str, verdict: str, failing: list[str], code: int = 1) -> Outcome:
    return Outcome(Variant("x", kind, "superfone", "SF-A"), verdict, failing, 1.0, code)


@pytest.mark.parametrize(
    ("kind", "verdict", "failing", "code", "result"),
    [
        ("fault", "violations", ["SF-A"], 1, "killed"),
        ("fault", "violations", ["SF-B"], 1, "killed-by-other-clause"),
        ("fault", "conforms", [], 0, "survived"),
        ("variation", "violations", ["SF-B"], 1, "false-alarm"),
        ("correct", "conforms", [], 0, "pass"),
        ("fault", "incomplete", [], 3, "incomplete"),
    ],
)
def test_each_run_is_judged_by_its_kind(
    kind: str, verdict: str, failing: list[str], code: int, result: str
) -> None:
    assert _outcome(kind, verdict, failing, code).result == result


def test_variants_come_from_the_catalogues() -> None:
    variants = load_variants()
    assert [v.kind for v in variants].count("correct") == 1
    assert {v.name for v in variants if v.kind == "fault"} == {f.name for f in load_faults()}
    assert {v.name for v in variants if v.kind == "variation"} == {v.name for v in load_variations()}
    with pytest.raises(ValueError, match="unknown fault or variation"):
        load_variants(("no-such-fault",))
