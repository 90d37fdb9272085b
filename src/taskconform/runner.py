"""``taskconform run``: validate the configuration, start the sandbox if no target is given, drive
the pytest suite in a child process, and turn its report into an exit code.

The suite runs in a child so that every byte it prints passes through the redactor here, and so
that a crash of the suite can never look like a verdict.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .catalogue import load_security_clauses, vendors_checking
from .client import ApiClient
from .config import TargetConfig, load_config
from .contract import load_spec_contract
from .errors import ConfigError, InfrastructureError, UsageError
from .redaction import Redactor
from .reports.markdown import render_summary
from .reports.writer import new_run_id
from .run_options import DEFAULT_CONCURRENCY, pytest_args
from .target import Target, WorkerSlot
from .vendors import VENDORS, vendor_sections

__all__ = ["EXIT_CONFORMS", "EXIT_INFRASTRUCTURE", "EXIT_USAGE", "EXIT_VIOLATIONS", "RunOptions", "run"]

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_INFRASTRUCTURE = 0, 1, 2, 3
_SUITE_DIR = Path(__file__).resolve().parent / "suite"
# The one test module of a replay (the plugin leaves it out of every other run).
_REPLAY_TESTS = "test_replay.py"


@dataclass(frozen=True)
class RunOptions:
    """What ``taskconform run`` was asked for; each field's flag, help and default are in
    ``run_options.RUN_OPTIONS``."""

    config: Path | None = None
    only: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    profile: str = "quick"
    report_dir: Path = Path("reports")
    workers: int = 1
    concurrency: int = DEFAULT_CONCURRENCY
    run_id: str | None = None
    allow_production_writes: bool = False
    cleanup: bool | None = None  # None: on unless every target is on loopback
    no_shrink: bool = False
    baseline: Path | None = None
    baseline_update: bool = False
    require_all_clauses: bool = False
    strict_examples: bool = False
    no_security_checks: bool = False
    summary: Path | None = None
    # taskconform replay: the report whose failure sequences run instead of the suite.
    replay: Path | None = None
    # Only for the bundled sandbox: deliberate faults and allowed variations to switch on.
    faults: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
    # Run pytest in this process instead of a child: for selftest workers that already imported it all.
    in_process: bool = False


@contextmanager
def _sandbox_target(options: RunOptions) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh sandbox on a free loopback port, with throwaway keys, and a config file naming it."""
    from .sandbox import DEFAULT_KEYS, SandboxOptions, create_app, serve_in_thread
    from .sandbox.target_config import sandbox_key_env, sandbox_target_toml

    keys = {
        vendor: tuple(f"{role}-{secrets.token_hex(12)}" for role in roles)
        for vendor, roles in DEFAULT_KEYS.items()
    }
    try:
        sandbox = SandboxOptions(
            keys=keys, faults=frozenset(options.faults), variations=frozenset(options.variations)
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    server = serve_in_thread(create_app(sandbox))
    try:
        with tempfile.TemporaryDirectory(prefix="taskconform-") as folder:
            path = Path(folder) / "sandbox.toml"
            path.write_text(sandbox_target_toml(server.base_url), encoding="utf-8")
            yield path, sandbox_key_env(keys)
    finally:
        # The run is over and its process ends next (the command, or a selftest's forked run).
        server.stop(wait=False)


def documented_production_hosts(vendor: str) -> set[str]:
    """The servers a vendor's documents name, read from its spec: the suite must not write there."""
    spec = load_spec_contract(VENDORS[vendor].spec_file).document
    return {(urlsplit(server["url"]).hostname or "").lower() for server in spec.get("servers", [])}


def _refuse_production(config: TargetConfig, vendors: tuple[str, ...], allowed: bool) -> None:
    if allowed:
        return
    for name in vendors:
        host = (urlsplit(config.vendors[name].base_url).hostname or "").lower()
        if host in documented_production_hosts(name) | set(config.run.production_hosts):
            raise UsageError(
                f"[{name}] base_url points at production host {host}: the suite creates and completes "
                "tasks on the configured records there. Point it at staging, or pass "
                "--allow-production-writes if you accept writes to production"
            )


def _refuse_security_off(options: RunOptions) -> None:
    """Turning the security checks off cannot go with certifying every clause or checking one of them."""
    if not options.no_security_checks:
        return
    if options.require_all_clauses:
        raise UsageError("--require-all-clauses certifies every clause; --no-security-checks leaves some out")
    security = [clause.id for clause in load_security_clauses() if clause.id in options.clauses]
    if security:
        raise UsageError(f"--clause {security[0]} is a security check; --no-security-checks turns them off")


def _check_reachable(config: TargetConfig, vendors: tuple[str, ...], timeout_s: float = 5.0) -> None:
    for name in vendors:
        url = urlsplit(config.vendors[name].base_url)
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            with socket.create_connection((url.hostname or "", port), timeout=timeout_s):
                pass
        except OSError as exc:
            raise InfrastructureError(
                f"[{name}] target unreachable: cannot connect to {url.hostname}:{port} "
                f"({exc.strerror or exc}); "
                "check base_url and that the server is running"
            ) from None


def _pytest_command(options: RunOptions, config_path: Path, vendors: tuple[str, ...]) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(_SUITE_DIR / _REPLAY_TESTS if options.replay else _SUITE_DIR),
        "-c",
        str(_SUITE_DIR / "pytest.ini"),
        "--rootdir",
        str(_SUITE_DIR),
        "-p",
        "no:cacheprovider",
        # Its last act is five full garbage collections of a heap holding Hypothesis and Schemathesis,
        # a tenth of a short run; an unraisable exception is still printed, by Python itself.
        "-p",
        "no:unraisableexception",
        "-p",
        "taskconform.plugin",
        "-q",
        "--no-header",
        "-rN",
        "--tb=short",
        "--target-config",
        str(config_path),
        *pytest_args({**asdict(options), "only": vendors}),
    ]
    if options.workers > 1:
        # loadgroup: a worker that runs one test of an ``xdist_group`` runs them all (tests of a group
        # send ahead for each other); the others are shared out as by the default distribution.
        command += ["-p", "xdist.plugin", "-n", str(options.workers), "--dist", "loadgroup"]
    return command


def _stream(command: list[str], env: Mapping[str, str], redactor: Redactor) -> int:
    """Run the suite, relaying its output through the redactor line by line."""
    with subprocess.Popen(
        command,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            sys.stdout.write(redactor.redact(line))
            sys.stdout.flush()
        return child.wait()


class _RedactingStream(io.TextIOBase):
    """Stands in for stdout/stderr while the suite runs in this process."""

    def __init__(self, target: TextIO, redactor: Redactor) -> None:
        self._target = target
        self._redactor = redactor

    def write(self, text: str) -> int:
        self._target.write(self._redactor.redact(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return False


def _run_in_process(command: list[str], env: Mapping[str, str], redactor: Redactor) -> int:
    import pytest

    os.environ.update(env)
    with (
        redirect_stdout(_RedactingStream(sys.stdout, redactor)),
        redirect_stderr(_RedactingStream(sys.stderr, redactor)),
    ):
        return int(pytest.main(command[3:]))


def _gate_exit(report_path: Path, pytest_status: int, summary: Path | None) -> int:
    if not report_path.exists():
        if pytest_status == 4:
            return EXIT_USAGE
        print(
            f"taskconform: the suite ended (pytest status {pytest_status}) without writing {report_path}",
            file=sys.stderr,
        )
        return EXIT_INFRASTRUCTURE
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if summary is not None:
        with summary.open("a", encoding="utf-8") as out:
            out.write(render_summary(report, report_path.with_name("report.html")))
    if report["gate"] == "incomplete":
        reason = report.get("incomplete_reason") or ""
        return EXIT_USAGE if reason.startswith("configuration") else EXIT_INFRASTRUCTURE
    return EXIT_VIOLATIONS if report["gate"] == "fail" else EXIT_CONFORMS


def _selected(config: TargetConfig, only: tuple[str, ...], clauses: tuple[str, ...]) -> tuple[str, ...]:
    for name in only:
        if name not in config.vendors:
            configured = ", ".join(config.vendors)
            raise UsageError(
                f"--only {name}: no [{name}] section in {config.source} (configured: {configured})"
            )
    vendors = only or tuple(config.vendors)
    if not clauses:
        return vendors
    try:
        return vendors_checking(clauses, vendors)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _workers_with_own_records(
    config: TargetConfig, vendors: tuple[str, ...], requested: int, redactor: Redactor
) -> int:
    """Each worker writes only to records no other worker touches: never more workers than records."""
    if requested == 1:
        return 1
    fewest, vendor = min(
        (len(_planning_target(config, name, redactor).pool("own")), name) for name in vendors
    )
    if fewest < requested:
        print(
            f"taskconform: {requested} workers asked for, but [{vendor}] names {fewest} record(s) to write "
            f"to and each worker needs its own: running {fewest} worker(s); configure more to use more"
        )
        return max(1, fewest)
    return requested


def _planning_target(config: TargetConfig, name: str, redactor: Redactor) -> Target:
    """A target that only answers questions about the configuration; it sends nothing."""
    vendor, configured = VENDORS[name], config.vendors[name]
    client = ApiClient(configured.base_url, vendor.auth, "", redactor)
    return Target(vendor, configured, client, config.run, WorkerSlot())


def _execute(options: RunOptions, config_path: Path, env: dict[str, str]) -> int:
    config = load_config(config_path, vendor_sections(), env)
    vendors = _selected(config, options.only, options.clauses)
    _refuse_production(config, vendors, options.allow_production_writes)
    _check_reachable(config, vendors)
    redactor = Redactor(config.secret_values())
    options = replace(options, workers=_workers_with_own_records(config, vendors, options.workers, redactor))
    options = replace(options, run_id=options.run_id or new_run_id())
    command = _pytest_command(options, config_path, vendors)
    # Only the plugins the suite names: whatever else is installed neither changes the verdict nor
    # slows every worker's start (the command line loads ours and xdist).
    env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    status = (_run_in_process if options.in_process else _stream)(command, env, redactor)
    return _gate_exit(options.report_dir / str(options.run_id) / "report.json", status, options.summary)


def run(options: RunOptions) -> int:
    try:
        if options.baseline_update and options.baseline is None:
            raise UsageError("--baseline-update needs --baseline FILE (the file to write)")
        if options.clauses and options.require_all_clauses:
            raise UsageError("--require-all-clauses certifies every clause; --clause limits the run to some")
        _refuse_security_off(options)
        if options.config is not None:
            if options.faults or options.variations:
                raise UsageError(
                    "--fault and --variation apply to the bundled sandbox; drop them or --config"
                )
            return _execute(options, options.config, dict(os.environ))
        with _sandbox_target(options) as (config_path, keys):
            return _execute(options, config_path, {**os.environ, **keys})
    except ConfigError as exc:
        print(f"taskconform: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"taskconform: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InfrastructureError as exc:
        print(f"taskconform: {exc}", file=sys.stderr)
        return EXIT_INFRASTRUCTURE
