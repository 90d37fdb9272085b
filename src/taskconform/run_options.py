"""Every option of ``taskconform run``, declared once.

One table feeds the command line (``cli``), the typed ``RunOptions`` the runner receives, the
pytest child's command line (``runner``) and the suite plugin's ``pytest_addoption`` (``plugin``),
so an option cannot mean one thing on the command line and another inside the suite. Options the
suite itself reads carry a ``pytest_flag``; the rest only steer the runner (which target, how many
workers, the sandbox's faults).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .profiles import PROFILES

if TYPE_CHECKING:
    import pytest

__all__ = [
    "DEFAULT_CONCURRENCY",
    "RUN_OPTIONS",
    "Option",
    "add_to_parser",
    "add_to_pytest",
    "pytest_args",
    "run_option",
    "run_option_values",
]

Kind = Literal["value", "flag", "append", "toggle"]
# A toggle (--cleanup / --no-cleanup, or neither) as the suite's pytest option spells it.
_TOGGLE = {None: "auto", True: "on", False: "off"}


@dataclass(frozen=True)
class Option:
    field: str  # the RunOptions field it sets
    flag: str | None  # on the ``taskconform run`` command line; None: set by the runner only
    help: str
    kind: Kind = "value"
    pytest_flag: str | None = None  # the suite plugin's option, where the suite reads it
    type: Callable[[str], Any] = str
    default: Any = None
    choices: tuple[str, ...] | None = None
    metavar: str | None = None

    def to_pytest(self, value: Any) -> list[str]:
        """The pytest child's arguments for this option's value."""
        flag = self.pytest_flag
        if flag is None:
            return []
        if self.kind == "flag":
            return [flag] if value else []
        if self.kind == "append":
            return [arg for item in value for arg in (flag, str(item))]
        if self.kind == "toggle":
            return [flag, _TOGGLE[value]]
        if value is None:
            return []
        return [flag, str(value.resolve()) if isinstance(value, Path) else str(value)]


RUN_OPTIONS: tuple[Option, ...] = (
    Option("config", "--config", "target configuration (TOML); default: start the sandbox", type=Path),
    Option(
        "only",
        "--only",
        "test only this vendor (repeatable); default: every configured vendor",
        kind="append",
        pytest_flag="--conformance-vendor",
        metavar="VENDOR",
    ),
    Option(
        "clauses",
        "--clause",
        "check only this clause (repeatable): the tests that check it run, the rest is not-run; "
        "default: every clause",
        kind="append",
        pytest_flag="--conformance-clause",
        metavar="ID",
    ),
    Option(
        "profile",
        "--profile",
        "how much fuzzing and stateful exploration (quick is the pre-merge gate)",
        pytest_flag="--conformance-profile",
        default="quick",
        choices=tuple(sorted(PROFILES)),
    ),
    Option(
        "report_dir",
        "--report-dir",
        "where reports go",
        pytest_flag="--conformance-report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
    ),
    Option("workers", "--workers", "parallel pytest-xdist workers (default 1)", type=int, default=1),
    Option(
        "concurrency",
        "--concurrency",
        "requests each worker keeps in flight where they do not depend on each other: within a test, and "
        "tests side by side in lanes, each writing to a share of the records of its own (default 8; 1: one "
        "at a time); a 429 or a 503 with Retry-After halves it for the rest of the run",
        pytest_flag="--conformance-concurrency",
        type=lambda text: _at_least_one("--concurrency", text),
        default=8,
        metavar="N",
    ),
    Option(
        "run_id", None, "the run's id (default: a new, time-ordered one)", pytest_flag="--conformance-run-id"
    ),
    Option(
        "allow_production_writes",
        "--allow-production-writes",
        "test a documented production host anyway (the suite writes tasks there)",
        kind="flag",
        default=False,
    ),
    Option(
        "cleanup",
        "--cleanup",
        "complete, at the end, the open tasks the run created (default: on unless the target is loopback)",
        kind="toggle",
        pytest_flag="--conformance-cleanup",
    ),
    Option(
        "no_shrink",
        "--no-shrink",
        "report failures as found, without shrinking them to the shortest (faster; longer reproductions)",
        kind="flag",
        pytest_flag="--conformance-no-shrink",
        default=False,
    ),
    Option(
        "baseline",
        "--baseline",
        "accepted failures: known ones do not fail the gate, new ones do",
        pytest_flag="--conformance-baseline",
        type=Path,
        metavar="FILE",
    ),
    Option(
        "baseline_update",
        "--baseline-update",
        "write this run's failures into the baseline file",
        kind="flag",
        pytest_flag="--conformance-baseline-update",
        default=False,
    ),
    Option(
        "require_all_clauses",
        "--require-all-clauses",
        "fail the gate when any clause of a tested vendor did not run (for certification)",
        kind="flag",
        pytest_flag="--conformance-require-all-clauses",
        default=False,
    ),
    Option(
        "strict_examples",
        "--strict-examples",
        "fail the gate on example-level deviations too (values only a documented example shows); "
        "default: report them as warnings",
        kind="flag",
        pytest_flag="--conformance-strict-examples",
        default=False,
    ),
    Option(
        "no_security_checks",
        "--no-security-checks",
        "skip the generic security checks (contracts/security.yaml; e.g. a response echoing the API key): "
        "they are then not-run, saying so; default: on, and a finding fails the gate",
        kind="flag",
        pytest_flag="--conformance-no-security-checks",
        default=False,
    ),
    Option(
        "summary",
        "--summary",
        "append a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)",
        type=Path,
        metavar="FILE",
    ),
    Option(
        "replay",
        None,
        "replay the failure sequences of this report.json instead of running the suite (taskconform replay)",
        type=Path,
        pytest_flag="--conformance-replay",
    ),
    Option(
        "faults",
        "--fault",
        "switch on a deliberate fault in the bundled sandbox (see contracts/faults.yaml)",
        kind="append",
        metavar="NAME",
    ),
    Option(
        "variations",
        "--variation",
        "switch on an allowed variation of the bundled sandbox (contracts/variations.yaml)",
        kind="append",
        metavar="NAME",
    ),
)


def add_to_parser(parser: argparse.ArgumentParser) -> None:
    for option in RUN_OPTIONS:
        if option.flag is None:
            continue
        if option.kind == "flag":
            parser.add_argument(option.flag, action="store_true", help=option.help, dest=option.field)
        elif option.kind == "toggle":
            parser.add_argument(
                option.flag,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=option.help,
                dest=option.field,
            )
        elif option.kind == "append":
            parser.add_argument(
                option.flag,
                action="append",
                default=[],
                metavar=option.metavar,
                help=option.help,
                dest=option.field,
            )
        else:
            parser.add_argument(
                option.flag,
                type=option.type,
                default=option.default,
                choices=option.choices,
                metavar=option.metavar,
                help=option.help,
                dest=option.field,
            )


def run_option(field: str) -> Option:
    """One option of the table, for a command that takes it beside ``run``."""
    return next(option for option in RUN_OPTIONS if option.field == field)


DEFAULT_CONCURRENCY: int = run_option("concurrency").default


def _at_least_one(flag: str, text: str) -> int:
    """A whole number from 1, else a usage error naming ``flag``."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{flag} must be a whole number from 1, not {text!r}")
    return value


def run_option_values(args: argparse.Namespace) -> dict[str, Any]:
    """The RunOptions fields the command line set (appended values as tuples)."""
    values: dict[str, Any] = {}
    for option in RUN_OPTIONS:
        if option.flag is not None:
            value = getattr(args, option.field)
            values[option.field] = tuple(value) if option.kind == "append" else value
    return values


def add_to_pytest(group: pytest.OptionGroup) -> None:
    for option in RUN_OPTIONS:
        if option.pytest_flag is None:
            continue
        if option.kind == "flag":
            group.addoption(option.pytest_flag, action="store_true", help=option.help)
        elif option.kind == "toggle":
            group.addoption(
                option.pytest_flag, choices=tuple(_TOGGLE.values()), default="auto", help=option.help
            )
        elif option.kind == "append":
            group.addoption(
                option.pytest_flag, action="append", default=[], metavar=option.metavar, help=option.help
            )
        else:
            default = None if option.default is None else str(option.default)
            group.addoption(
                option.pytest_flag,
                default=default,
                choices=option.choices,
                metavar=option.metavar,
                help=option.help,
            )


def pytest_args(values: dict[str, Any]) -> list[str]:
    """The pytest child's arguments for a run's options (by RunOptions field)."""
    return [arg for option in RUN_OPTIONS for arg in option.to_pytest(values[option.field])]
