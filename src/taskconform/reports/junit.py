"""JUnit XML with one testcase per clause, so CI history tracks each clause across runs.

A failed clause is a ``<failure>``, a clause that did not run is ``<skipped>`` with its reason, and
an incomplete run adds one ``run-complete`` case in ``<error>``: the suite's own trouble is never
shown as a contract violation. Each suite's counts are taken from the cases it holds.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .model import ClauseResult, Report

__all__ = ["render_junit"]

_OUTCOMES = (("failures", "failure"), ("skipped", "skipped"), ("errors", "error"))


def _failure_text(clause: ClauseResult) -> str:
    blocks = []
    for failure in clause.failures:
        lines = [f"check: {failure.check}", f"expected: {failure.expected}", f"actual: {failure.actual}"]
        for exchange in failure.exchanges:
            request, response = exchange.request, exchange.response
            lines.append(f"{request.method} {request.url} -> {response.status} {response.body[:500]}")
        lines.append("reproduce:\n" + failure.reproduction)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=f"taskconform.{name}")


def _case(suite: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=suite.attrib["name"], name=name)


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for attribute, outcome in _OUTCOMES:
        suite.set(attribute, str(sum(1 for case in cases if case.find(outcome) is not None)))


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name="taskconform", time=str(report.duration_s))
    for vendor in report.vendors:
        suite = _suite(suites, vendor.vendor)
        for clause in vendor.clauses:
            case = _case(suite, clause.id)
            if clause.verdict == "fail":
                failure = ET.SubElement(case, "failure", message=clause.rule, type="ContractViolation")
                failure.text = _failure_text(clause)
            elif clause.verdict == "not-run":
                ET.SubElement(case, "skipped", message=f"not run: {clause.not_run_reason}")
        _count(suite)
    if report.incomplete_reason is not None:
        suite = _suite(suites, "run")
        case = _case(suite, "run-complete")
        ET.SubElement(case, "error", message=report.incomplete_reason, type="Incomplete")
        _count(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
