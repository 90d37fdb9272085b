"""``taskconform selftest``: the suite proves what it catches and that it raises no false alarm.

Every variant of the bundled sandbox gets its own ``taskconform run`` process (its own sandbox on
its own port): the faithful sandbox and every allowed variation must conform, every catalogued
fault must be caught — by the clause it breaks, else it counts as a warning. ``--with-variation``
switches a variation on in every run, so the same holds beside it (a gateway refusing now and then
must neither hide a fault nor raise an alarm).

Every run is strict about examples (``--strict-examples``): a fault of an example-level clause is
then killed by its own clause, like any other, and the faithful sandbox and every variation must
match the documented examples too, so the example-level clauses are proven free of false alarms.
"""

from __future__ import annotations

import importlib
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from .drawn_cache import DrawnCache, cache_home
from .fuzzing import searches
from .near_miss import near_miss_searches, near_misses
from .prefetch import drawn_once_for_every_run
from .profiles import PROFILES
from .reports.pages import render_page
from .run_options import DEFAULT_CONCURRENCY
from .runner import RunOptions, run
from .sandbox.faults import ALL_VENDORS, check_names, load_faults, load_variations, variation_names
from .vendors import VENDORS

__all__ = [
    "RunResult",
    "Variant",
    "in_forked_children",
    "judged_run",
    "load_variants",
    "run_result",
    "run_selftest",
]

Job = TypeVar("Job")

# Every selftest run judges example-level clauses as strictly as must clauses (see above).
STRICT_EXAMPLES = "--strict-examples"


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str  # correct | variation | fault
    vendor: str = ""
    clause: str = ""
    description: str = ""
    beside: tuple[str, ...] = ()  # variations switched on in this run too (selftest --with-variation)
    focused: bool = False  # a fault run checks only its own clause (selftest --focused)

    @property
    def vendors(self) -> tuple[str, ...]:
        """A vendor's fault or variation changes only its own routes: only its suite needs to run."""
        return () if self.vendor in ("", ALL_VENDORS) else (self.vendor,)

    @property
    def faults(self) -> tuple[str, ...]:
        return (self.name,) if self.kind == "fault" else ()

    @property
    def variations(self) -> tuple[str, ...]:
        return ((self.name,) if self.kind == "variation" else ()) + self.beside

    @property
    def clauses(self) -> tuple[str, ...]:
        """A focused fault run checks only the clause the fault breaks; a variation or the correct
        run always checks every clause, since a false alarm may come from any."""
        return (self.clause,) if self.focused and self.kind == "fault" else ()

    def run_flags(self) -> list[str]:
        return [
            STRICT_EXAMPLES,
            *(arg for name in self.faults for arg in ("--fault", name)),
            *(arg for name in self.variations for arg in ("--variation", name)),
            *(arg for vendor in self.vendors for arg in ("--only", vendor)),
            *(arg for clause in self.clauses for arg in ("--clause", clause)),
        ]


@dataclass
class Outcome:
    variant: Variant
    verdict: str
    failing_clauses: list[str]
    duration_s: float
    exit_code: int
    incomplete_reason: str | None = None
    log: str = ""
    result: str = field(init=False)

    def __post_init__(self) -> None:
        self.result = self._judge()

    def _judge(self) -> str:
        if self.verdict == "incomplete" or self.exit_code not in (0, 1):
            return "incomplete"
        if self.variant.kind != "fault":
            return "pass" if self.verdict == "conforms" else "false-alarm"
        if self.verdict == "conforms":
            return "survived"
        return "killed" if self.variant.clause in self.failing_clauses else "killed-by-other-clause"


def load_variants(
    only: tuple[str, ...] = (), beside: tuple[str, ...] = (), *, focused: bool = False
) -> list[Variant]:
    """The runs of a selftest; ``beside`` names variations every run shows too. The correct run then is
    the run of those variations, so they get no run of their own."""
    check_names("variation", beside, variation_names())
    variants = [Variant("correct", "correct", description="the faithful sandbox")]
    variants += [Variant(v.name, "variation", v.vendor, description=v.what) for v in load_variations()]
    variants += [Variant(f.name, "fault", f.vendor, f.clause, f.fault) for f in load_faults()]
    if only:
        unknown = set(only) - {v.name for v in variants}
        if unknown:
            raise ValueError(f"unknown fault or variation {sorted(unknown)[0]!r}")
        variants = [v for v in variants if v.kind == "correct" or v.name in only]
    return [replace(v, beside=beside, focused=focused) for v in variants if v.name not in beside]


@dataclass(frozen=True)
class RunResult:
    """What a run's report.json says of it."""

    verdict: str  # conforms | violations | incomplete
    failing_clauses: list[str]
    incomplete_reason: str | None


def run_result(run_dir: Path) -> RunResult | None:
    """The result of the run written under ``run_dir``; None if it wrote no report."""
    report_path = run_dir / "latest" / "report.json"
    if not report_path.exists():
        return None
    report = json.loads(report_path.read_text(encoding="utf-8"))
    failing = sorted(c["id"] for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "fail")
    return RunResult(report["verdict"], failing, report.get("incomplete_reason"))


def _outcome(variant: Variant, run_dir: Path, exit_code: int, duration: float, log: str) -> Outcome:
    result = run_result(run_dir)
    if result is None:
        return Outcome(variant, "incomplete", [], duration, exit_code, "no report written", log)
    return Outcome(
        variant, result.verdict, result.failing_clauses, duration, exit_code, result.incomplete_reason, log
    )


def _run_variant(variant: Variant, profile: str, report_dir: Path, concurrency: int) -> Outcome:
    """One ``taskconform run`` process per variant: the portable way."""
    run_dir = report_dir / "runs" / variant.name
    command = [
        sys.executable,
        "-m",
        "taskconform",
        "run",
        "--no-shrink",
        "--concurrency",
        str(concurrency),
        "--profile",
        profile,
        "--report-dir",
        str(run_dir),
        *variant.run_flags(),
    ]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    return _outcome(
        variant,
        run_dir,
        completed.returncode,
        time.perf_counter() - started,
        completed.stdout + completed.stderr,
    )


def _preload() -> None:
    """Import the suite once, and derive the near-misses (a second per run), so every forked run
    starts with them warm (about half a run's cost)."""
    for module in ("test_documented_errors", "test_fuzzing", "test_near_miss"):
        importlib.import_module(f"{__package__}.suite.{module}")
    for vendor in VENDORS.values():
        for key in near_miss_searches(vendor):
            near_misses(key)
    for vendor_dir in (Path(__file__).parent / "suite").iterdir():
        for test_module in vendor_dir.glob("test_*.py") if vendor_dir.is_dir() else ():
            importlib.import_module(f"{__package__}.suite.{vendor_dir.name}.{test_module.stem}")


def judged_run(
    profile: str,
    run_dir: Path,
    *,
    only: tuple[str, ...] = (),
    clauses: tuple[str, ...] = (),
    faults: tuple[str, ...] = (),
    variations: tuple[str, ...] = (),
    concurrency: int = DEFAULT_CONCURRENCY,
) -> int:
    """One selftest run of the suite against the bundled sandbox, in this (forked) process: strict about
    examples (see above), and without shrinking — only whether a fault is caught counts."""
    options = RunOptions(
        concurrency=concurrency,
        only=only,
        clauses=clauses,
        profile=profile,
        report_dir=run_dir,
        faults=faults,
        variations=variations,
        strict_examples=True,
        in_process=True,
        no_shrink=True,
    )
    return run(options)


def in_forked_children(
    jobs: Sequence[Job],
    child: Callable[[Job, Path], int],
    run_dirs: Sequence[Path],
    profile: str,
    workers: int,
) -> list[tuple[int, float]]:
    """Each job's exit code (minus the signal's number if one ended it) and its duration: ``child(job,
    run_dir)`` runs in a forked child of this warm process, its output in ``run_dir/log.txt``, at most
    ``workers`` at a time, forked from the main thread (forking beside threads is unsafe)."""
    _preload()
    pending = list(zip(range(len(jobs)), jobs, run_dirs, strict=True))
    running: dict[int, tuple[int, float]] = {}
    ended: dict[int, tuple[int, float]] = {}
    profile_settings = PROFILES[profile]
    cache = DrawnCache(cache_home(), profile_settings)
    with drawn_once_for_every_run(profile_settings, searches(VENDORS.values()), cache):
        while pending or running:
            while pending and len(running) < workers:
                index, job, run_dir = pending.pop(0)
                run_dir.mkdir(parents=True, exist_ok=True)
                pid = os.fork()
                if not pid:
                    _child(child, job, run_dir)
                running[pid] = (index, time.perf_counter())
            pid, status = os.wait()
            index, started = running.pop(pid)
            ended[index] = (os.waitstatus_to_exitcode(status), time.perf_counter() - started)
    return [ended[index] for index in range(len(jobs))]


def _child(child: Callable[[Job, Path], int], job: Job, run_dir: Path) -> NoReturn:
    code = 3
    try:
        with (run_dir / "log.txt").open("w", encoding="utf-8") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            code = child(job, run_dir)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _run_forked(
    variants: list[Variant], profile: str, report_dir: Path, workers: int, concurrency: int
) -> list[Outcome]:
    run_dirs = [report_dir / "runs" / v.name for v in variants]
    ended = in_forked_children(
        variants,
        lambda v, run_dir: judged_run(
            profile,
            run_dir,
            only=v.vendors,
            clauses=v.clauses,
            faults=v.faults,
            variations=v.variations,
            concurrency=concurrency,
        ),
        run_dirs,
        profile,
        workers,
    )
    return [
        _outcome(
            variant,
            run_dir,
            code,
            duration,
            (run_dir / "log.txt").read_text(encoding="utf-8", errors="replace"),
        )
        for variant, run_dir, (code, duration) in zip(variants, run_dirs, ended, strict=True)
    ]


def _summary(
    outcomes: list[Outcome],
    total_s: float,
    profile: str,
    workers: int,
    beside: tuple[str, ...],
    focused: bool,
    concurrency: int,
) -> dict[str, Any]:
    faults = [o for o in outcomes if o.variant.kind == "fault"]
    killed = [o for o in faults if o.result in ("killed", "killed-by-other-clause")]
    kill_times = [o.duration_s for o in killed]
    return {
        "profile": profile,
        "workers": workers,
        # The kill matrix is the same at every concurrency: which one this is.
        "concurrency": concurrency,
        "with_variations": list(beside),
        "focused": focused,
        "total_s": round(total_s, 1),
        "faults": len(faults),
        "killed": len(killed),
        "killed_by_own_clause": sum(1 for o in faults if o.result == "killed"),
        "mutation_score": round(len(killed) / len(faults), 4) if faults else None,
        "survivors": [o.variant.name for o in faults if o.result == "survived"],
        "warnings": [o.variant.name for o in faults if o.result == "killed-by-other-clause"],
        "false_alarms": [o.variant.name for o in outcomes if o.result == "false-alarm"],
        "incomplete": [o.variant.name for o in outcomes if o.result == "incomplete"],
        "median_kill_s": round(statistics.median(kill_times), 2) if kill_times else None,
        "slowest_kill_s": round(max(kill_times), 2) if kill_times else None,
    }


def _proven(summary: dict[str, Any]) -> bool:
    """No survivor, no false alarm, no run that did not finish: the exit code and the page agree."""
    return not (summary["survivors"] or summary["false_alarms"] or summary["incomplete"])


def _render_html(summary: dict[str, Any], outcomes: list[Outcome]) -> str:
    caught = sorted({c for o in outcomes if o.variant.kind == "fault" for c in o.failing_clauses})
    return render_page(
        "selftest.html", summary=summary, outcomes=outcomes, caught=caught, proven=_proven(summary)
    )


def _print(summary: dict[str, Any], outcomes: list[Outcome]) -> None:
    print(f"{'variant':<40} {'kind':<10} {'result':<24} {'time':>6}  caught by")
    for o in outcomes:
        print(
            f"{o.variant.name:<40} {o.variant.kind:<10} {o.result:<24} {o.duration_s:>5.1f}s  "
            f"{', '.join(o.failing_clauses) or o.incomplete_reason or ''}"
        )
    print(
        f"mutation score {summary['killed']}/{summary['faults']} "
        f"({summary['killed_by_own_clause']} by their own clause); "
        f"false alarms {len(summary['false_alarms'])}; "
        f"survivors {len(summary['survivors'])}; median kill {summary['median_kill_s']}s, "
        f"slowest {summary['slowest_kill_s']}s; total {summary['total_s']}s"
        + (f"; every run with {', '.join(summary['with_variations'])}" if summary["with_variations"] else "")
        + ("; fault runs checked only their own clause (--focused)" if summary["focused"] else "")
    )


def run_selftest(
    profile: str,
    workers: int,
    report_dir: Path,
    only: tuple[str, ...] = (),
    beside: tuple[str, ...] = (),
    *,
    focused: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> int:
    try:
        variants = load_variants(only, beside, focused=focused)
    except ValueError as exc:
        print(f"taskconform: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    if hasattr(os, "fork"):
        outcomes = _run_forked(variants, profile, report_dir, workers, concurrency)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda v: _run_variant(v, profile, report_dir, concurrency), variants))
    summary = _summary(
        outcomes, time.perf_counter() - started, profile, workers, beside, focused, concurrency
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    runs = [{**asdict(o), "variant": asdict(o.variant), "log": o.log[-2000:]} for o in outcomes]
    (report_dir / "selftest.json").write_text(json.dumps({"summary": summary, "runs": runs}, indent=2) + "\n")
    (report_dir / "selftest.html").write_text(_render_html(summary, outcomes))
    _print(summary, outcomes)
    return 0 if _proven(summary) else 1
