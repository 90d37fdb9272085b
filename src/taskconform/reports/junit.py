"""JUnit XML with one testcase per clause, so CI history tracks each clause across runs.

A failed clause is a ``<failure>``, a clause that did not run is ``<skipped>`` with its reason, an
example-level warning is ``<skipped type="warning">`` with its evidence (CI shows it, the build stays
green), and an incomplete run adds one ``run-complete`` case in ``<error>``: the suite's own trouble is
never shown as a contract violation. A failure lists its steps and names its reproduction script
(``repro/<clause>-<n>.sh`` beside junit.xml). The generic security checks of each vendor are a suite
of their own (``taskconform.<vendor>.security``), apart from the document's clauses. Each suite's
counts are taken from the cases it holds.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .model import ClauseResult, Report

__all__ = ["render_junit"]

_OUTCOMES = (("failures", "failure"), ("skipped", "skipped"), ("errors", "error"))


def _failure_text(clause: ClauseResult) -> str:
    blocks = []
    for failure in clause.failures:
        lines = [
            f"check: {failure.check}",
            f"expected: {failure.expected}",
            f"actual: {failure.actual}",
            f"occurrences: {failure.occurrences}",
        ]
        for number, exchange in enumerate(failure.exchanges, start=1):
            request, response = exchange.request, exchange.response
            together = " (concurrent)" if exchange.concurrent else ""
            lines.append(
                f"step {number}{together}: {request.method} {request.url} -> {response.status} "
                f"{response.body[:500]}"
            )
            if exchange.note:
                lines.append(f"  {exchange.note}")
        if failure.reproduction_file is not None:
            lines.append(f"reproduction: {failure.reproduction_file} (in the run's report directory)")
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


def _outcome(case: ET.Element, clause: ClauseResult) -> None:
    if clause.verdict == "fail":
        kind = "SecurityFinding" if clause.family == "security" else "ContractViolation"
        failure = ET.SubElement(case, "failure", message=clause.rule, type=kind)
        failure.text = _failure_text(clause)
    elif clause.verdict == "warn":
        warning = ET.SubElement(
            case, "skipped", message=f"warning (example level): {clause.rule}", type="warning"
        )
        warning.text = _failure_text(clause)
    elif clause.verdict == "not-run":
        ET.SubElement(case, "skipped", message=f"not run: {clause.not_run_reason}")


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name="taskconform", time=str(report.duration_s))
    for vendor in report.vendors:
        for family, name in (("document", vendor.vendor), ("security", f"{vendor.vendor}.security")):
            clauses = [clause for clause in vendor.clauses if clause.family == family]
            if not clauses:
                continue
            suite = _suite(suites, name)
            for clause in clauses:
                _outcome(_case(suite, clause.id), clause)
            _count(suite)
    if report.incomplete_reason is not None:
        suite = _suite(suites, "run")
        case = _case(suite, "run-complete")
        ET.SubElement(case, "error", message=report.incomplete_reason, type="Incomplete")
        _count(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
