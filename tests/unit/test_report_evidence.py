"""The evidence a vendor replays: one reproduction per distinct failure, the sequences as HAR 1.2 (keys
redacted as in report.json), and the provenance that ties a report to what judged it.

Runs are built in process from test records, through the writer, as ``tests/e2e/test_report_model.py``
does for the report's shape; the schema is checked on every report written here too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema

from taskconform.fuzzing import FuzzKey
from taskconform.reports import records
from taskconform.reports.model import Failure, Report, ReportedExchange
from taskconform.reports.writer import RunCollector
from taskconform.resources import data_root
from taskconform.vendors import VENDORS

SCHEMA = json.loads((files("taskconform.reports") / "schema" / "report.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SECRET = "sk-evidence-5521"
VENDOR = "superfone"
CLAUSE, OTHER = "SF-CREATE-AUTOCLOSE", "SF-LIST-NEWEST-FIRST"
BASE = "http://127.0.0.1:9/v"


def _exchange(
    method: str,
    path: str,
    body: str | None = None,
    status: int = 200,
    *,
    note: str | None = None,
    concurrent: bool = False,
) -> dict[str, Any]:
    """A finding's exchange as workers send it, holding the key as a raw exchange may."""
    return {
        "request": {
            "method": method,
            "url": f"{BASE}{path}?key={SECRET}&page=1",
            "headers": {"x-api-key": SECRET, "content-type": "application/json"},
            "body": body,
        },
        "response": {
            "status": status,
            "headers": {"content-type": "application/json"},
            "body": f'{{"echo": "{SECRET}", "data": {{"id": 7}}}}',
            "elapsed_ms": 12.5,
        },
        "curl": f"curl -sS -X {method} '{BASE}{path}'",
        "note": note,
        "concurrent": concurrent,
    }


SEQUENCE = [
    _exchange(
        "POST", "/lead/1/task", '{"title": "a"}', note="expected 200 and the task open", concurrent=True
    ),
    _exchange("POST", "/lead/1/task", '{"title": "b"}', concurrent=True),
    _exchange("GET", "/lead/1/task", status=200, note="expected one open task; saw two"),
]


def _finding(clause: str, exchanges: list[dict[str, Any]], actual: str = "two open") -> dict[str, Any]:
    return {"clause": clause, "expected": "one open task", "actual": actual, "exchanges": exchanges}


def _collector(tmp_path: Path, *tests: tuple[str, list[dict[str, Any]]]) -> RunCollector:
    info = records.RunInfo(
        run_id="20260101T000000Z-0001",
        profile="quick",
        vendors=(records.VendorInfo(VENDOR, BASE, {"base_url": BASE}),),
        redact=lambda text: text.replace(SECRET, "***"),
    )
    collector = RunCollector(info, tmp_path / "reports")
    for name, findings in tests:
        seed = int(name[name.index("[") + 1 : -1]) if name.endswith("]") else None
        collector.add(
            records.TestRecord(name, VENDOR, [CLAUSE, OTHER], [CLAUSE, OTHER], findings=findings, seed=seed)
        )
    collector.collected = {VENDOR: len(tests)}
    return collector


def _run(tmp_path: Path, *tests: tuple[str, list[dict[str, Any]]]) -> tuple[Path, dict[str, Any]]:
    run_dir = _collector(tmp_path, *tests).finish()
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    assert [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(report)] == []
    return run_dir, report


def _failures(report: dict[str, Any], clause: str) -> list[dict[str, Any]]:
    return next(c for c in report["vendors"][0]["clauses"] if c["id"] == clause)["failures"]


# --- One reproduction per distinct failure --------------------------------------------------------


def test_the_same_failure_found_twice_is_one_script_counting_two(tmp_path: Path) -> None:
    run_dir, report = _run(
        tmp_path,
        ("test_model[0]", [_finding(CLAUSE, SEQUENCE), _finding(CLAUSE, SEQUENCE, actual="three open")]),
    )
    [failure] = _failures(report, CLAUSE)
    assert (failure["occurrences"], failure["reproduction_file"]) == (2, f"repro/{CLAUSE}-1.sh")
    scripts = sorted(p.name for p in (run_dir / "repro").glob("*.sh"))
    assert scripts == [f"{CLAUSE}-1.sh"]
    lines = (run_dir / failure["reproduction_file"]).read_text().splitlines()
    assert lines[0] == "#!/bin/sh"
    assert lines[1].startswith("# Stands for 2 occurrence(s) of this sequence in the run:")
    assert (run_dir / failure["reproduction_file"]).stat().st_mode & 0o111


def test_distinct_sequences_are_distinct_scripts(tmp_path: Path) -> None:
    other = [*SEQUENCE[:1], _exchange("GET", "/lead/1/task", status=200)]
    run_dir, report = _run(tmp_path, ("test_model[0]", [_finding(CLAUSE, SEQUENCE), _finding(CLAUSE, other)]))
    failures = _failures(report, CLAUSE)
    assert [(f["occurrences"], f["reproduction_file"]) for f in failures] == [
        (1, f"repro/{CLAUSE}-1.sh"),
        (1, f"repro/{CLAUSE}-2.sh"),
    ]
    assert sorted(p.name for p in (run_dir / "repro").glob("*.sh")) == [f"{CLAUSE}-1.sh", f"{CLAUSE}-2.sh"]


def test_the_same_failure_of_two_checks_stays_two_failures(tmp_path: Path) -> None:
    """Same requests, other check: two failures (the baseline names each), one script between them."""
    run_dir, report = _run(
        tmp_path,
        ("test_model[0]", [_finding(CLAUSE, SEQUENCE)]),
        ("test_model[1]", [_finding(CLAUSE, SEQUENCE)]),
    )
    failures = _failures(report, CLAUSE)
    assert [f["check"] for f in failures] == ["test_model[0]", "test_model[1]"]
    assert {f["reproduction_file"] for f in failures} == {f"repro/{CLAUSE}-1.sh"}
    assert len(list((run_dir / "repro").glob("*.sh"))) == 1


def test_no_two_scripts_of_a_report_hold_the_same_sequence(tmp_path: Path) -> None:
    run_dir, report = _run(
        tmp_path, ("test_model[0]", [_finding(CLAUSE, SEQUENCE), _finding(OTHER, SEQUENCE)])
    )
    [mine], [other] = _failures(report, CLAUSE), _failures(report, OTHER)
    assert mine["reproduction_file"] == other["reproduction_file"] == f"repro/{CLAUSE}-1.sh"
    assert [p.name for p in (run_dir / "repro").glob("*.sh")] == [f"{CLAUSE}-1.sh"]
    header = (run_dir / mine["reproduction_file"]).read_text().splitlines()[1]
    assert CLAUSE in header and OTHER in header
    # Each clause still has its own HAR.
    assert sorted(p.name for p in (run_dir / "repro").glob("*.har")) == [f"{CLAUSE}.har", f"{OTHER}.har"]


def test_a_failure_without_requests_has_no_reproduction(tmp_path: Path) -> None:
    run_dir, report = _run(tmp_path, ("test_model[0]", [_finding(CLAUSE, [])]))
    [failure] = _failures(report, CLAUSE)
    assert (failure["reproduction_file"], failure["occurrences"]) == (None, 1)
    assert not (run_dir / "repro").exists()


def test_junit_names_the_script(tmp_path: Path) -> None:
    run_dir, _ = _run(tmp_path, ("test_model[0]", [_finding(CLAUSE, SEQUENCE)]))
    case = ET.parse(run_dir / "junit.xml").getroot().find(f".//testcase[@name='{CLAUSE}']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and f"reproduction: repro/{CLAUSE}-1.sh" in (failure.text or "")
    assert "step 1 (concurrent): POST" in (failure.text or "")


# --- HAR 1.2 ----------------------------------------------------------------------------------------


def _har(run_dir: Path, clause: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((run_dir / "repro" / f"{clause}.har").read_text(encoding="utf-8"))
    return document


def _assert_har_1_2(document: dict[str, Any]) -> None:
    """The required fields and types of HAR 1.2 (softwareishard.com/blog/har-12-spec)."""
    log = document["log"]
    assert log["version"] == "1.2"
    assert set(log["creator"]) >= {"name", "version"}
    page_ids = {page["id"] for page in log["pages"]}
    for page in log["pages"]:
        assert set(page) >= {"startedDateTime", "id", "title", "pageTimings"}
        datetime.fromisoformat(page["startedDateTime"])
    for entry in log["entries"]:
        assert entry["pageref"] in page_ids
        datetime.fromisoformat(entry["startedDateTime"])
        assert entry["time"] >= 0 and entry["cache"] == {}
        assert set(entry["timings"]) >= {"send", "wait", "receive"}
        request, response = entry["request"], entry["response"]
        assert set(request) >= {
            "method",
            "url",
            "httpVersion",
            "cookies",
            "headers",
            "queryString",
            "headersSize",
            "bodySize",
        }
        assert set(response) >= {
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        }
        assert set(response["content"]) >= {"size", "mimeType"}
        for pairs in (request["headers"], request["queryString"], response["headers"]):
            assert all(set(pair) == {"name", "value"} for pair in pairs)
        if "postData" in request:
            assert set(request["postData"]) >= {"mimeType", "text"}
        assert (
            not set(entry)
            - {
                "pageref",
                "startedDateTime",
                "time",
                "request",
                "response",
                "cache",
                "timings",
                "serverIPAddress",
                "connection",
                "comment",
            }
            - {key for key in entry if key.startswith("_")}
        )


def test_each_failing_clause_has_a_har_of_its_distinct_sequences_in_order(tmp_path: Path) -> None:
    other = [_exchange("GET", "/lead/2/task")]
    run_dir, report = _run(
        tmp_path,
        ("test_model[0]", [_finding(CLAUSE, SEQUENCE), _finding(CLAUSE, SEQUENCE), _finding(CLAUSE, other)]),
    )
    document = _har(run_dir, CLAUSE)
    _assert_har_1_2(document)
    log = document["log"]
    assert [page["id"] for page in log["pages"]] == [f"{CLAUSE}-1", f"{CLAUSE}-2"]
    entries = log["entries"]
    assert [(e["pageref"], e["request"]["method"]) for e in entries] == [
        (f"{CLAUSE}-1", "POST"),
        (f"{CLAUSE}-1", "POST"),
        (f"{CLAUSE}-1", "GET"),
        (f"{CLAUSE}-2", "GET"),
    ]
    first, second, read = entries[:3]
    # The two concurrent creates start together; the read once both were answered.
    assert first["startedDateTime"] == second["startedDateTime"] == log["pages"][0]["startedDateTime"]
    assert first["startedDateTime"][:19] == report["started_at"].removesuffix("Z")  # the run's start
    waited = datetime.fromisoformat(read["startedDateTime"]) - datetime.fromisoformat(
        first["startedDateTime"]
    )
    assert round(waited.total_seconds() * 1000) in (12, 13)  # 12.5 ms, to the millisecond
    assert (first["_concurrent"], read["_concurrent"]) == (True, False)
    assert (first["_note"], second["_note"]) == ("expected 200 and the task open", None)
    assert first["request"]["postData"] == {
        "mimeType": "application/json",
        "params": [],
        "text": '{"title": "a"}',
    }
    assert "postData" not in read["request"]
    assert read["response"]["statusText"] == "OK"
    assert {"name": "page", "value": "1"} in read["request"]["queryString"]
    # Same requests, same steps as report.json.
    reported = _failures(report, CLAUSE)[0]["exchanges"]
    assert [e["request"]["url"] for e in entries[:3]] == [e["request"]["url"] for e in reported]


def test_a_har_holds_no_key_and_masks_it_as_report_json_does(tmp_path: Path) -> None:
    run_dir, report = _run(tmp_path, ("test_model[0]", [_finding(CLAUSE, SEQUENCE)]))
    text = (run_dir / "repro" / f"{CLAUSE}.har").read_text(encoding="utf-8")
    assert SECRET not in text
    entry = json.loads(text)["log"]["entries"][0]
    reported = _failures(report, CLAUSE)[0]["exchanges"][0]
    assert entry["request"]["url"] == reported["request"]["url"] == f"{BASE}/lead/1/task?key=***&page=1"
    assert {"name": "key", "value": "***"} in entry["request"]["queryString"]
    assert {"name": "x-api-key", "value": "***"} in entry["request"]["headers"]
    assert entry["response"]["content"]["text"] == reported["response"]["body"]
    assert [p.name for p in run_dir.rglob("*") if p.is_file() and SECRET in p.read_text()] == []


# --- Provenance -------------------------------------------------------------------------------------


def test_provenance_hashes_the_specs_and_catalogues_as_they_are(tmp_path: Path) -> None:
    _, report = _run(tmp_path, ("test_tasks_over_time_follow_the_documented_model[1]", []))
    provenance = report["provenance"]
    spec = VENDORS[VENDOR].spec_file
    paths = [entry["path"] for entry in provenance["files"]]
    assert paths == [f"spec/{spec}", f"contracts/{VENDOR}.yaml", "contracts/security.yaml"]
    for entry in provenance["files"]:
        digest = hashlib.sha256((data_root() / entry["path"]).read_bytes()).hexdigest()
        assert entry["sha256"] == digest
    assert (provenance["suite_version"], provenance["profile"]) == (report["suite_version"], "quick")
    assert set(provenance["generators"]) == {"hypothesis", "schemathesis"}


def test_provenance_records_the_seed_of_every_search_and_exploration(tmp_path: Path) -> None:
    _, report = _run(tmp_path, ("test_tasks_over_time_follow_the_documented_model[1]", []))
    provenance = report["provenance"]
    searches = provenance["searches"]
    assert searches and {s["spec"] for s in searches} == {VENDORS[VENDOR].spec_file}
    for search in searches:
        assert search["seed"] == FuzzKey(search["spec"], search["operation_id"], search["mode"]).seed
    assert {(s["operation_id"], s["mode"]) for s in searches} == {
        (operation, mode)
        for operation in VENDORS[VENDOR].response_clauses
        for mode in ("positive", "negative")
    }
    assert provenance["stateful"] == [
        {"test": "test_tasks_over_time_follow_the_documented_model[1]", "seed": 1}
    ]


# --- The timeline in report.html ------------------------------------------------------------------


def _page(tmp_path: Path, *tests: tuple[str, list[dict[str, Any]]]) -> tuple[Report, str]:
    collector = _collector(tmp_path, *tests)
    run_dir = collector.finish()
    assert collector.report is not None
    return collector.report, (run_dir / "report.html").read_text(encoding="utf-8")


def test_report_html_shows_each_failure_as_a_numbered_timeline(tmp_path: Path) -> None:
    from .test_report_html import parse

    long_body = '{"title": "' + "x" * 900 + '"}'
    steps = [*SEQUENCE, _exchange("POST", "/lead/1/task", long_body)]
    _, html = _page(tmp_path, ("test_model[0]", [_finding(CLAUSE, steps), _finding(CLAUSE, steps)]))
    doc = parse(html)
    card = doc.by_id(f"{CLAUSE}--evidence")
    timeline = card.find("ol", class_="timeline")
    items = timeline.find_all("li", class_="step")
    assert [item.find("span", class_="step-number").text() for item in items] == [
        "Step 1",
        "Step 2",
        "Step 3",
        "Step 4",
    ]
    assert (
        "POST " in items[0].find("code").text() and items[0].find("strong", class_="status").text() == "200"
    )
    assert [bool(item.find_all("span", class_="concurrent")) for item in items] == [True, True, False, False]
    assert items[0].find("p", class_="note").text() == "expected 200 and the task open"
    assert not items[1].find_all("p", class_="note")
    # A long body folds, closed; short ones stay inline.
    folded = items[3].find("details", class_="body")
    assert "open" not in folded.attrs and "x" * 900 in folded.text()
    assert not items[0].find_all("details", class_="body")
    outcome = timeline.find("li", class_="outcome").text()
    assert "one open task" in outcome and "two open" in outcome
    assert card.find("dd", class_="occurrences").text().startswith("2")
    link = card.find("a", class_="repro-file")
    assert link.attrs["href"] == f"repro/{CLAUSE}-1.sh" and link.text() == f"repro/{CLAUSE}-1.sh"
    assert card.find("a", class_="har-file").attrs["href"] == f"repro/{CLAUSE}.har"


def test_report_html_has_a_provenance_section(tmp_path: Path) -> None:
    from .test_report_html import parse

    report, html = _page(tmp_path, ("test_model[0]", [_finding(CLAUSE, SEQUENCE)]))
    section = parse(html).by_id("provenance")
    assert section.find("h2").text() == "Provenance"
    text = section.text()
    for entry in report.provenance.files:
        assert entry.path in text and entry.sha256 in text
    assert all(str(search.seed) in text for search in report.provenance.searches)


def test_a_finding_without_notes_reads_as_steps_with_none() -> None:
    """Findings recorded before steps carried notes (or by tests that check none) still load."""
    raw = _exchange("GET", "/x")
    del raw["note"], raw["concurrent"]
    exchange = ReportedExchange.from_json(raw)
    assert (exchange.note, exchange.concurrent) == (None, False)
    failure = Failure("C", "e", "a", (exchange, exchange), "t", "m", "#!/bin/sh\n")
    assert failure.sequence() == (("GET", raw["request"]["url"], None),) * 2
