"""The ``taskconform`` command line: ``run`` (the main job) and ``sandbox``."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from . import __version__
from .profiles import PROFILES
from .run_options import add_to_parser, run_option, run_option_values

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskconform", description="Does this task API do what its documents say?"
    )
    parser.add_argument("--version", action="version", version=f"taskconform {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="run the conformance suite (against the bundled sandbox by default)"
    )
    add_to_parser(run)

    selftest = commands.add_parser("selftest", help="prove the suite: every fault caught, no false alarm")
    selftest.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    selftest.add_argument("--workers", type=int, default=2, help="runs in parallel (default 2)")
    selftest.add_argument("--report-dir", type=Path, default=Path("reports") / "selftest")
    concurrency = run_option("concurrency")
    selftest.add_argument(
        "--concurrency",
        type=concurrency.type,
        default=concurrency.default,
        metavar=concurrency.metavar,
        help=f"every run's --concurrency (default {concurrency.default}); the kill matrix is the same at any",
    )
    selftest.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only these faults/variations (and the correct sandbox)",
    )
    selftest.add_argument(
        "--with-variation",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on this variation in every run too (faults must still be caught beside it)",
    )
    selftest.add_argument(
        "--focused",
        action="store_true",
        help="each fault run checks only the clause the fault breaks (--clause): proves every fault is "
        "killed by its own clause in a fraction of the time, without the matrix of what else it trips",
    )
    selftest.add_argument(
        "--mutants",
        action="store_true",
        help="judge Cosmic Ray's mutants of the faithful sandbox instead: the mutation score "
        "per vendor, every survivor decided in contracts/mutants.yaml (needs taskconform[mutation])",
    )
    selftest.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="with --mutants: N mutants spread over the vendors, always the same",
    )
    selftest.add_argument(
        "--mutant",
        action="append",
        default=[],
        metavar="TEXT",
        help="with --mutants: only the mutants whose description contains TEXT (repeatable)",
    )

    diff = commands.add_parser("diff", help="what changed between two runs (their report.json files)")
    diff.add_argument("old", type=Path, metavar="OLD_REPORT")
    diff.add_argument("new", type=Path, metavar="NEW_REPORT")
    diff.add_argument(
        "--out", type=Path, help="where to write diff.md and diff.html (default: beside NEW_REPORT)"
    )

    replay = commands.add_parser(
        "replay",
        help="send a report's failure sequences again and judge them: 1 still broken, 0 gone, 3 unreachable",
    )
    replay.add_argument("report", type=Path, metavar="REPORT", help="the report.json of an earlier run")
    replay.add_argument("--config", type=Path, help="target configuration (TOML); default: start the sandbox")
    replay.add_argument(
        "--clause", action="append", default=[], metavar="ID", help="only this clause's failures (repeatable)"
    )
    replay.add_argument("--report-dir", type=Path, default=Path("reports") / "replay")
    replay.add_argument("--allow-production-writes", action="store_true", help="as for run")
    replay.add_argument("--cleanup", action=argparse.BooleanOptionalAction, default=None, help="as for run")
    replay.add_argument("--fault", action="append", default=[], metavar="NAME", help="as for run")
    replay.add_argument("--variation", action="append", default=[], metavar="NAME", help="as for run")

    sandbox = commands.add_parser("sandbox", help="serve the reference sandbox on loopback")
    sandbox.add_argument("--port", type=int, default=8000)
    sandbox.add_argument("--config-out", type=Path, help="write a target configuration for it here")
    sandbox.add_argument("--fault", action="append", default=[], metavar="NAME", help="a catalogued fault")
    sandbox.add_argument(
        "--variation", action="append", default=[], metavar="NAME", help="an allowed variation"
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    from .runner import EXIT_USAGE, RunOptions, run

    if args.workers < 1:
        print("taskconform: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    options = RunOptions(**run_option_values(args))
    return run(options)


def _replay(args: argparse.Namespace) -> int:
    from .replay import failing_clauses
    from .runner import EXIT_USAGE, RunOptions, run
    from .vendors import VENDORS

    try:
        failing = failing_clauses(args.report)
    except (OSError, ValueError, KeyError) as exc:
        print(f"taskconform: cannot read the report {args.report}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    wanted = tuple(args.clause) or tuple(clause for clauses in failing.values() for clause in clauses)
    judged = {
        vendor: set(found) & set(wanted) & (VENDORS[vendor].answer_clauses | VENDORS[vendor].replay_clauses)
        for vendor, found in failing.items()
        if vendor in VENDORS
    }
    clauses = tuple(clause for clause in wanted if any(clause in found for found in judged.values()))
    alone = sorted({c for found in failing.values() for c in found if c in wanted and c not in clauses})
    if alone:
        print(
            f"taskconform: not judged again from a sequence (a single test judges them: "
            f"`taskconform run --clause ID`): {', '.join(alone)}",
            file=sys.stderr,
        )
    vendors = tuple(vendor for vendor, found in judged.items() if found)
    if not vendors:
        print(f"taskconform: {args.report} records no failure a replay can judge again", file=sys.stderr)
        return EXIT_USAGE
    options = RunOptions(
        config=args.config,
        only=vendors,
        clauses=clauses,
        report_dir=args.report_dir,
        allow_production_writes=args.allow_production_writes,
        cleanup=args.cleanup,
        faults=tuple(args.fault),
        variations=tuple(args.variation),
        replay=args.report,
    )
    return run(options)


def _selftest(args: argparse.Namespace) -> int:
    from .selftest import run_selftest

    if args.workers < 1:
        print("taskconform: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.mutants or args.sample is not None or args.mutant:
        return _mutants(args)
    return run_selftest(
        args.profile,
        args.workers,
        args.report_dir,
        tuple(args.only),
        tuple(args.with_variation),
        focused=args.focused,
        concurrency=args.concurrency,
    )


def _mutants(args: argparse.Namespace) -> int:
    refused = [flag for flag, given in _MUTANT_RUN_FIXED.items() if getattr(args, given)]
    if not args.mutants or refused or (args.sample is not None and args.sample < 1):
        print(
            "taskconform: --sample N (N ≥ 1) and --mutant TEXT go with --mutants, which runs each vendor's "
            f"suite against each mutant of its sandbox alone{f' (drop {refused[0]})' if refused else ''}",
            file=sys.stderr,
        )
        return 2
    if any(importlib.util.find_spec(module) is None for module in ("cosmic_ray", "time_machine")):
        print(
            "taskconform: --mutants needs Cosmic Ray and time-machine: pip install 'taskconform[mutation]'",
            file=sys.stderr,
        )
        return 2
    from .mutants import all_mutants
    from .mutation import run_mutants, sample

    selected = sample(args.sample) if args.sample else list(all_mutants())
    selected = [m for m in selected if not args.mutant or any(text in m.description for text in args.mutant)]
    if not selected:
        print("taskconform: no mutant's description contains any --mutant TEXT", file=sys.stderr)
        return 2
    return run_mutants(selected, args.profile, args.workers, args.report_dir, args.concurrency)


# What a mutant run fixes, so these selftest options would be silently ignored beside --mutants.
_MUTANT_RUN_FIXED = {"--only": "only", "--with-variation": "with_variation", "--focused": "focused"}


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import SandboxOptions, create_app, serve_forever
    from .sandbox.target_config import sandbox_target_toml

    base_url = f"http://127.0.0.1:{args.port}"
    if args.config_out:
        args.config_out.write_text(sandbox_target_toml(base_url), encoding="utf-8")
        print(f"taskconform: wrote target configuration {args.config_out}")
    try:
        options = SandboxOptions(faults=frozenset(args.fault), variations=frozenset(args.variation))
    except ValueError as exc:
        print(f"taskconform: {exc}", file=sys.stderr)
        return 2
    print(f"taskconform: sandbox on {base_url} with its default keys (see the README)")
    serve_forever(create_app(options), port=args.port)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .reports.diff import diff_reports

    return diff_reports(args.old, args.new, args.out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"run": _run, "replay": _replay, "selftest": _selftest, "diff": _diff, "sandbox": _sandbox}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Never let a crash of the tool read as exit 1 ("violations found"): it is no verdict at all.
        print(f"taskconform: internal error, no verdict ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
