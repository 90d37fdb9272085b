"""A failure's reproduction replays its whole causal sequence: run against a fresh instance of the
same faulty server it shows the violation again, against a fresh correct one it does not — as a shell
script, and through ``taskconform replay`` (exit 1: still there, 0: gone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app, serve_in_thread
from taskconform.sandbox.faults import load_faults
from taskconform.sandbox.target_config import sandbox_key_env
from taskconform.vendors.superfone.model import MODEL_CLAUSES

pytestmark = pytest.mark.e2e


def _open_non_reminders(output: str) -> int:
    """Open non-reminder tasks in the last listing the script printed."""
    listings = []
    for line in output.splitlines():
        status, _, body = line.partition(": ")[2].partition(" ")
        if status == "200" and '"rows"' in body:
            listings.append(json.loads(body)["data"]["rows"])
    assert listings, output
    return sum(row["task_status"] == "PENDING" and row["type"] != "REMINDER" for row in listings[-1])


def _replay(script: Path, faults: frozenset[str]) -> str:
    with serve_in_thread(create_app(SandboxOptions(faults=faults))) as fresh:
        env = {**os.environ, **sandbox_key_env(DEFAULT_KEYS), "BASE_URL": fresh.base_url}
        done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_every_reproduction_of_a_broken_auto_close_shows_it_on_a_fresh_server(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "taskconform", "run", "--only", "superfone", "--no-shrink"]
    run += ["--fault", "autoclose-missing", "--clause", "SF-CREATE-AUTOCLOSE", "--report-dir", str(tmp_path)]
    assert subprocess.run(run, capture_output=True, check=False).returncode == 1
    scripts = sorted((tmp_path / "latest" / "repro").glob("SF-CREATE-AUTOCLOSE*.sh"))
    assert any("test_tasks_over_time" in script.read_text() for script in scripts), "the state machine's too"
    for script in scripts:
        assert "POST" in script.read_text(), f"{script.name} replays the writes that built the state"
        assert _open_non_reminders(_replay(script, frozenset({"autoclose-missing"}))) > 1, script.name
        assert _open_non_reminders(_replay(script, frozenset())) <= 1, script.name


# One fault per clause the replay's model judges: every stateful clause, proven once.
STATEFUL_FAULTS = [
    pytest.param(fault.name, clause, id=fault.name)
    for clause, fault in {
        fault.clause: fault
        for fault in reversed(load_faults())
        if fault.vendor == "superfone" and fault.clause in MODEL_CLAUSES
    }.items()
]


def _taskconform(*args: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "taskconform", *args], capture_output=True, check=False
    ).returncode


@pytest.mark.slow
@pytest.mark.parametrize(("fault", "clause"), STATEFUL_FAULTS)
def test_replay_finds_a_stateful_fault_again_on_a_fresh_faulty_server_and_not_on_a_correct_one(
    tmp_path: Path, fault: str, clause: str
) -> None:
    run = ["--only", "superfone", "--no-shrink", "--fault", fault, "--clause", clause]
    assert _taskconform("run", *run, "--report-dir", str(tmp_path)) == 1
    (report,) = tmp_path.glob("2*/report.json")
    replay = ["replay", str(report), "--clause", clause]
    assert _taskconform(*replay, "--fault", fault, "--report-dir", str(tmp_path / "faulty")) == 1
    assert _taskconform(*replay, "--report-dir", str(tmp_path / "correct")) == 0
