"""The ``taskconform`` command line: ``run`` (the main job) and ``sandbox``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .profiles import PROFILES

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
    run.add_argument("--config", type=Path, help="target configuration (TOML); default: start the sandbox")
    run.add_argument("--only", action="append", default=[], metavar="VENDOR", help="test only this vendor")
    run.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    run.add_argument("--report-dir", type=Path, default=Path("reports"))
    run.add_argument("--workers", type=int, default=1, help="parallel pytest-xdist workers (default 1)")
    run.add_argument(
        "--allow-production-writes",
        action="store_true",
        help="test a documented production host anyway (the suite writes tasks there)",
    )
    run.add_argument(
        "--cleanup",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="complete, at the end, the open tasks the run created (default: on unless on loopback)",
    )
    run.add_argument(
        "--no-shrink",
        action="store_true",
        help="report failures as found, without shrinking them to the shortest (faster)",
    )
    run.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="accepted failures: known ones do not fail the gate, new ones do",
    )
    run.add_argument(
        "--baseline-update", action="store_true", help="write this run's failures into --baseline"
    )
    run.add_argument(
        "--require-all-clauses",
        action="store_true",
        help="fail the gate when any clause of a tested vendor did not run (for certification)",
    )
    run.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="append a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)",
    )
    run.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a deliberate fault in the bundled sandbox (see contracts/faults.yaml)",
    )
    run.add_argument(
        "--variation",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on an allowed variation of the bundled sandbox (contracts/variations.yaml)",
    )

    selftest = commands.add_parser("selftest", help="prove the suite: every fault caught, no false alarm")
    selftest.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    selftest.add_argument("--workers", type=int, default=2, help="runs in parallel (default 2)")
    selftest.add_argument("--report-dir", type=Path, default=Path("reports") / "selftest")
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

    diff = commands.add_parser("diff", help="what changed between two runs (their report.json files)")
    diff.add_argument("old", type=Path, metavar="OLD_REPORT")
    diff.add_argument("new", type=Path, metavar="NEW_REPORT")
    diff.add_argument(
        "--out", type=Path, help="where to write diff.md and diff.html (default: beside NEW_REPORT)"
    )

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
    options = RunOptions(
        args.config,
        tuple(args.only),
        args.profile,
        args.report_dir,
        args.workers,
        faults=tuple(args.fault),
        variations=tuple(args.variation),
        allow_production_writes=args.allow_production_writes,
        cleanup=args.cleanup,
        baseline=args.baseline,
        baseline_update=args.baseline_update,
        summary=args.summary,
        shrink=not args.no_shrink,
        require_all_clauses=args.require_all_clauses,
    )
    return run(options)


def _selftest(args: argparse.Namespace) -> int:
    from .selftest import run_selftest

    if args.workers < 1:
        print("taskconform: --workers must be at least 1", file=sys.stderr)
        return 2
    return run_selftest(
        args.profile, args.workers, args.report_dir, tuple(args.only), tuple(args.with_variation)
    )


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
    commands = {"run": _run, "selftest": _selftest, "diff": _diff, "sandbox": _sandbox}
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
