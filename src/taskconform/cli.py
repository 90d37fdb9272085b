"""The ``taskconform`` command line: ``run`` (the main job) and ``sandbox``."""

from __future__ import annotations

import argparse
import os
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

    sandbox = commands.add_parser("sandbox", help="serve the reference sandbox on loopback")
    sandbox.add_argument("--port", type=int, default=8000)
    sandbox.add_argument("--config-out", type=Path, help="write a target configuration for it here")
    return parser


def _run(args: argparse.Namespace) -> int:
    from .runner import EXIT_USAGE, RunOptions, run

    if args.workers < 1:
        print("taskconform: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    options = RunOptions(args.config, tuple(args.only), args.profile, args.report_dir, args.workers)
    return run(options)


def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import DEFAULT_SUPERFONE_KEYS, SandboxOptions, create_app, serve_forever
    from .sandbox.target_config import SANDBOX_KEY_ENV, sandbox_target_toml

    key_env = SANDBOX_KEY_ENV["superfone"]
    key = os.environ.get(key_env) or DEFAULT_SUPERFONE_KEYS[0]
    foreign_key = DEFAULT_SUPERFONE_KEYS[1] if key != DEFAULT_SUPERFONE_KEYS[1] else DEFAULT_SUPERFONE_KEYS[0]
    base_url = f"http://127.0.0.1:{args.port}"
    if args.config_out:
        args.config_out.write_text(sandbox_target_toml(base_url), encoding="utf-8")
        print(f"taskconform: wrote target configuration {args.config_out}")
    source = f"${key_env}" if os.environ.get(key_env) else f"the sandbox default (set ${key_env} to choose)"
    print(f"taskconform: sandbox on {base_url} (Superfone under /superfone); account A key: {source}")
    serve_forever(create_app(SandboxOptions(superfone_keys=(key, foreign_key))), port=args.port)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    return _sandbox(args)


if __name__ == "__main__":
    sys.exit(main())
