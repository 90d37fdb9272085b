"""``taskconform run`` end to end: verdicts, exit codes, reports, and plain pytest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import (
    DISTINCTIVE_KEY,
    SandboxTarget,
    run_suite_as_plain_pytest,
    run_taskconform,
    start_sandbox,
)


def _report(report_dir: Path) -> dict:
    return json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))


SECURITY = "SEC-CREDENTIAL-NOT-REFLECTED"


def _clause(report: dict, vendor: str, clause_id: str) -> dict:
    clauses = next(v["clauses"] for v in report["vendors"] if v["vendor"] == vendor)
    return next(c for c in clauses if c["id"] == clause_id)


def test_run_without_config_tests_the_bundled_sandbox_and_writes_reports(tmp_path: Path) -> None:
    result = run_taskconform("run", "--report-dir", str(tmp_path / "reports"))
    assert result.code == 0, result.output
    report = _report(tmp_path / "reports")
    assert report["verdict"] == "conforms"
    assert report["summary"]["fail"] == 0 and report["summary"]["not-run"] == 0
    assert report["summary"]["warn"] == 0  # the sandbox follows the documented examples too
    run_dir = tmp_path / "reports" / report["run_id"]
    for name in ("report.json", "junit.xml", "report.html"):
        assert (run_dir / name).is_file() and (tmp_path / "reports" / "latest" / name).is_file()
    assert "verdict: conforms" in result.output
    # Every vendor gets the generic security checks, passed, in a section of their own.
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    for vendor in report["vendors"]:
        assert _clause(report, vendor["vendor"], SECURITY)["verdict"] == "pass"
        assert f'id="security-{vendor["vendor"]}"' in html


def test_security_checks_turned_off_are_not_run_saying_so(tmp_path: Path) -> None:
    result = run_taskconform(
        "run", "--only", "smartlead", "--no-security-checks", "--report-dir", str(tmp_path)
    )
    assert result.code == 0, result.output
    report = _report(tmp_path)
    assert report["security_checks"] is False
    clause = _clause(report, "smartlead", SECURITY)
    assert (clause["verdict"], clause["not_run_reason"]) == (
        "not-run",
        "security checks turned off (--no-security-checks)",
    )
    assert f"NOT-RUN {SECURITY}: security checks turned off (--no-security-checks)" in result.output


def test_an_example_level_deviation_warns_and_fails_only_with_strict_examples(tmp_path: Path) -> None:
    """The sandbox answers "message": "ok" to a create, where only the example shows "success"."""
    args = (
        "run",
        "--fault",
        "create-message-ok",
        "--only",
        "superfone",
        "--clause",
        "SF-CREATE-EXAMPLE-MESSAGE",
    )
    warned = run_taskconform(*args, "--report-dir", str(tmp_path / "w"))
    assert warned.code == 0, warned.output
    assert "WARN (example) SF-CREATE-EXAMPLE-MESSAGE" in warned.output and "gate: pass" in warned.output
    clause = _clause(_report(tmp_path / "w"), "superfone", "SF-CREATE-EXAMPLE-MESSAGE")
    assert (clause["verdict"], clause["level"]) == ("warn", "example")
    assert "Example-level warnings (1)" in (tmp_path / "w" / "latest" / "report.html").read_text()
    strict = run_taskconform(*args, "--strict-examples", "--report-dir", str(tmp_path / "s"))
    assert strict.code == 1, strict.output
    assert "FAIL (example) SF-CREATE-EXAMPLE-MESSAGE" in strict.output
    assert _clause(_report(tmp_path / "s"), "superfone", "SF-CREATE-EXAMPLE-MESSAGE")["verdict"] == "fail"


def test_run_against_a_separate_server_conforms(sandbox_target: SandboxTarget, tmp_path: Path) -> None:
    result = run_taskconform(
        "run",
        "--config",
        str(sandbox_target.config),
        "--only",
        "superfone",
        "--report-dir",
        str(tmp_path / "r"),
        env=sandbox_target.env,
    )
    assert result.code == 0, result.output
    assert DISTINCTIVE_KEY not in result.output


def test_a_server_breaking_a_rule_exits_1_naming_the_clause(tmp_path: Path) -> None:
    for target in start_sandbox(tmp_path, frozenset({"list-page-size-21-accepted"})):
        result = run_taskconform(
            "run", "--config", str(target.config), "--report-dir", str(tmp_path / "r"), env=target.env
        )
    assert result.code == 1, result.output
    assert "FAIL SF-LIST-ERR-PAGE-SIZE-MAX" in result.output
    failing = [c["id"] for c in _report(tmp_path / "r")["vendors"][0]["clauses"] if c["verdict"] == "fail"]
    assert failing == ["SF-LIST-ERR-PAGE-SIZE-MAX"]


def test_a_stateful_violation_is_written_as_distinct_scripts_and_har_with_provenance(tmp_path: Path) -> None:
    """Auto-close broken: the stateful model finds it; its sequences are replayable as .sh and HAR,
    no two scripts hold the same requests, and the report says what judged it."""
    result = run_taskconform(
        "run",
        *("--fault", "autoclose-missing", "--only", "superfone", "--clause", "SF-CREATE-AUTOCLOSE"),
        *("--report-dir", str(tmp_path / "r")),
    )
    assert result.code == 1, result.output
    report = _report(tmp_path / "r")
    run_dir = tmp_path / "r" / report["run_id"]
    failures = _clause(report, "superfone", "SF-CREATE-AUTOCLOSE")["failures"]
    assert failures and all(f["occurrences"] >= 1 and f["reproduction_file"] for f in failures)
    scripts = {f["reproduction_file"] for f in failures}
    assert {f"repro/{p.name}" for p in (run_dir / "repro").glob("SF-CREATE-AUTOCLOSE-*.sh")} == scripts
    bodies = [(run_dir / name).read_text().split("\n", 2)[2] for name in scripts]
    assert len(set(bodies)) == len(bodies)
    har = json.loads((run_dir / "repro" / "SF-CREATE-AUTOCLOSE.har").read_text(encoding="utf-8"))
    assert har["log"]["version"] == "1.2"
    assert len(har["log"]["entries"]) == sum(
        len(f["exchanges"]) for f in {f["reproduction_file"]: f for f in failures}.values()
    )
    provenance = report["provenance"]
    assert [entry["path"] for entry in provenance["files"]] == [
        "spec/superfone-tasks.openapi.yaml",
        "contracts/superfone.yaml",
        "contracts/security.yaml",
    ]
    assert provenance["stateful"] and provenance["profile"] == "quick"
    assert 'id="provenance"' in (run_dir / "report.html").read_text(encoding="utf-8")


def test_a_run_limited_to_some_clauses_runs_every_test_that_may_break_them(tmp_path: Path) -> None:
    """SF-LIST-RESPONSE-FIELDS is checked on every listing, so every Superfone test may break it:
    the run keeps them all, not only those that name it (list-row-id-string is caught by tests about
    other rules); it tests no other vendor."""
    result = run_taskconform(
        "run",
        *("--fault", "complete-oldest", "--fault", "list-row-id-string"),
        *("--clause", "SF-COMPLETE-MOST-RECENT", "--clause", "SF-LIST-RESPONSE-FIELDS"),
        *("--report-dir", str(tmp_path / "r")),
    )
    assert result.code == 1, result.output
    assert "limited to --clause SF-COMPLETE-MOST-RECENT, SF-LIST-RESPONSE-FIELDS" in result.output
    report = _report(tmp_path / "r")
    assert report["clauses_selected"] == ["SF-COMPLETE-MOST-RECENT", "SF-LIST-RESPONSE-FIELDS"]
    assert [vendor["vendor"] for vendor in report["vendors"]] == ["superfone"]
    clauses = {clause["id"]: clause for clause in report["vendors"][0]["clauses"]}
    assert clauses["SF-COMPLETE-MOST-RECENT"]["verdict"] == "fail"
    assert clauses["SF-LIST-RESPONSE-FIELDS"]["verdict"] == "fail"


def test_parallel_workers_reach_the_same_verdict(tmp_path: Path) -> None:
    result = run_taskconform("run", "--workers", "2", "--report-dir", str(tmp_path / "r"))
    assert result.code == 0, result.output
    assert _report(tmp_path / "r")["summary"]["not-run"] == 0


def test_the_suite_runs_as_plain_pytest(sandbox_target: SandboxTarget, tmp_path: Path) -> None:
    completed = run_suite_as_plain_pytest(sandbox_target.config, tmp_path / "r", sandbox_target.env, "-q")
    assert completed.code == 0, completed.output
    assert _report(tmp_path / "r")["verdict"] == "conforms"


def test_a_run_that_checked_nothing_certifies_nothing(sandbox_target: SandboxTarget, tmp_path: Path) -> None:
    completed = run_suite_as_plain_pytest(
        sandbox_target.config, tmp_path / "r", sandbox_target.env, "-q", "-k", "no_test_is_named_so"
    )
    report = _report(tmp_path / "r")
    assert (report["verdict"], report["gate"]) == ("incomplete", "incomplete"), completed.output
    assert "no test checked any clause" in report["incomplete_reason"]


def test_collecting_the_suite_writes_no_report(sandbox_target: SandboxTarget, tmp_path: Path) -> None:
    completed = run_suite_as_plain_pytest(
        sandbox_target.config, tmp_path / "r", sandbox_target.env, "--collect-only"
    )
    assert completed.code == 0, completed.output
    assert "test_generated_requests_get_documented_answers" in completed.output
    assert not (tmp_path / "r").exists()


def test_plugins_installed_beside_the_suite_cannot_change_its_verdict(
    sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    """An installed pytest plugin (an entry point) that fails every test: plain pytest loads it,
    ``taskconform run`` does not."""
    site, dist = tmp_path / "site", tmp_path / "site" / "hostile-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\nhostile = hostile_plugin\n")
    (site / "hostile_plugin.py").write_text(
        "import pytest\n\n@pytest.hookimpl(tryfirst=True)\ndef pytest_runtest_call(item):\n"
        "    raise RuntimeError('hostile plugin')\n"
    )
    env = {**sandbox_target.env, "PYTHONPATH": str(site)}
    plain = run_suite_as_plain_pytest(
        sandbox_target.config, tmp_path / "plain", env, "-q", "--conformance-vendor", "smartlead"
    )
    assert plain.code != 0 and "hostile plugin" in plain.output
    ours = run_taskconform(
        "run",
        "--config",
        str(sandbox_target.config),
        "--only",
        "smartlead",
        "--report-dir",
        str(tmp_path / "r"),
        env=env,
    )
    assert ours.code == 0, ours.output
    assert _report(tmp_path / "r")["verdict"] == "conforms"


def test_an_unreachable_target_exits_3_without_a_verdict(tmp_path: Path) -> None:
    config = tmp_path / "t.toml"
    config.write_text(
        '[superfone]\nbase_url = "http://127.0.0.1:9"\napi_key_env = "SF_API_KEY"\nlead_ids = [1]\n'
    )
    result = run_taskconform("run", "--config", str(config), env={"SF_API_KEY": DISTINCTIVE_KEY})
    assert result.code == 3
    assert "target unreachable" in result.output and "Traceback" not in result.output
    assert DISTINCTIVE_KEY not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "/nonexistent/target.toml"], "does not exist"),
        (["--only", "nosuchvendor"], "--only nosuchvendor: no [nosuchvendor] section"),
        (["--fault", "no-such-fault"], "no-such-fault"),
        (["--profile", "fastest"], "invalid choice"),
        (["--clause", "SF-NO-SUCH-RULE"], "--clause SF-NO-SUCH-RULE: no such clause"),
        (["--clause", "SF-LIST-PAGINATION", "--require-all-clauses"], "--require-all-clauses certifies"),
        (["--no-security-checks", "--require-all-clauses"], "--no-security-checks leaves some out"),
        (["--no-security-checks", "--clause", SECURITY], f"--clause {SECURITY} is a security check"),
    ],
)
def test_bad_usage_exits_2_with_one_clear_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_taskconform("run", "--report-dir", str(tmp_path), *args)
    assert result.code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def _rows(target: SandboxTarget, lead: int) -> list[dict]:
    import httpx

    response = httpx.get(
        f"{target.base_url}/superfone/enterprise/api/lead/{lead}/task",
        params={"page_size": 20, "page": 1},
        headers={"x-api-key": DISTINCTIVE_KEY},
    )
    return response.json()["data"]["rows"]


def _task_ids(target: SandboxTarget, lead: int) -> set[int]:
    return {row["id"] for row in _rows(target, lead)}


def _open_task_ids(target: SandboxTarget) -> set[int]:
    return {
        row["id"]
        for lead in range(1001, 1009)
        for row in _rows(target, lead)
        if row["task_status"] == "PENDING"
    }


def test_cleanup_closes_what_the_run_left_open_and_says_so(
    sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    before = _open_task_ids(sandbox_target)
    result = run_taskconform(
        "run",
        "--config",
        str(sandbox_target.config),
        "--cleanup",
        "--report-dir",
        str(tmp_path / "r"),
        env=sandbox_target.env,
    )
    assert result.code == 0, result.output
    assert "cleanup: closed" in result.output
    closed = [c for c in _report(tmp_path / "r")["cleanup"] if c.get("closed")]
    assert closed
    assert _open_task_ids(sandbox_target) <= before


def test_cleanup_is_off_by_default_on_loopback(sandbox_target: SandboxTarget, tmp_path: Path) -> None:
    result = run_taskconform(
        "run",
        "--config",
        str(sandbox_target.config),
        "--report-dir",
        str(tmp_path / "r"),
        env=sandbox_target.env,
    )
    assert result.code == 0, result.output
    assert _report(tmp_path / "r")["cleanup"] is None
    assert _open_task_ids(sandbox_target) - {4002}


def test_a_run_started_inside_another_xdist_session_writes_to_every_configured_lead(
    sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    """The variables a surrounding pytest-xdist worker leaves in the environment are not this run's:
    read as its own, this one-process run would write to half the leads only (here, not to 1001)."""
    before = _task_ids(sandbox_target, 1001)
    result = run_taskconform(
        *("run", "--config", str(sandbox_target.config), "--report-dir", str(tmp_path / "r")),
        *("--clause", "SF-COMPLETE-MOST-RECENT"),
        env={**sandbox_target.env, "PYTEST_XDIST_WORKER": "gw1", "PYTEST_XDIST_WORKER_COUNT": "2"},
    )
    assert result.code == 0, result.output
    assert _task_ids(sandbox_target, 1001) - before


def test_fewer_records_than_workers_runs_fewer_workers_and_says_so(
    sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    config = sandbox_target.config.read_text().replace(
        "lead_ids = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]", "lead_ids = [1001, 1002]"
    )
    sandbox_target.config.write_text(config)
    result = run_taskconform(
        "run",
        "--config",
        str(sandbox_target.config),
        "--only",
        "superfone",
        "--workers",
        "3",
        "--report-dir",
        str(tmp_path / "r"),
        env=sandbox_target.env,
    )
    assert result.code == 0, result.output
    assert "running 2 worker(s)" in result.output


def test_a_run_leaves_no_hypothesis_files_in_the_working_directory(tmp_path: Path) -> None:
    result = run_taskconform("run", "--only", "superfone", "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert result.code == 0, result.output
    assert not (tmp_path / ".hypothesis").exists()
