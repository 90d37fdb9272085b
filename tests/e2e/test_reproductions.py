"""A failure's reproduction replays its whole causal sequence: run against a fresh instance of the
same faulty server it shows the violation again, against a fresh correct one it does not — as a shell
script, and through ``taskconform replay`` (exit 1: still there, 0: gone)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app, serve_in_thread
from taskconform.sandbox.faults import load_faults
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml
from taskconform.vendors.superfone.model import MODEL_CLAUSES

pytestmark = pytest.mark.e2e


def _answers(output: str) -> list[tuple[str, int, dict[str, Any]]]:
    """(request line, status, JSON data) of every step the script printed."""
    steps = []
    for line in output.splitlines():
        if line.startswith("step "):
            sent, _, answer = line.partition(": ")[2].partition(" -> ")
            status, _, body = answer.partition(" ")
            data = json.loads(body).get("data") if body.startswith("{") else None
            steps.append((sent, int(status), data if isinstance(data, dict) else {}))
    return steps


def _more_than_one_open_non_reminder(output: str) -> bool:
    rows = [data["rows"] for sent, status, data in _answers(output) if status == 200 and "rows" in data][-1]
    return sum(row["task_status"] == "PENDING" and row["type"] != "REMINDER" for row in rows) > 1


def _an_older_task_completed(output: str) -> bool:
    """A complete that closed another task than the newest open one the script created (auto-close
    applied to what the script created; tasks from before the script are older than all of them)."""
    open_tasks: list[tuple[Any, str]] = []  # (id, type), oldest first
    for sent, status, data in _answers(output):
        if status != 200:
            continue
        if sent.endswith("/complete"):
            if open_tasks and data.get("id") != open_tasks[-1][0]:
                return True
            open_tasks = [task for task in open_tasks if task[0] != data.get("id")]
        elif sent.startswith("POST"):
            if data.get("type") != "REMINDER":
                open_tasks = [task for task in open_tasks if task[1] == "REMINDER"]
            open_tasks.append((data.get("id"), data.get("type")))
    return False


def _page_count_wrong(output: str) -> bool:
    pages = [data for sent, status, data in _answers(output) if status == 200 and "total_pages" in data]
    return any(page["total_pages"] != math.ceil(page["total_items"] / page["page_size"]) for page in pages)


def _taskconform(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "taskconform", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def _faulty_run(tmp_path: Path, fault: str, clause: str) -> Path:
    """The report.json of a Superfone run, limited to ``clause``, against a sandbox with ``fault``."""
    run = ["run", "--only", "superfone", "--no-shrink", "--fault", fault, "--clause", clause]
    assert _taskconform(*run, "--report-dir", str(tmp_path)).returncode == 1
    (report,) = tmp_path.glob("2*/report.json")
    return report


def _replay(script: Path, faults: frozenset[str]) -> str:
    with serve_in_thread(create_app(SandboxOptions(faults=faults))) as fresh:
        env = {**os.environ, **sandbox_key_env(DEFAULT_KEYS), "BASE_URL": fresh.base_url}
        done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize(
    ("fault", "clause", "shows"),
    [
        ("autoclose-missing", "SF-CREATE-AUTOCLOSE", _more_than_one_open_non_reminder),
        ("complete-oldest", "SF-COMPLETE-MOST-RECENT", _an_older_task_completed),
        ("list-total-pages-floor", "SF-LIST-PAGINATION", _page_count_wrong),
    ],
)
def test_every_script_shows_its_violation_on_a_fresh_faulty_server_and_not_on_a_correct_one(
    tmp_path: Path, fault: str, clause: str, shows: Callable[[str], bool]
) -> None:
    scripts = sorted((_faulty_run(tmp_path, fault, clause).parent / "repro").glob(f"{clause}-*.sh"))
    assert any("test_tasks_over_time" in script.read_text() for script in scripts), "the state machine's too"
    for script in scripts:
        assert "POST" in script.read_text(), f"{script.name} replays the writes that built the state"
        assert shows(_replay(script, frozenset({fault}))), f"{script.name} on a fresh faulty server"
        assert not shows(_replay(script, frozenset())), f"{script.name} on a fresh correct server"


# One fault per clause the replay's model judges: every stateful clause, proven once.
STATEFUL_FAULTS = [
    pytest.param(fault.name, clause, id=fault.name)
    for clause, fault in {
        fault.clause: fault
        for fault in reversed(load_faults())
        if fault.vendor == "superfone" and fault.clause in MODEL_CLAUSES
    }.items()
]


@pytest.mark.slow
@pytest.mark.parametrize(("fault", "clause"), STATEFUL_FAULTS)
def test_replay_finds_a_stateful_fault_again_on_a_fresh_faulty_server_and_not_on_a_correct_one(
    tmp_path: Path, fault: str, clause: str
) -> None:
    replay = ["replay", str(_faulty_run(tmp_path, fault, clause)), "--clause", clause]
    assert _taskconform(*replay, "--fault", fault, "--report-dir", str(tmp_path / "faulty")).returncode == 1
    assert _taskconform(*replay, "--report-dir", str(tmp_path / "correct")).returncode == 0


def test_replay_against_a_target_that_is_down_exits_3_not_as_fixed(tmp_path: Path) -> None:
    report = _faulty_run(tmp_path, "complete-oldest", "SF-COMPLETE-MOST-RECENT")
    down = tmp_path / "down.toml"
    down.write_text(sandbox_target_toml("http://127.0.0.1:9"), encoding="utf-8")
    env = {**os.environ, **sandbox_key_env(DEFAULT_KEYS)}
    replay = ["replay", str(report), "--config", str(down), "--report-dir", str(tmp_path / "replayed")]
    assert _taskconform(*replay, env=env).returncode == 3


def test_replay_never_says_gone_of_a_clause_it_cannot_judge_again(tmp_path: Path) -> None:
    report = _faulty_run(tmp_path, "create-unknown-type-no-list", "SF-CREATE-ERR-TYPE-UNKNOWN")
    done = _taskconform("replay", str(report), "--report-dir", str(tmp_path / "replayed"))
    assert done.returncode == 2
    assert "not judged again from a sequence" in done.stderr and "SF-CREATE-ERR-TYPE-UNKNOWN" in done.stderr
