"""report.json: one typed model, written as the published JSON Schema says, for real runs and odd ones.

A sandbox run is validated once (module fixture); the shapes a sandbox run rarely produces (a
baseline, cleanup, a crashed check, a stopped vendor, an incomplete run) are built in process from
test records, through the same writer.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from taskconform.reports import records
from taskconform.reports.model import SCHEMA_VERSION
from taskconform.reports.writer import RunCollector

from ..conftest import run_taskconform

SCHEMA = json.loads((files("taskconform.reports") / "schema" / "report.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SECRET = "sk-report-model-7731"
PAGE_SIZE, AUTOCLOSE, CREATED = "SF-LIST-ERR-PAGE-SIZE-MAX", "SF-CREATE-AUTOCLOSE", "SF-CREATE-SUCCESS-STATUS"


def _errors(document: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(document)]


@pytest.fixture(scope="module")
def sandbox_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report_dir = tmp_path_factory.mktemp("reports")
    result = run_taskconform("run", "--only", "smartlead", "--report-dir", str(report_dir))
    assert result.code == 0, result.output
    return json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))


def test_the_schema_is_draft_2020_12_and_carries_the_version() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].endswith(f"/report/{SCHEMA_VERSION}")
    assert SCHEMA["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_a_sandbox_run_writes_a_report_the_schema_accepts(sandbox_report: dict[str, Any]) -> None:
    assert _errors(sandbox_report) == []
    assert sandbox_report["schema_version"] == SCHEMA_VERSION
    assert [v["vendor"] for v in sandbox_report["vendors"]] == ["smartlead"]


def test_the_schema_is_closed(sandbox_report: dict[str, Any]) -> None:
    """A key added or dropped without a new schema version is caught here, not by a CI script."""
    assert _errors({**sandbox_report, "extra": 1})
    assert _errors({k: v for k, v in sandbox_report.items() if k != "gate"})
    clause = sandbox_report["vendors"][0]["clauses"][0]
    assert _errors(
        {**sandbox_report, "vendors": [{**sandbox_report["vendors"][0], "clauses": [{**clause, "x": 1}]}]}
    )


def _exchange(status: int = 200) -> dict[str, Any]:
    url = f"http://127.0.0.1:9/superfone/enterprise/api/lead/1001/task?page_size=21&key={SECRET}"
    return {
        "request": {"method": "GET", "url": url, "headers": {"x-api-key": SECRET}, "body": None},
        "response": {"status": status, "headers": {}, "body": f'{{"echo": "{SECRET}"}}', "elapsed_ms": 1.5},
        "curl": "curl -sS -X GET 'http://127.0.0.1:9/superfone/enterprise/api/lead/1001/task?page_size=21'",
    }


def _record(name: str, declared: list[str], exercised: list[str], **fields: Any) -> records.TestRecord:
    return records.TestRecord(name, "superfone", declared, exercised, **fields)


def _collector(tmp_path: Path, *test_records: records.TestRecord) -> RunCollector:
    info = records.RunInfo(
        run_id="20260101T000000Z-0001",
        profile="quick",
        vendors=(records.VendorInfo("superfone", "http://127.0.0.1:9/superfone", {"base_url": "x"}),),
        redact=lambda text: text.replace(SECRET, "***"),
    )
    collector = RunCollector(info, tmp_path / "reports")
    for record in test_records:
        collector.add(record)
    collector.collected = {"superfone": len(test_records)}
    return collector


def _written(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "report.json").read_text(encoding="utf-8"))


def _failing(tmp_path: Path) -> RunCollector:
    finding = {"clause": PAGE_SIZE, "expected": "400", "actual": "200", "exchanges": [_exchange()]}
    return _collector(
        tmp_path,
        _record("test_page_size", [PAGE_SIZE], [PAGE_SIZE], findings=[finding], backoffs={"429": 2}),
        _record("test_create", [CREATED], [CREATED], created=[["superfone", 1001, 5]]),
        _record("test_autoclose", [AUTOCLOSE], [], skipped="not configured: set lead_assignees"),
        _record("test_racing_creates", [CREATED], [], skipped="the race was provoked in 0 of 10 rounds"),
    )


def test_a_run_with_a_baseline_and_cleanup_matches_the_schema(tmp_path: Path) -> None:
    collector = _failing(tmp_path)
    collector.baseline_path = tmp_path / "baseline.txt"
    collector.baseline_path.write_text(f"superfone {PAGE_SIZE} test_page_size\n", encoding="utf-8")
    collector.cleanup = [
        {"vendor": "superfone", "record": 1001, "closed": [5]},
        {"vendor": "smartlead", "note": "the API has no way to close a task; nothing closed"},
    ]
    report = _written(collector.finish())
    assert _errors(report) == []
    assert collector.report is not None
    assert report == json.loads(json.dumps(collector.report.to_json()).replace(SECRET, "***"))
    assert (report["verdict"], report["gate"]) == ("violations", "pass")  # the only failure is accepted
    clauses = {c["id"]: c for c in report["vendors"][0]["clauses"]}
    assert [f["known"] for f in clauses[PAGE_SIZE]["failures"]] == [True]
    assert clauses[AUTOCLOSE]["not_run_reason"] == "not configured: set lead_assignees"
    assert report["baseline"]["known"] == [["superfone", PAGE_SIZE, "test_page_size"]]
    assert report["tests"]["backoffs"] == {"429": 2}
    assert collector.created() == {"superfone": {1001: {5}}}
    lines = collector.summary_lines()
    assert f"  FAIL (known) {PAGE_SIZE}: " in "\n".join(lines)
    assert "cleanup: closed 1 open task(s) the run created (superfone 1001: 5)" in lines
    assert clauses[CREATED]["verdict"] == "pass"  # what ran of it passed; the console says what did not
    assert (
        f"  PART NOT RUN {CREATED}: check test_racing_creates: the race was provoked in 0 of 10 rounds"
        in lines
    )


def test_no_file_the_writer_writes_holds_a_key(tmp_path: Path) -> None:
    run_dir = _failing(tmp_path).finish()
    written = [path for path in run_dir.rglob("*") if path.is_file()]
    expected = {"report.json", "junit.xml", "report.html", f"{PAGE_SIZE}-1.sh", f"{PAGE_SIZE}.har"}
    assert {p.name for p in written} >= expected
    assert [p.name for p in written if SECRET in p.read_text(encoding="utf-8")] == []
    report = _written(run_dir)
    assert [f["known"] for c in report["vendors"][0]["clauses"] for f in c["failures"]] == [None]
    assert report["baseline"] is None and report["cleanup"] is None and _errors(report) == []


def test_an_incomplete_run_matches_the_schema_and_counts_its_error_in_junit(tmp_path: Path) -> None:
    collector = _collector(
        tmp_path,
        _record("test_create", [CREATED], [CREATED]),
        _record("test_page_size", [PAGE_SIZE], [], error=("suite", "KeyError: 'rows'")),
    )
    collector.collected = {"superfone": 3}  # one test never reported: the vendor stopped early
    run_dir = collector.finish(ended_early="target unreachable; stopping the run")
    report = _written(run_dir)
    assert _errors(report) == []
    assert (report["verdict"], report["gate"]) == ("incomplete", "incomplete")
    assert report["incomplete_reason"] == "suite error: KeyError: 'rows'"
    assert report["tests"]["errors"] == 1
    vendor = report["vendors"][0]
    assert vendor["stopped"] == "1 of its 3 tests did not run: target unreachable; stopping the run"
    page_size = next(c for c in vendor["clauses"] if c["id"] == PAGE_SIZE)
    assert page_size["not_run_reason"] == f"vendor stopped: {vendor['stopped']}"
    suites = {s.get("name"): s for s in ET.parse(run_dir / "junit.xml").getroot()}
    run = suites["taskconform.run"]
    assert (run.get("tests"), run.get("errors"), run.get("failures")) == ("1", "1", "0")
    own = [suites["taskconform.superfone"], suites["taskconform.superfone.security"]]
    cases = [case for suite in own for case in suite.findall("testcase")]
    assert sum(int(suite.get("tests") or 0) for suite in own) == len(cases) == sum(vendor["summary"].values())
    assert sum(int(suite.get("skipped") or 0) for suite in own) == vendor["summary"]["not-run"]
    assert {(suite.get("failures"), suite.get("errors")) for suite in own} == {("0", "0")}


# --- Example-level warnings and the generic security checks -----------------------------------

MESSAGE, SECURITY = "SF-CREATE-EXAMPLE-MESSAGE", "SEC-CREDENTIAL-NOT-REFLECTED"


def _deviating(tmp_path: Path, found: tuple[str, ...], **run: bool) -> RunCollector:
    """A run in which one test met the deviations ``found``: an example-level one, a reflected key."""
    findings = {
        MESSAGE: {
            "clause": MESSAGE,
            "expected": '"message": "success"',
            "actual": "'ok'",
            "exchanges": [_exchange()],
        },
        SECURITY: {
            "clause": SECURITY,
            "expected": "no trace of the key",
            "actual": "header x",
            "exchanges": [],
        },
    }
    test = _record("test_create", [CREATED], [CREATED, *found], findings=[findings[c] for c in found])
    collector = _collector(tmp_path, test)
    collector.info = replace(collector.info, **run)
    return collector


def _clauses(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in report["vendors"][0]["clauses"]}


def test_an_example_level_deviation_is_a_warning_that_passes_the_gate(tmp_path: Path) -> None:
    collector = _deviating(tmp_path, (MESSAGE,), security_checks=False)
    collector.baseline_path = tmp_path / "baseline.txt"
    collector.update_baseline = True
    run_dir = collector.finish()
    report = _written(run_dir)
    assert _errors(report) == []
    clauses = _clauses(report)
    assert (clauses[MESSAGE]["verdict"], clauses[MESSAGE]["level"]) == ("warn", "example")
    assert len(clauses[MESSAGE]["failures"]) == 1 and report["summary"]["warn"] == 1
    assert (report["verdict"], report["gate"], report["strict_examples"]) == ("conforms", "pass", False)
    assert "superfone" not in collector.baseline_path.read_text()  # a warning needs no acceptance
    assert clauses[SECURITY]["not_run_reason"] == "security checks turned off (--no-security-checks)"
    assert report["security_checks"] is False
    lines = "\n".join(collector.summary_lines())
    assert f"WARN (example) {MESSAGE}: " in lines and "--strict-examples makes them fail the gate" in lines
    warned = ET.parse(run_dir / "junit.xml").getroot().find(f".//testcase[@name='{MESSAGE}']")
    assert warned is not None and warned.find("failure") is None
    skipped = warned.find("skipped")
    assert skipped is not None and skipped.get("type") == "warning" and "expected" in (skipped.text or "")


def test_strict_examples_make_the_deviation_a_failure_and_security_findings_fail_apart(
    tmp_path: Path,
) -> None:
    collector = _deviating(tmp_path, (MESSAGE, SECURITY), strict_examples=True)
    run_dir = collector.finish()
    report = _written(run_dir)
    assert _errors(report) == []
    clauses = _clauses(report)
    assert clauses[MESSAGE]["verdict"] == clauses[SECURITY]["verdict"] == "fail"
    assert (clauses[SECURITY]["family"], clauses[SECURITY]["seed"]) == ("security", "security.yaml")
    assert (report["verdict"], report["gate"], report["summary"]["warn"]) == ("violations", "fail", 0)
    lines = collector.summary_lines()
    assert any(line.startswith(f"  FAIL (example) {MESSAGE}: ") for line in lines)
    assert any(line.startswith(f"  FAIL (security) {SECURITY}: ") for line in lines)
    suites = {s.get("name"): s for s in ET.parse(run_dir / "junit.xml").getroot()}
    security = suites["taskconform.superfone.security"]
    assert [case.get("name") for case in security.findall("testcase")] == [SECURITY]
    failure = security.find("testcase/failure")
    assert failure is not None and failure.get("type") == "SecurityFinding"
    assert suites["taskconform.superfone"].find(f"testcase[@name='{SECURITY}']") is None


def test_a_report_of_the_previous_schema_is_refused(sandbox_report: dict[str, Any]) -> None:
    assert _errors({**sandbox_report, "schema_version": SCHEMA_VERSION - 1})
    clause = {k: v for k, v in sandbox_report["vendors"][0]["clauses"][0].items() if k != "level"}
    assert _errors({**sandbox_report, "vendors": [{**sandbox_report["vendors"][0], "clauses": [clause]}]})
