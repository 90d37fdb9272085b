"""The mutants of the faithful sandbox are real, observable changes of its behaviour, and
``contracts/mutants.yaml`` decides only mutants Cosmic Ray generates, each for a stated reason."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

import pytest

from taskconform.catalogue import load_catalogue
from taskconform.mutants import Mutant, all_mutants, vendors
from taskconform.mutation import DECISION_KINDS, load_decisions, sample


def _without_annotations(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign):
            node.annotation = ast.Constant(None)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
    return ast.dump(tree)


def _original(mutant: Mutant) -> str:
    from taskconform.mutants import _SANDBOX_DIR

    return (_SANDBOX_DIR.parent / mutant.module).read_text(encoding="utf-8")


def test_every_vendor_has_mutants_of_its_faithful_modules_only() -> None:
    mutants = all_mutants()
    assert {m.vendor for m in mutants} == set(vendors()) == {"superfone", "leadlex", "smartlead"}
    modules = {m.module for m in mutants}
    assert {
        "sandbox/superfone/api.py",
        "sandbox/superfone/store.py",
        "sandbox/leadlex/matching.py",
    } <= modules
    assert not any(m.endswith(("/faults.py", "/__init__.py")) for m in modules)
    assert len({m.description for m in mutants}) == len(mutants)


def test_every_mutant_changes_code_that_runs() -> None:
    """None differs from the original only inside an annotation (never evaluated here) or not at all."""
    unchanged = []
    for mutant in all_mutants():
        try:
            mutated = _without_annotations(mutant.source())
        except SyntaxError:
            continue  # Cosmic Ray's mutation made invalid code: reported as "does not load"
        if mutated == _without_annotations(_original(mutant)):
            unchanged.append(mutant.description)
    assert unchanged == []


def test_every_listed_mutant_is_one_cosmic_ray_generates() -> None:
    generated = {m.description for m in all_mutants()}
    stale = sorted(set(load_decisions()) - generated)
    assert stale == [], "contracts/mutants.yaml lists mutants Cosmic Ray no longer generates"


def test_every_decision_names_an_undocumented_entry_or_a_reason() -> None:
    """An equivalent mutant names the vendor's undocumented entry it only changes, or why nothing it
    changes is observable; a real fault left alive says why no check can kill it."""
    decisions = load_decisions().values()
    assert {d.kind for d in decisions} <= set(DECISION_KINDS)
    for decision in decisions:
        vendor = decision.mutant.split("/")[1]
        undocumented = {entry.id for entry in load_catalogue(vendor).undocumented}
        if decision.undocumented:
            assert decision.kind == "equivalent" and decision.undocumented in undocumented, decision
        else:
            assert len((decision.reason or "").split()) >= 5, decision


def test_the_sample_spreads_over_the_vendors_and_is_always_the_same() -> None:
    chosen = sample(30)
    assert len(chosen) == 30
    assert {m.vendor for m in chosen} == set(vendors())
    assert [m.description for m in chosen] == [m.description for m in sample(30)]


_SERVE_MUTANT = textwrap.dedent(
    """
    import json, sys
    from starlette.testclient import TestClient
    from taskconform.mutants import generate, load
    from taskconform.sandbox import SandboxOptions, create_app
    from taskconform.sandbox.registry import DEFAULT_KEYS

    def page_of_five():
        client = TestClient(create_app(SandboxOptions(keys=DEFAULT_KEYS)))
        answer = client.get(
            "/superfone/enterprise/api/lead/1001/task",
            params={"page_size": 5},
            headers={"x-api-key": DEFAULT_KEYS["superfone"][0]},
        )
        return answer.status_code

    before = page_of_five()
    load(next(m for m in generate("superfone") if m.description == sys.argv[1]))
    print(json.dumps([before, page_of_five()]))
    """
)


@pytest.mark.parametrize(
    "description",
    [
        "sandbox/superfone/api.py SuperfoneApi._page_size core/ReplaceComparisonOperator_Lt_Gt: "
        "if size is None or size < 1: => if size is None or size > 1:"
    ],
)
def test_a_loaded_mutant_is_what_the_sandbox_serves(description: str) -> None:
    """Loading a mutant re-imports the vendor's sandbox package, so a fresh app serves the mutation."""
    assert description in {m.description for m in all_mutants()}
    completed = subprocess.run(
        [sys.executable, "-c", _SERVE_MUTANT, description], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == [200, 400]
