"""One definition per option: the table in ``run_options`` feeds the command line, ``RunOptions``,
the pytest child's command line and the plugin, and none of them can drift from it."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

from taskconform.run_options import RUN_OPTIONS, add_to_parser, pytest_args, run_option_values
from taskconform.runner import RunOptions


def _parse(*argv: str) -> RunOptions:
    parser = argparse.ArgumentParser()
    add_to_parser(parser)
    return RunOptions(**run_option_values(parser.parse_args(argv)))


def test_every_run_option_field_is_declared_in_the_table() -> None:
    declared = {option.field for option in RUN_OPTIONS}
    runner_only = {"in_process"}  # set by the selftest, never by a user
    assert {f.name for f in fields(RunOptions)} - runner_only == declared


def test_defaults_come_from_the_table() -> None:
    assert _parse() == RunOptions()


def test_the_command_line_reaches_the_suite_unchanged(tmp_path: Path) -> None:
    options = _parse(
        "--only", "superfone", "--only", "leadlex", "--profile", "standard", "--report-dir", str(tmp_path),
        "--no-cleanup", "--no-shrink", "--baseline", str(tmp_path / "b.txt"), "--baseline-update",
        "--require-all-clauses", "--fault", "f", "--variation", "v", "--workers", "2",
    )  # fmt: skip
    args = pytest_args({**{f.name: getattr(options, f.name) for f in fields(options)}, "run_id": "r1"})
    assert args == [
        "--conformance-vendor", "superfone", "--conformance-vendor", "leadlex",
        "--conformance-profile", "standard",
        "--conformance-report-dir", str(tmp_path.resolve()),
        "--conformance-concurrency", "8",
        "--conformance-run-id", "r1",
        "--conformance-cleanup", "off",
        "--conformance-no-shrink",
        "--conformance-baseline", str((tmp_path / "b.txt").resolve()),
        "--conformance-baseline-update",
        "--conformance-require-all-clauses",
    ]  # fmt: skip
    assert options.faults == ("f",) and options.variations == ("v",) and options.workers == 2


def test_the_plugin_takes_every_option_the_runner_passes() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "taskconform.plugin", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    for option in RUN_OPTIONS:
        if option.pytest_flag is not None:
            assert option.pytest_flag in completed.stdout, option.pytest_flag
