"""Shared fixtures: a sandbox on loopback and a way to run the ``taskconform`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from taskconform.sandbox import SandboxOptions, create_app, serve_in_thread
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml

SUITE_DIR = Path(__import__("taskconform.suite", fromlist=["suite"]).__file__).parent
DISTINCTIVE_KEY = "sfk-Zq8rT2-distinctive-4471"
FOREIGN_KEY = "sfk-foreign-account-9923"


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
        env={**os.environ, **(env or {})},
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
        env={**os.environ, **env},
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
