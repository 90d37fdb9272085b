"""A deterministic sample of the mutation run (``taskconform selftest --mutants``), so the score cannot
rot unseen: each sampled mutant is killed, or listed in contracts/mutants.yaml as equivalent and then
survives, or cannot be loaded — the whole run (about 970 mutants) is ``selftest --mutants``."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import run_taskconform

SAMPLE = 30


def test_a_sample_of_mutants_is_killed_or_decided(tmp_path: Path) -> None:
    result = run_taskconform("selftest", "--mutants", "--sample", str(SAMPLE), "--report-dir", str(tmp_path))
    page = json.loads((tmp_path / "mutants.json").read_text(encoding="utf-8"))
    outcomes = page["outcomes"]
    assert result.code == 0, result.output
    assert len(outcomes) == SAMPLE
    assert {o["mutant"]["vendor"] for o in outcomes} == {"superfone", "leadlex", "smartlead"}
    assert {o["result"] for o in outcomes} <= {"killed", "equivalent", "does-not-load"}
    assert sum(o["result"] == "killed" for o in outcomes) >= SAMPLE // 2
    assert all(o["failing_clauses"] for o in outcomes if o["result"] == "killed")
    assert "<pre>" in (tmp_path / "mutants.html").read_text(encoding="utf-8")
