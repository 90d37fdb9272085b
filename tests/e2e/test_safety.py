"""Safe against live systems: no key in any output, production refused, a dead target is exit 3."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from taskconform.sandbox import DEFAULT_KEYS
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml

from ..conftest import DISTINCTIVE_KEY, run_suite_as_plain_pytest, run_taskconform, start_sandbox
from ..loopback_guard import TRIPWIRE_ENV

SECRET_SPELLINGS = {DISTINCTIVE_KEY, quote(DISTINCTIVE_KEY, safe=""), quote_plus(DISTINCTIVE_KEY)}


def _bytes_written(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _assert_no_secret(blobs: dict[str, bytes]) -> int:
    searched = 0
    for where, blob in blobs.items():
        searched += len(blob)
        for spelling in SECRET_SPELLINGS:
            assert spelling.encode() not in blob, f"the key leaked into {where}"
    return searched


def test_no_key_in_any_output_even_when_the_target_echoes_it(tmp_path: Path) -> None:
    """Faults echo the key in error bodies and in a header of every success, failures are forced:
    console, junit, json, html, reproductions and pytest's own output (runner and plain pytest) must
    still be clean, and the security finding still says where the key came back."""
    faults = frozenset({"not-found-echoes-key", "list-oldest-first", "success-header-echoes-key"})
    for target in start_sandbox(tmp_path, faults):
        via_runner = run_taskconform(
            "run", "--config", str(target.config), "--report-dir", str(tmp_path / "r1"), env=target.env
        )
        plain = run_suite_as_plain_pytest(target.config, tmp_path / "r2", target.env, "-rA", "-vv")
        echoed = httpx.get(
            f"{target.base_url}/superfone/enterprise/api/lead/999999999/task",
            headers={"x-api-key": DISTINCTIVE_KEY},
        )
    assert DISTINCTIVE_KEY in echoed.text, "the fault must really echo the key for this test to mean anything"
    assert via_runner.code == 1 and plain.code == 1
    outputs = {
        "runner output": via_runner.output.encode(),
        "plain pytest output": plain.output.encode(),
    }
    outputs.update({str(p): b for p, b in _bytes_written(tmp_path / "r1").items()})
    outputs.update({str(p): b for p, b in _bytes_written(tmp_path / "r2").items()})
    assert any(p.endswith(".sh") for p in outputs), "failures must have written reproductions"
    searched = _assert_no_secret(outputs)
    print(f"searched {searched} bytes in {len(outputs)} outputs for the key")
    assert searched > 100_000
    assert b"${SF_API_KEY}" in b"".join(b for p, b in outputs.items() if p.endswith(".sh"))
    report = json.loads((tmp_path / "r1" / "latest" / "report.json").read_text(encoding="utf-8"))
    security = next(c for c in report["vendors"][0]["clauses"] if c["id"] == "SEC-CREDENTIAL-NOT-REFLECTED")
    places = " ".join(failure["actual"] for failure in security["failures"])
    assert security["verdict"] == "fail" and 'header x-debug-key "<the key>"' in places
    assert "FAIL (security) SEC-CREDENTIAL-NOT-REFLECTED" in via_runner.output


def test_a_documented_production_host_is_refused_without_the_explicit_flag(tmp_path: Path) -> None:
    """Refused before anything is resolved or sent: the run goes over the loopback guard's tripwire,
    under which no real socket function is called."""
    config = tmp_path / "t.toml"
    config.write_text(
        '[superfone]\nbase_url = "https://prod-api.superfone.co.in/x"\napi_key_env = "SF_API_KEY"\n'
        "lead_ids = [1]\n"
    )
    result = run_taskconform(
        "run", "--config", str(config), env={"SF_API_KEY": DISTINCTIVE_KEY, TRIPWIRE_ENV: "1"}
    )
    assert result.code == 2, result.output
    assert "production host prod-api.superfone.co.in" in result.output
    assert "--allow-production-writes" in result.output


def test_a_configured_production_host_is_tested_only_with_the_explicit_flag(tmp_path: Path) -> None:
    """The sandbox stands in for production under an alias (``localhost``) listed in production_hosts:
    refused without the flag, and with it the run really tests it. No test writes to a real server."""
    for target in start_sandbox(tmp_path):
        config = tmp_path / "production.toml"
        config.write_text(
            '[run]\nproduction_hosts = ["localhost"]\n\n'
            + sandbox_target_toml(target.base_url.replace("//127.0.0.1:", "//localhost:", 1)),
            encoding="utf-8",
        )
        refused = run_taskconform("run", "--config", str(config), "--only", "superfone", env=target.env)
        allowed = run_taskconform(
            "run",
            "--config",
            str(config),
            "--only",
            "superfone",
            "--allow-production-writes",
            "--report-dir",
            str(tmp_path / "r"),
            env=target.env,
        )
    assert refused.code == 2, refused.output
    assert "[superfone] base_url points at production host localhost" in refused.output
    assert "--allow-production-writes" in refused.output
    assert allowed.code == 0, allowed.output
    assert "production host" not in allowed.output and "verdict: conforms" in allowed.output
    report = json.loads((tmp_path / "r" / "latest" / "report.json").read_text())
    assert report["verdict"] == "conforms" and report["summary"]["pass"] > 0


BAD_CONFIGS = [
    (
        "unknown key",
        '[superfone]\nbase_url = "http://127.0.0.1:1"\napi_key_env = "K"\nlead_ids = [1]\nleads = [2]\n',
        "unknown key 'leads'",
    ),
    ("invalid toml", "[superfone\n", "is not valid TOML"),
    (
        "empty leads",
        '[superfone]\nbase_url = "http://127.0.0.1:1"\napi_key_env = "K"\nlead_ids = []\n',
        "non-empty list",
    ),
    (
        "lead also foreign",
        '[superfone]\nbase_url = "http://127.0.0.1:1"\napi_key_env = "K"\nlead_ids = [1]\n'
        "foreign_lead_ids = [1]\n",
        "in both lead_ids and foreign_lead_ids",
    ),
    ("not http", '[superfone]\nbase_url = "file:///etc"\napi_key_env = "K"\nlead_ids = [1]\n', "http(s) URL"),
    (
        "key unset",
        '[superfone]\nbase_url = "http://127.0.0.1:1"\napi_key_env = "UNSET_KEY_VAR"\nlead_ids = [1]\n',
        "$UNSET_KEY_VAR, which is not set",
    ),
]


@pytest.mark.parametrize(("text", "message"), [pytest.param(t, m, id=i) for i, t, m in BAD_CONFIGS])
def test_bad_configuration_exits_2_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "t.toml"
    config.write_text(text)
    result = run_taskconform("run", "--config", str(config), env={"K": DISTINCTIVE_KEY})
    assert result.code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_target_killed_mid_run_gives_exit_3_and_an_incomplete_report(tmp_path: Path) -> None:
    port = _free_port()
    config = tmp_path / "t.toml"
    config.write_text(sandbox_target_toml(f"http://127.0.0.1:{port}"))
    server = subprocess.Popen(
        [sys.executable, "-m", "taskconform", "sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "taskconform",
                "run",
                "--config",
                str(config),
                "--report-dir",
                str(tmp_path / "r"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **sandbox_key_env(DEFAULT_KEYS)},  # the keys `taskconform sandbox` uses
        )
        # Mid-run, by the run's own progress rather than a clock: pytest's first line of progress dots
        # ("........ [ 54%]") comes after the first 72 of its 133 tests.
        assert run.stdout is not None
        seen = b""
        for line in run.stdout:
            seen += line
            if b"%]" in line:
                break
        server.send_signal(signal.SIGKILL)
        rest, _ = run.communicate(timeout=300)
        output = seen + rest
    finally:
        server.kill()
    assert run.returncode == 3, output.decode()
    report = json.loads((tmp_path / "r" / "latest" / "report.json").read_text())
    assert report["verdict"] == "incomplete"
    assert "target unreachable" in report["incomplete_reason"]
    assert report["summary"]["fail"] == 0, "a dead target must never read as a broken clause"
    assert b"INCOMPLETE" in output
