"""The suite's own strength: every catalogued fault is caught by the clause it breaks, and neither
the faithful sandbox nor any allowed variation raises an alarm — behind a refusing gateway too. CI
fails when a change weakens it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskconform.catalogue import load_catalogue
from taskconform.sandbox.faults import load_faults, load_variations
from taskconform.selftest import Outcome, Variant, load_variants

from ..conftest import run_taskconform


def test_selftest_kills_every_fault_by_its_own_clause_without_false_alarms(tmp_path: Path) -> None:
    """Focused: a fault run checks only its own clause, which is what this proves (the whole matrix,
    what else each fault trips, is the sample behind a gateway below and ``taskconform selftest``)."""
    result = run_taskconform(
        "selftest", "--focused", "--profile", "quick", "--workers", "2", "--report-dir", str(tmp_path)
    )
    summary = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))["summary"]
    assert result.code == 0, result.output
    assert summary["focused"] is True
    assert summary["faults"] == len(load_faults()) >= 35
    assert summary["mutation_score"] == 1.0
    assert summary["killed_by_own_clause"] == summary["faults"], summary["warnings"]
    assert summary["false_alarms"] == [] and summary["survivors"] == [] and summary["incomplete"] == []
    assert (tmp_path / "selftest.html").is_file()


# Faults whose catching a gateway's refusals could disturb, across the three vendors.
GATEWAY_SAMPLE = (
    "autoclose-race",  # a race: refused requests arrive late
    "create-wrong-key-writes",  # a refused write is sent again, and what it wrote must still be seen
    "sl-array-body-500",  # a vendor's 500 stays an answer for the checks, never a back-off
    "sl-wrong-key-accepted",
    "ll-orphan-accepted",
)


def test_faults_are_killed_by_their_own_clause_behind_a_gateway(tmp_path: Path) -> None:
    """A sample of the full matrix (``selftest --with-variation gateway``), which takes minutes."""
    result = run_taskconform(
        "selftest",
        "--profile",
        "quick",
        "--workers",
        "2",
        "--report-dir",
        str(tmp_path),
        "--with-variation",
        "gateway",
        *(arg for name in GATEWAY_SAMPLE for arg in ("--only", name)),
    )
    report = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))
    assert result.code == 0, result.output
    assert {run["variant"]["name"]: run["result"] for run in report["runs"]} == {
        "correct": "pass",
        **dict.fromkeys(GATEWAY_SAMPLE, "killed"),
    }
    assert all(run["variant"]["beside"] == ["gateway"] for run in report["runs"])
    assert report["summary"]["with_variations"] == ["gateway"]


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


def test_a_variation_beside_every_run_is_the_correct_run_and_joins_each_fault() -> None:
    variants = {v.name: v for v in load_variants(beside=("gateway",))}
    assert "gateway" not in variants
    assert variants["correct"].run_flags() == ["--strict-examples", "--variation", "gateway"]
    assert variants["autoclose-race"].run_flags() == [
        "--strict-examples",
        "--fault",
        "autoclose-race",
        "--variation",
        "gateway",
        "--only",
        "superfone",
    ]
    assert variants["slow"].variations == ("slow", "gateway")
    with pytest.raises(ValueError, match="unknown variation 'autoclose-race'"):
        load_variants(beside=("autoclose-race",))


def test_every_run_is_strict_so_an_example_level_fault_is_killed_by_its_own_clause() -> None:
    """Without --strict-examples an example-level deviation only warns: the run would conform."""
    example = {f.name for f in load_faults() if load_catalogue(f.vendor).clause(f.clause).level == "example"}
    assert {"create-message-ok", "sl-envelope-without-ok"} <= example
    assert all(variant.run_flags()[0] == "--strict-examples" for variant in load_variants())


def test_a_focused_selftest_narrows_fault_runs_to_their_own_clause_and_no_other_run() -> None:
    variants = load_variants(focused=True)
    for variant in variants:
        flags = variant.run_flags()
        if variant.kind == "fault":
            assert flags[flags.index("--clause") :] == ["--clause", variant.clause]
        else:
            assert "--clause" not in flags, variant.name
    assert all("--clause" not in v.run_flags() for v in load_variants())


def test_every_run_of_a_selftest_runs_at_its_concurrency(tmp_path: Path) -> None:
    """``--concurrency 1`` reaches each run (the kill matrix is compared at 1 and at the default)."""
    faults = ("create-wrong-key-writes", "list-page-overlap")
    result = run_taskconform(
        "selftest",
        "--concurrency",
        "1",
        "--workers",
        "2",
        "--report-dir",
        str(tmp_path),
        *(arg for name in faults for arg in ("--only", name)),
    )
    assert result.code == 0, result.output
    summary = json.loads((tmp_path / "selftest.json").read_text(encoding="utf-8"))["summary"]
    assert summary["concurrency"] == 1 and summary["killed_by_own_clause"] == len(faults)
    for name in ("correct", *faults):
        report = json.loads((tmp_path / "runs" / name / "latest" / "report.json").read_text(encoding="utf-8"))
        assert report["tests"]["concurrency"] == 1
