"""``taskconform selftest --mutants``: the suite's mutation score against mutants nobody wrote by hand.

Each mutant of the faithful sandbox (``mutants.py``) is judged by the conformance suite, not by the
project's unit tests: in a forked child the sandbox is loaded with the mutant and ``taskconform run
--profile quick --only VENDOR --strict-examples`` runs against it, as the selftest runs every fault.
Exit 1 kills it (by the clauses that failed), exit 0 lets it survive; a run that does not finish (the
mutated sandbox does not load, crashes or hangs) is its own category, apart from both.

A survivor is decided in ``contracts/mutants.yaml``: equivalent to the documents (it changes only what
the catalogue lists as undocumented, named by its entry, or nothing observable through these
endpoints, said why). A survivor not listed there is undecided, and fails the run; so does a listed
mutant the suite kills (a false alarm, or a stale entry). The score, per vendor, is killed over
killed + survivors not listed; a run that did not finish and a mutant that does not load (its module
raises on import: no server to judge) are counted apart, in neither.
"""

from __future__ import annotations

import hashlib
import json
import signal
import statistics
import time
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import mutants
from .catalogue import load_catalogue
from .mutants import Mutant
from .reports.pages import render_page
from .resources import contract_path, load_yaml
from .runner import RunOptions, run
from .selftest import in_forked_children

__all__ = ["Decision", "load_decisions", "run_mutants", "sample"]

# A quick run of one vendor takes seconds; a mutant that makes the sandbox loop is ended at this.
TIMEOUT_S = 300
# A child's exit code no run uses: the mutated module raised while it loaded (Cosmic Ray's "incompetent").
_DOES_NOT_LOAD = 125
# The bar of the score over mutants not equivalent to the documents (issue 16).
REQUIRED_SCORE = 0.95


@dataclass(frozen=True)
class Decision:
    mutant: str  # the mutant's description
    undocumented: str | None = None  # the catalogue's undocumented entry the mutant only changes
    reason: str | None = None  # else why nothing it changes is observable through these endpoints


@cache
def load_decisions() -> dict[str, Decision]:
    entries = load_yaml(contract_path("mutants.yaml")).get("equivalent") or []
    return {entry["mutant"]: Decision(**entry) for entry in entries}


def undocumented_ids() -> frozenset[str]:
    return frozenset(
        entry.id for vendor in mutants.vendors() for entry in load_catalogue(vendor).undocumented
    )


@dataclass
class MutantOutcome:
    mutant: Mutant
    result: str  # one of _RESULTS
    failing_clauses: list[str]
    duration_s: float
    detail: str  # why a run did not finish, or the decision that makes a survivor equivalent


def sample(size: int) -> list[Mutant]:
    """``size`` mutants spread over the vendors, the same every time: by the hash of their description."""
    by_vendor = [
        sorted(mutants.generate(vendor), key=lambda m: hashlib.sha256(m.description.encode()).hexdigest())
        for vendor in mutants.vendors()
    ]
    chosen = [m for rank in range(size) for ranked in by_vendor if rank < len(ranked) for m in [ranked[rank]]]
    return chosen[:size]


def _judge(mutant: Mutant, profile: str, run_dir: Path) -> int:
    signal.alarm(TIMEOUT_S)  # its default action ends the child: a hang is told apart from a verdict
    try:
        mutants.load(mutant)
    except Exception as exc:  # whatever the mutated module raises while it loads
        print(f"the mutated module does not load: {type(exc).__name__}: {exc}")
        return _DOES_NOT_LOAD
    options = RunOptions(
        only=(mutant.vendor,),
        profile=profile,
        report_dir=run_dir,
        strict_examples=True,
        in_process=True,
        no_shrink=True,
    )
    return run(options)


def _outcome(mutant: Mutant, run_dir: Path, code: int, duration: float) -> MutantOutcome:
    decision = load_decisions().get(mutant.description)
    report_path = run_dir / "latest" / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
    verdict = report["verdict"] if report else None
    if code == _DOES_NOT_LOAD:
        return MutantOutcome(mutant, "does-not-load", [], duration, _last_line(run_dir))
    if code == -signal.SIGALRM:
        return MutantOutcome(mutant, "did-not-finish", [], duration, f"no verdict within {TIMEOUT_S} s")
    if report is None or (code, verdict) not in ((0, "conforms"), (1, "violations")):
        reason = (report or {}).get("incomplete_reason") or _last_line(run_dir) or f"exit {code}"
        return MutantOutcome(mutant, "did-not-finish", [], duration, reason)
    failing = sorted(c["id"] for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "fail")
    if code == 1:
        result = "killed-but-listed-equivalent" if decision else "killed"
        return MutantOutcome(mutant, result, failing, duration, "")
    if decision:
        return MutantOutcome(
            mutant, "equivalent", [], duration, decision.undocumented or decision.reason or ""
        )
    return MutantOutcome(mutant, "survived", [], duration, "")


def _last_line(run_dir: Path) -> str:
    log = (run_dir / "log.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return log[-1] if log else ""


def _vendor_summary(vendor: str, outcomes: list[MutantOutcome]) -> dict[str, Any]:
    mine = [o for o in outcomes if o.mutant.vendor == vendor]
    count = {result: sum(1 for o in mine if o.result == result) for result in _RESULTS}
    killed, survivors = count["killed"], count["survived"]
    durations = [o.duration_s for o in mine]
    return {
        "vendor": vendor,
        "mutants": len(mine),
        **count,
        "score": round(killed / (killed + survivors), 4) if killed + survivors else None,
        "median_s": round(statistics.median(durations), 2) if durations else None,
    }


_RESULTS = (
    "killed",
    "equivalent",
    "survived",
    "killed-but-listed-equivalent",
    "did-not-finish",
    "does-not-load",
)


def _proven(summaries: list[dict[str, Any]]) -> bool:
    return all(
        not s["survived"] and not s["killed-but-listed-equivalent"] and (s["score"] or 0) >= REQUIRED_SCORE
        for s in summaries
    )


def _print(summaries: list[dict[str, Any]], outcomes: list[MutantOutcome], run: str) -> None:
    for o in outcomes:
        if o.result not in ("killed", "equivalent"):
            print(f"{o.result:<28} {o.mutant.description}  {o.detail}")
    print(
        f"{'vendor':<10} {'mutants':>7} {'killed':>6} {'equiv':>5} {'surv':>4} {'wrongly-eq':>10} "
        f"{'no-verdict':>10} {'no-load':>7} {'score':>7} {'median':>7}"
    )
    for s in summaries:
        score = f"{s['score']:.1%}" if s["score"] is not None else "—"
        print(
            f"{s['vendor']:<10} {s['mutants']:>7} {s['killed']:>6} {s['equivalent']:>5} {s['survived']:>4} "
            f"{s['killed-but-listed-equivalent']:>10} {s['did-not-finish']:>10} {s['does-not-load']:>7} "
            f"{score:>7} {s['median_s']:>6}s"
        )
    print(f"{run}; score = killed / (killed + undecided survivors), bar {REQUIRED_SCORE:.0%}")


def run_mutants(selected: list[Mutant], profile: str, workers: int, report_dir: Path) -> int:
    """Judge ``selected``; 0 when every survivor is decided, no listed mutant is killed and every
    vendor's score reaches the bar."""
    started = time.perf_counter()
    run_dirs = [report_dir / "runs" / f"{m.vendor}-{i:04d}" for i, m in enumerate(selected)]
    ended = in_forked_children(
        selected, lambda mutant, run_dir: _judge(mutant, profile, run_dir), run_dirs, profile, workers
    )
    outcomes = [
        _outcome(mutant, run_dir, code, duration)
        for mutant, run_dir, (code, duration) in zip(selected, run_dirs, ended, strict=True)
    ]
    wall_s = time.perf_counter() - started
    judged = {o.mutant.vendor for o in outcomes}
    summaries = [_vendor_summary(vendor, outcomes) for vendor in mutants.vendors() if vendor in judged]
    report_dir.mkdir(parents=True, exist_ok=True)
    page = {
        "profile": profile,
        "summaries": summaries,
        "wall_s": round(wall_s, 1),
        "outcomes": [asdict(o) for o in outcomes],
    }
    (report_dir / "mutants.json").write_text(json.dumps(page, indent=2) + "\n", encoding="utf-8")
    html = render_page(
        "mutants.html",
        summaries=summaries,
        outcomes=outcomes,
        wall_s=wall_s,
        profile=profile,
        proven=_proven(summaries),
    )
    (report_dir / "mutants.html").write_text(html, encoding="utf-8")
    _print(summaries, outcomes, f"{profile} profile, wall time {wall_s:.0f} s")
    return 0 if _proven(summaries) else 1
