"""JUnit XML with one testcase per clause, so CI history tracks each clause across runs."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

__all__ = ["render_junit"]


def _failure_text(clause: dict[str, Any]) -> str:
    blocks = []
    for failure in clause["failures"]:
        lines = [
            f"check: {failure['check']}",
            f"expected: {failure['expected']}",
            f"actual: {failure['actual']}",
        ]
        for exchange in failure["exchanges"]:
            request, response = exchange["request"], exchange["response"]
            lines.append(
                f"{request['method']} {request['url']} -> {response['status']} {response['body'][:500]}"
            )
        lines.append("reproduce:\n" + failure["reproduction"])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_junit(report: dict[str, Any]) -> str:
    suites = ET.Element("testsuites", name="taskconform", time=str(report["duration_s"]))
    for vendor in report["vendors"]:
        counts = vendor["summary"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"taskconform.{vendor['vendor']}",
            tests=str(len(vendor["clauses"])),
            failures=str(counts["fail"]),
            skipped=str(counts["not-run"]),
            errors="0",
        )
        for clause in vendor["clauses"]:
            case = ET.SubElement(
                suite, "testcase", classname=f"taskconform.{vendor['vendor']}", name=clause["id"]
            )
            if clause["verdict"] == "fail":
                failure = ET.SubElement(case, "failure", message=clause["rule"], type="ContractViolation")
                failure.text = _failure_text(clause)
            elif clause["verdict"] == "not-run":
                ET.SubElement(case, "skipped", message=f"not run: {clause['not_run_reason']}")
    if report["verdict"] == "incomplete":
        suite = ET.SubElement(
            suites, "testsuite", name="taskconform.run", tests="1", failures="0", errors="1"
        )
        case = ET.SubElement(suite, "testcase", classname="taskconform.run", name="run-complete")
        ET.SubElement(case, "error", message=report["incomplete_reason"] or "incomplete", type="Incomplete")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
