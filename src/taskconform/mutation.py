"""``taskconform selftest --mutants``: the suite's mutation score against mutants nobody wrote by hand.

Each mutant of the faithful sandbox (``mutants.py``) is judged by the conformance suite, not by the
project's unit tests: in a forked child the sandbox is loaded with the mutant and ``taskconform run
--profile quick --only VENDOR --strict-examples`` runs against it, as the selftest runs every fault,
with every clock on ``FIRST_DAY`` (survivors again on ``LEAP_DAY``).
Exit 1 kills it (by the clauses that failed), exit 0 lets it survive; a run that does not finish (the
sandbox crashed, hung or did not start) and a mutant that does not load are categories of their own.

A survivor is decided in ``contracts/mutants.yaml``, one of two ways:
- ``equivalent``: it differs from the documents in nothing — it changes only what the catalogue lists as
  undocumented (named by its entry) or nothing observable through these endpoints (said why);
- ``not_killed``: a real fault the suite does not kill, and why no check can kill it without failing a
  correct server. It stays a survivor in the score.
A survivor listed in neither is undecided and fails the run; so does a listed mutant the suite now
kills (a false alarm, or an entry gone stale). The score, per vendor, is killed over killed + every
survivor not equivalent; a run that did not finish (the sandbox crashed, hung or did not start) and a
mutant that does not load (Cosmic Ray made code that raises on import: no server to judge) are
counted apart, in neither.
"""

from __future__ import annotations

import hashlib
import json
import signal
import statistics
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import time_machine

from . import mutants
from .mutants import Mutant
from .reports.pages import render_page
from .resources import contract_path, load_yaml
from .selftest import in_forked_children, judged_run, run_result

__all__ = ["DECISION_KINDS", "Decision", "load_decisions", "run_mutants", "sample"]

# A quick run of one vendor takes seconds; a mutant that makes the sandbox loop is ended at this.
TIMEOUT_S = 300
# A child's exit code no run uses: the mutated module raised while it loaded (Cosmic Ray's "incompetent").
_DOES_NOT_LOAD = 125
# The dates the suite's and the sandbox's clocks read: a mutant of date arithmetic may show only on some
# days, so the score is measured on the same days whenever it is measured. Survivors of the first are
# judged again on the second: calendar arithmetic takes its rarest branch on 29 February (five years
# earlier has none), which a run on any other day never reaches.
FIRST_DAY = datetime(2027, 1, 13, 12, tzinfo=UTC)
LEAP_DAY = datetime(2028, 2, 29, 12, tzinfo=UTC)
# The bar of the score over mutants not equivalent to the documents (issue 16).
REQUIRED_SCORE = 0.95


@dataclass(frozen=True)
class Decision:
    kind: str  # equivalent | not_killed (the section of contracts/mutants.yaml)
    mutant: str  # the mutant's description
    undocumented: str | None = None  # the catalogue's undocumented entry an equivalent mutant only changes
    reason: str | None = None  # else why: nothing it changes is observable, or no check can kill it


DECISION_KINDS = ("equivalent", "not_killed")


@cache
def load_decisions() -> dict[str, Decision]:
    contents = load_yaml(contract_path("mutants.yaml"))
    return {
        entry["mutant"]: Decision(kind, **entry)
        for kind in DECISION_KINDS
        for entry in contents.get(kind) or []
    }


@dataclass
class MutantOutcome:
    mutant: Mutant
    result: str  # one of _RESULTS
    failing_clauses: list[str]
    duration_s: float
    detail: str  # why a run did not finish, or the decision on a survivor


def sample(size: int) -> list[Mutant]:
    """``size`` mutants spread over the vendors, the same every time: by the hash of their description."""
    by_vendor = [
        sorted(mutants.generate(vendor), key=lambda m: hashlib.sha256(m.description.encode()).hexdigest())
        for vendor in mutants.vendors()
    ]
    chosen = [m for rank in range(size) for ranked in by_vendor if rank < len(ranked) for m in [ranked[rank]]]
    return chosen[:size]


@dataclass(frozen=True)
class _Job:
    mutant: Mutant | None  # None: the faithful sandbox, the control run
    vendors: tuple[str, ...]
    on: datetime  # the date both the suite's and the sandbox's clocks read


def _judge(job: _Job, profile: str, concurrency: int, run_dir: Path) -> int:
    signal.alarm(TIMEOUT_S)  # its default action ends the child: a hang is told apart from a verdict
    if job.mutant is not None:
        try:
            mutants.load(job.mutant)
        except Exception as exc:  # whatever the mutated module raises while it loads
            print(f"the mutated module does not load: {type(exc).__name__}: {exc}")
            return _DOES_NOT_LOAD
    with time_machine.travel(job.on, tick=True):
        return judged_run(profile, run_dir, only=job.vendors, concurrency=concurrency)


def _judge_all(
    jobs: list[_Job], profile: str, concurrency: int, workers: int, runs: Path
) -> list[tuple[Path, int, float]]:
    """Each job's run directory, exit code and duration; the control run's directory is ``control``."""
    run_dirs = [
        runs / (f"{job.mutant.vendor}-{i:04d}" if job.mutant else "control") for i, job in enumerate(jobs)
    ]
    ended = in_forked_children(
        jobs, lambda job, run_dir: _judge(job, profile, concurrency, run_dir), run_dirs, profile, workers
    )
    return [(run_dir, code, duration) for run_dir, (code, duration) in zip(run_dirs, ended, strict=True)]


def _conforms(run_dir: Path, code: int) -> bool:
    result = run_result(run_dir)
    return code == 0 and result is not None and result.verdict == "conforms"


def _judged_again_on_leap_day(
    outcomes: list[MutantOutcome], profile: str, workers: int, runs: Path, concurrency: int
) -> list[MutantOutcome]:
    """Survivors judged again with both clocks on ``LEAP_DAY``: what kills them there kills them."""
    again = [o for o in outcomes if o.result in ("survived", "equivalent", "not-killed")]
    if not again:
        return outcomes
    vendors = tuple(sorted({o.mutant.vendor for o in again}))
    jobs = [_Job(None, vendors, LEAP_DAY), *(_Job(o.mutant, (o.mutant.vendor,), LEAP_DAY) for o in again)]
    control, *judged = _judge_all(jobs, profile, concurrency, workers, runs)
    if not _conforms(*control[:2]):
        print(
            f"taskconform: on {LEAP_DAY:%Y-%m-%d} the faithful sandbox does not conform (see {control[0]}): "
            "the survivors stay as they are"
        )
        return outcomes
    on_leap_day = {id(first): _outcome(first.mutant, *run) for first, run in zip(again, judged, strict=True)}
    return [
        replace(later, detail=f"on {LEAP_DAY:%Y-%m-%d}", duration_s=first.duration_s + later.duration_s)
        if (later := on_leap_day.get(id(first))) and later.result in ("killed", "killed-but-listed")
        else first
        for first in outcomes
    ]


def _outcome(mutant: Mutant, run_dir: Path, code: int, duration: float) -> MutantOutcome:
    decision = load_decisions().get(mutant.description)
    run = run_result(run_dir)
    if code == _DOES_NOT_LOAD:
        return MutantOutcome(mutant, "does-not-load", [], duration, _last_line(run_dir))
    if code == -signal.SIGALRM:
        return MutantOutcome(mutant, "did-not-finish", [], duration, f"no verdict within {TIMEOUT_S} s")
    if run is None or (code, run.verdict) not in ((0, "conforms"), (1, "violations")):
        reason = (run.incomplete_reason if run else None) or _last_line(run_dir) or f"exit {code}"
        return MutantOutcome(mutant, "did-not-finish", [], duration, reason)
    if code == 1:
        result = "killed-but-listed" if decision else "killed"
        return MutantOutcome(mutant, result, run.failing_clauses, duration, decision.kind if decision else "")
    if decision is None:
        return MutantOutcome(mutant, "survived", [], duration, "")
    result = "equivalent" if decision.kind == "equivalent" else "not-killed"
    return MutantOutcome(mutant, result, [], duration, decision.undocumented or decision.reason or "")


def _last_line(run_dir: Path) -> str:
    log = (run_dir / "log.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return log[-1] if log else ""


def _vendor_summary(vendor: str, outcomes: list[MutantOutcome]) -> dict[str, Any]:
    mine = [o for o in outcomes if o.mutant.vendor == vendor]
    count = {result: sum(1 for o in mine if o.result == result) for result in _RESULTS}
    killed, survivors = count["killed"], count["survived"] + count["not-killed"]
    durations = [o.duration_s for o in mine]
    return {
        "vendor": vendor,
        "mutants": len(mine),
        **count,
        "score": round(killed / (killed + survivors), 4) if killed + survivors else None,
        "median_s": round(statistics.median(durations), 2) if durations else None,
        "run_s": round(sum(durations), 1),
    }


_RESULTS = (
    "killed",
    "equivalent",
    "not-killed",
    "survived",
    "killed-but-listed",
    "did-not-finish",
    "does-not-load",
)
_COLUMNS = (
    ("mutants", "mutants"),
    ("killed", "killed"),
    ("equivalent", "equiv"),
    ("not-killed", "not-killed"),
    ("survived", "undecided"),
    ("killed-but-listed", "killed-but-listed"),
    ("did-not-finish", "crash/hang"),
    ("does-not-load", "no-load"),
)


def _proven(summaries: list[dict[str, Any]]) -> bool:
    return all(
        not s["survived"] and not s["killed-but-listed"] and (s["score"] or 0) >= REQUIRED_SCORE
        for s in summaries
    )


def _print(summaries: list[dict[str, Any]], outcomes: list[MutantOutcome], run: str) -> None:
    for o in outcomes:
        if o.result not in ("killed", "equivalent", "does-not-load"):
            print(f"{o.result:<18} {o.mutant.description}  {o.detail}")
    print(
        f"{'vendor':<10} " + " ".join(f"{title:>{len(title)}}" for _, title in _COLUMNS) + "   score  median"
    )
    for s in summaries:
        score = f"{s['score']:.1%}" if s["score"] is not None else "—"
        counts = " ".join(f"{s[key]:>{len(title)}}" for key, title in _COLUMNS)
        print(f"{s['vendor']:<10} {counts} {score:>7} {s['median_s']:>6}s")
    print(f"{run}; score = killed / (killed + survivors not equivalent), bar {REQUIRED_SCORE:.0%}")


def run_mutants(
    selected: list[Mutant], profile: str, workers: int, report_dir: Path, concurrency: int
) -> int:
    """Judge ``selected`` on ``FIRST_DAY`` and, those that survive, on ``LEAP_DAY``; 0 when every survivor is
    decided, no listed mutant is killed and every vendor's score reaches the bar. Each pass starts with a
    control run of the faithful sandbox: a kill means something only where it conforms."""
    started = time.perf_counter()
    vendors = tuple(sorted({m.vendor for m in selected}))
    control, *judged = _judge_all(
        [_Job(None, vendors, FIRST_DAY), *(_Job(m, (m.vendor,), FIRST_DAY) for m in selected)],
        profile,
        concurrency,
        workers,
        report_dir / "runs",
    )
    if not _conforms(*control[:2]):
        print(
            f"taskconform: the faithful sandbox does not conform (see {control[0]}): no mutant can be judged"
        )
        return 1
    outcomes = [_outcome(mutant, *run) for mutant, run in zip(selected, judged, strict=True)]
    leap_day = report_dir / "runs-leap-day"
    outcomes = _judged_again_on_leap_day(outcomes, profile, workers, leap_day, concurrency)
    wall_s = time.perf_counter() - started
    summaries = [_vendor_summary(vendor, outcomes) for vendor in vendors]
    report_dir.mkdir(parents=True, exist_ok=True)
    page = {
        "profile": profile,
        "concurrency": concurrency,
        "summaries": summaries,
        "wall_s": round(wall_s, 1),
        "outcomes": [{**asdict(o), "description": o.mutant.description} for o in outcomes],
    }
    (report_dir / "mutants.json").write_text(json.dumps(page, indent=2) + "\n", encoding="utf-8")
    html = render_page(
        "mutants.html",
        summaries=summaries,
        outcomes=outcomes,
        wall_s=wall_s,
        profile=profile,
        columns=_COLUMNS,
        proven=_proven(summaries),
    )
    (report_dir / "mutants.html").write_text(html, encoding="utf-8")
    _print(summaries, outcomes, f"{profile} profile, --concurrency {concurrency}, wall time {wall_s:.0f} s")
    return 0 if _proven(summaries) else 1
