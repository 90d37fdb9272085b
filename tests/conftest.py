"""Shared fixtures: a sandbox on loopback, a way to run the ``taskconform`` command, and the loopback
guard that fails any test, or any process a test starts, reaching for an address off this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from taskconform.drawn_cache import CACHE_VARIABLE
from taskconform.sandbox import SandboxOptions, create_app, serve_in_thread
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml

from .loopback_guard import LOG_ENV, Guard, ViolationLog, install

LOOPBACK_SITE = Path(__file__).resolve().parent / "loopback_site"
GUARD = pytest.StashKey[Guard]()
GUARD_LOG = pytest.StashKey[ViolationLog]()
SESSION_CACHE = pytest.StashKey[Path]()
SUITE_DIR = Path(__import__("taskconform.suite", fromlist=["suite"]).__file__).parent
DISTINCTIVE_KEY = "sfk-Zq8rT2-distinctive-4471"
FOREIGN_KEY = "sfk-foreign-account-9923"


_TIERS = {"e2e": ("e2e",), "selftest": ("e2e", "slow")}
_SLOW = {"test_typing.py", "test_mutants.py"}
# Longest first: with workers (-n), the selftest's minute starts at once and the rest fills around it.
_ORDER = ("selftest", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by place: a test's directory says its tier (tests/README.md), so none is forgotten."""
    for item in items:
        path = Path(str(item.fspath))
        for marker in _TIERS.get(path.parent.name, ()):
            item.add_marker(marker)
        if path.name in _SLOW:
            item.add_marker("slow")
    items.sort(key=lambda item: _rank(Path(str(item.fspath)).parent.name))


def _rank(tier: str) -> int:
    return _ORDER.index(tier) if tier in _ORDER else len(_ORDER)


def pytest_configure(config: pytest.Config) -> None:
    """Guard this process now, and every Python process started from here on through ``PYTHONPATH``
    (see ``loopback_site/sitecustomize.py``): all refusals go to one log the session reads."""
    log = Path(tempfile.mkdtemp(prefix="taskconform-loopback-guard-")) / "violations.log"
    log.touch()
    os.environ[LOG_ENV] = str(log)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(LOOPBACK_SITE), os.environ.get("PYTHONPATH")])
    )
    config.stash[GUARD] = install(log)
    config.stash[GUARD_LOG] = ViolationLog(log)
    if CACHE_VARIABLE not in os.environ:
        # One cache for the session (xdist workers inherit it): the first run of a profile draws its
        # requests, the others read them; the user's own cache stays out of the tests' way.
        os.environ[CACHE_VARIABLE] = tempfile.mkdtemp(prefix="taskconform-test-cache-")
        config.stash[SESSION_CACHE] = Path(os.environ[CACHE_VARIABLE])


@pytest.fixture(autouse=True)
def _no_test_leaves_loopback(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test during which any process was refused: a child may have caught the error and
    reported only "target unreachable", but the guard's log names the address and the process."""
    yield
    violations = request.config.stash[GUARD_LOG].take_new()
    if violations:
        pytest.fail("reached for a non-loopback address:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def tripwire(request: pytest.FixtureRequest) -> Iterator[None]:
    """For proofs that aim off this machine: no real socket function is reached while it holds."""
    guard = request.config.stash[GUARD]
    real = guard.real
    guard.tripwire()
    try:
        yield
    finally:
        guard.real = real


@pytest.fixture
def loopback_violations(request: pytest.FixtureRequest) -> ViolationLog:
    """For tests that provoke the guard on purpose: what they take from it no longer fails them."""
    return request.config.stash[GUARD_LOG]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Refusals after the last test's teardown (session fixtures, stray processes) fail the run too."""
    violations = session.config.stash[GUARD_LOG].take_new()
    if violations:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            reporter.write_sep("=", "refused by the loopback guard outside any test", red=True)
            for line in violations:
                reporter.write_line(line)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash[GUARD_LOG].path.parent, ignore_errors=True)
    if SESSION_CACHE in config.stash:
        shutil.rmtree(config.stash[SESSION_CACHE], ignore_errors=True)


def child_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """This process's environment plus ``extra``; a ``PYTHONPATH`` there keeps the guard's folder first."""
    env = {**os.environ, **(extra or {})}
    if extra and "PYTHONPATH" in extra:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LOOPBACK_SITE), extra["PYTHONPATH"]]))
    return env


@dataclass(frozen=True)
class Completed:
    code: int
    output: str


def run_taskconform(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Completed:
    completed = subprocess.run(
        [sys.executable, "-m", "taskconform", *args],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    return Completed(completed.returncode, completed.stdout + completed.stderr)


def run_suite_as_plain_pytest(
    config: Path, report_dir: Path, env: Mapping[str, str], *extra: str
) -> Completed:
    """The conformance suite as a user runs it without the runner: plain pytest with --target-config."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE_DIR),
            "-c",
            str(SUITE_DIR / "pytest.ini"),
            "-p",
            "no:cacheprovider",
            "--target-config",
            str(config),
            "--conformance-report-dir",
            str(report_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        env=child_env(env),
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    return Completed(completed.returncode, completed.stdout + completed.stderr)


@dataclass(frozen=True)
class SandboxTarget:
    base_url: str
    config: Path
    env: dict[str, str]


def start_sandbox(
    tmp_path: Path,
    faults: frozenset[str] = frozenset(),
    keys: Mapping[str, tuple[str, ...]] | None = None,
) -> Iterator[SandboxTarget]:
    """A sandbox with Superfone's distinctive keys (other vendors' default ones unless ``keys`` names
    them), a configuration naming it, and the environment that configuration reads every key from."""
    keys = {"superfone": (DISTINCTIVE_KEY, FOREIGN_KEY), **(keys or {})}
    options = SandboxOptions(keys=keys, faults=faults)
    server = serve_in_thread(create_app(options))
    config = tmp_path / "target.toml"
    config.write_text(sandbox_target_toml(server.base_url), encoding="utf-8")
    try:
        yield SandboxTarget(server.base_url, config, sandbox_key_env(options.keys))
    finally:
        server.stop()


@pytest.fixture
def sandbox_target(tmp_path: Path) -> Iterator[SandboxTarget]:
    yield from start_sandbox(tmp_path)
