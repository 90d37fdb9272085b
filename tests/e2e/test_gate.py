"""The gate is believed: no pass without a complete run, no crash on an optional key, no blame on
the user for the target's fault, and every clause that did not run says why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from taskconform.vendors import VENDORS
from taskconform.vendors.superfone.api import DEFAULT_MISSING_LEAD

from ..conftest import SandboxTarget, run_taskconform, start_sandbox

REPO = Path(__file__).resolve().parents[2]


def _report(report_dir: Path) -> dict:
    return json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))


def _clauses(report: dict, vendor: str) -> dict[str, dict]:
    entry = next(v for v in report["vendors"] if v["vendor"] == vendor)
    return {c["id"]: c for c in entry["clauses"]}


def _section(config: str, vendor: str) -> str:
    match = re.search(rf"^\[{vendor}\]\n(?:.+\n?)*", config, re.MULTILINE)
    assert match is not None, f"no [{vendor}] section"
    return match.group(0)


def _without(section: str, keys: tuple[str, ...]) -> str:
    return "".join(line + "\n" for line in section.splitlines() if line.split(" =")[0] not in keys)


def _run(target: SandboxTarget, config: str, report_dir: Path, *args: str) -> tuple[int, str, dict]:
    path = report_dir.parent / f"{report_dir.name}.toml"
    path.write_text(config, encoding="utf-8")
    result = run_taskconform(
        "run", "--config", str(path), "--report-dir", str(report_dir), *args, env=target.env
    )
    return result.code, result.output, _report(report_dir)


# --- 1. No pass without a complete run ---------------------------------------------------------


def _sabotaged(mode: str, tmp_path: Path) -> tuple[int, str, dict]:
    result = run_taskconform(
        "run",
        "--report-dir",
        str(tmp_path / "r"),
        env={
            "PYTHONPATH": str(REPO),
            "PYTEST_ADDOPTS": "-p tests.sabotage_plugin",
            "TASKCONFORM_SABOTAGE": mode,
        },
    )
    return result.code, result.output, _report(tmp_path / "r")


def test_a_session_that_ends_early_never_passes_and_names_who_stopped(tmp_path: Path) -> None:
    code, output, report = _sabotaged("exit", tmp_path)
    assert code == 3, output
    assert report["verdict"] == "incomplete" and report["gate"] == "incomplete"
    stopped = {v["vendor"]: v["stopped"] for v in report["vendors"]}
    assert "did not run" in stopped["superfone"]
    assert "STOPPED" in output and "[superfone] stopped" in output
    # The vendors that ran before the session ended still have their verdicts.
    assert any(v["summary"]["pass"] for v in report["vendors"] if v["vendor"] != "superfone")


def test_a_vendor_whose_configuration_fails_stops_alone(tmp_path: Path) -> None:
    code, output, report = _sabotaged("config", tmp_path)
    assert code == 2, output
    by_vendor = {v["vendor"]: v for v in report["vendors"]}
    assert by_vendor["superfone"]["stopped"].startswith("configuration error")
    assert by_vendor["superfone"]["summary"]["pass"] == 0
    for other in ("smartlead", "leadlex"):
        assert by_vendor[other]["stopped"] is None
        assert by_vendor[other]["summary"] == {
            "pass": len(by_vendor[other]["clauses"]),
            "fail": 0,
            "warn": 0,
            "not-run": 0,
        }
    reasons = {c["not_run_reason"] for c in by_vendor["superfone"]["clauses"]}
    assert len(reasons) == 1 and reasons.pop().startswith("vendor stopped: configuration error")


def test_a_clause_whose_tests_crashed_is_not_a_pass(tmp_path: Path) -> None:
    code, output, report = _sabotaged("crash", tmp_path)
    assert code == 3, output
    superfone = next(v for v in report["vendors"] if v["vendor"] == "superfone")
    assert superfone["summary"]["pass"] == 0
    assert all("IndexError" in c["not_run_reason"] for c in superfone["clauses"])
    assert "INCOMPLETE: suite error: IndexError" in output


# --- 2. Every optional key may be left out -----------------------------------------------------


def _optional_key_cases() -> list[tuple[str, tuple[str, ...]]]:
    cases = []
    for name, vendor in VENDORS.items():
        optional = vendor.section.optional_keys()
        cases += [(name, (key,)) for key in optional]
        if len(optional) > 1:
            cases.append((name, optional))
    return cases


@pytest.mark.parametrize(
    ("vendor", "left_out"), _optional_key_cases(), ids=lambda v: v if isinstance(v, str) else "+".join(v)
)
def test_leaving_out_optional_keys_costs_only_their_clauses(
    vendor: str, left_out: tuple[str, ...], sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    full = sandbox_target.config.read_text(encoding="utf-8")
    config = _without(_section(full, vendor), left_out)
    code, output, report = _run(sandbox_target, config, tmp_path / "r")
    assert code == 0, output
    assert report["verdict"] == "conforms" and report["tests"]["errors"] == 0
    for clause in _clauses(report, vendor).values():
        if clause["verdict"] == "not-run":
            assert clause["not_run_reason"].startswith("not configured: set `"), clause
            assert clause["not_run_reason"] in output
            assert any(f"`{key}`" in clause["not_run_reason"] for key in left_out)


def test_the_readme_minimal_configs_name_exactly_the_required_keys() -> None:
    """The README's minimal sections are what the test above runs when every optional key is gone."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Minimal configuration.*?```toml\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README lost its minimal configuration"
    for name, vendor in VENDORS.items():
        keys = {
            line.split(" =")[0] for line in _section(block.group(1), name).splitlines()[1:] if " =" in line
        }
        required = {"base_url"} | {k for k, spec in vendor.section.fields.items() if spec.required}
        assert keys == required, name


def test_require_all_clauses_fails_the_gate_on_a_clause_that_did_not_run(
    sandbox_target: SandboxTarget, tmp_path: Path
) -> None:
    config = _without(
        _section(sandbox_target.config.read_text(encoding="utf-8"), "leadlex"), ("readonly_api_key_env",)
    )
    code, output, report = _run(sandbox_target, config, tmp_path / "shown")
    assert code == 0 and _clauses(report, "leadlex")["LL-CREATE-PERMISSION"]["verdict"] == "not-run"
    code, output, report = _run(sandbox_target, config, tmp_path / "required", "--require-all-clauses")
    assert code == 1, output
    assert report["gate"] == "fail" and report["verdict"] == "conforms"
    assert "LL-CREATE-PERMISSION" in report["gate_reason"]
    assert "GATE FAIL: --require-all-clauses" in output
    html = (tmp_path / "required" / "latest" / "report.html").read_text(encoding="utf-8")
    assert "not configured: set `readonly_api_key_env`" in html and "Gate failed" in html
    junit = (tmp_path / "required" / "latest" / "junit.xml").read_text(encoding="utf-8")
    assert "not run: not configured: set `readonly_api_key_env`" in junit


# --- 3. An unknown lead that answers 200 -------------------------------------------------------


def test_a_vouched_missing_lead_that_answers_200_is_the_targets_violation(tmp_path: Path) -> None:
    for target in start_sandbox(tmp_path, frozenset({"list-unknown-lead-empty"})):
        config = _section(target.config.read_text(encoding="utf-8"), "superfone")
        assert "missing_lead_ids" in config
        code, output, report = _run(target, config, tmp_path / "r")
    assert code == 1, output
    assert "FAIL SF-LIST-ERR-LEAD-NOT-FOUND" in output
    failing = [c for c, entry in _clauses(report, "superfone").items() if entry["verdict"] == "fail"]
    assert failing == ["SF-LIST-ERR-LEAD-NOT-FOUND"]


def test_the_default_missing_lead_answering_200_is_reported_and_never_written_to(tmp_path: Path) -> None:
    for target in start_sandbox(tmp_path, frozenset({"list-unknown-lead-empty"})):
        config = _without(
            _section(target.config.read_text(encoding="utf-8"), "superfone"), ("missing_lead_ids",)
        )
        code, output, report = _run(target, config, tmp_path / "r")
    assert code == 1, output
    clauses = _clauses(report, "superfone")
    failure = clauses["SF-LIST-ERR-LEAD-NOT-FOUND"]["failures"][0]
    assert (
        str(DEFAULT_MISSING_LEAD) in failure["expected"] and "unless it really exists" in failure["expected"]
    )
    written = [
        exchange["request"]
        for entry in clauses.values()
        for f in entry["failures"]
        for exchange in f["exchanges"]
        if exchange["request"]["method"] != "GET" and str(DEFAULT_MISSING_LEAD) in exchange["request"]["url"]
    ]
    assert written == []
    skipped = clauses["SF-CREATE-ERR-LEAD-NOT-FOUND"]["skipped_checks"]
    assert any("writes to it were withheld" in skip for skip in skipped), skipped


# --- 4 and 5. Ties and gateways are not violations ---------------------------------------------


def test_whole_second_clocks_behind_a_gateway_conform_and_back_offs_are_counted(tmp_path: Path) -> None:
    result = run_taskconform(
        "run",
        "--variation",
        "timestamps-whole-seconds",
        "--variation",
        "gateway",
        "--report-dir",
        str(tmp_path / "r"),
    )
    assert result.code == 0, result.output
    report = _report(tmp_path / "r")
    assert [v["vendor"] for v in report["vendors"]] == ["superfone", "smartlead", "leadlex"]
    assert set(report["tests"]["backoffs"]) == {"429", "503"}
    assert "back-offs:" in result.output and "not violations" in result.output
