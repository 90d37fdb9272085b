"""The HTML pages (certification report, diff, selftest): content, structure, escaping, one layout.

Structure is checked through a small DOM built with ``html.parser`` rather than substring matching: the
parser also proves the document is balanced (every element closed in order), and escaping is verified by
the absence of parsed ``<script>`` elements, not by guessing at entity spellings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest

from taskconform.catalogue import OpenBehaviour
from taskconform.reports import model
from taskconform.reports.model import (
    ClauseResult,
    Counts,
    Failure,
    Report,
    ReportedExchange,
    ReportedRequest,
    ReportedResponse,
    VendorResult,
    Verdict,
)
from taskconform.reports.pages import render_page
from taskconform.selftest import Outcome, Variant, _render_html

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """Elements by tag; ``class_`` matches one class token, other attributes match exactly."""
        found = []
        for node in self.iter():
            if node.tag != tag:
                continue
            ok = True
            for name, want in attrs.items():
                if name == "class_":
                    ok &= want in (node.attrs.get("class") or "").split()
                else:
                    ok &= node.attrs.get(name) == want
            if ok:
                found.append(node)
        return found

    def find(self, tag: str, **attrs: str) -> Node:
        nodes = self.find_all(tag, **attrs)
        assert nodes, f"no <{tag} {attrs}> found"
        return nodes[0]

    def by_id(self, element_id: str) -> Node:
        nodes = [n for n in self.iter() if n.attrs.get("id") == element_id]
        assert len(nodes) == 1, f"expected exactly one element with id={element_id!r}, found {len(nodes)}"
        return nodes[0]


class StrictTreeBuilder(HTMLParser):
    """Builds a Node tree and fails on mismatched or unclosed tags (our renderer closes everything)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"end tag for void element <{tag}>"
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(document: str) -> Node:
    builder = StrictTreeBuilder()
    builder.feed(document)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed elements: {[n.tag for n in builder.stack[1:]]}"
    assert builder.doctype is not None and builder.doctype.lower() == "doctype html"
    return builder.root


CURL = (
    "curl -sS -X GET 'http://127.0.0.1:54321/superfone/enterprise/api/lead/1001/task?page_size=21' "
    '-H "x-api-key: ${SF_API_KEY}"'
)
FAIL_URL = "http://127.0.0.1:54321/superfone/enterprise/api/lead/1001/task?page_size=21"
FAILING, PASSING, NOT_RUN = "SF-LIST-PAGE-SIZE-MAX", "SF-CREATE-TITLE-REQUIRED", "SF-DELETE-IDEMPOTENT"


def _exchange(method: str = "GET", url: str = FAIL_URL, body: str | None = None) -> ReportedExchange:
    return ReportedExchange(
        ReportedRequest(method, url, {"x-api-key": "***"}, body),
        ReportedResponse(
            200,
            {"content-type": "application/json"},
            '{"data": {"items": "<img src=x onerror=alert(1)>"}}',
            3.1,
        ),
        CURL,
    )


def _clause(clause_id: str, verdict: Verdict, **changes: object) -> ClauseResult:
    clause = ClauseResult(
        id=clause_id,
        section="List Tasks",
        seed="001_4d090b8340652544.txt",
        quote=(f"The sentence {clause_id} stands on.",),
        rule=f"The rule of {clause_id}.",
        level="must",
        family="document",
        verdict=verdict,
        not_run_reason="not configured: set foreign_lead_ids in [superfone]"
        if verdict == "not-run"
        else None,
        skipped_checks=(),
        checks=(f"test_{clause_id}",),
        failures=(),
    )
    return replace(clause, **changes)


PROVENANCE = model.Provenance(
    suite_version="0.1.0",
    profile="quick",
    files=(model.SourceFile("spec/superfone-tasks.openapi.yaml", "ab" * 32),),
    generators={"hypothesis": "6.0.0"},
    searches=(model.SearchSeed("superfone-tasks.openapi.yaml", "listTasks", "negative", 1234),),
    stateful=(model.StatefulSeed("test_model[1]", 1),),
)


def sample_report() -> Report:
    """A run as the writer builds it: one failing, one passing and one not-run clause."""
    failure = Failure(
        clause=FAILING,
        expected='400 with message "page_size cannot exceed 20"',
        actual="200",
        exchanges=(_exchange(),),
        check="test_documented_error[SF-LIST-PAGE-SIZE-MAX-21]",
        message="expected status 400, got 200 <script>alert(1)</script>",
        reproduction=CURL,
        reproduction_file=f"repro/{FAILING}-1.sh",
    )
    clauses = (
        _clause(
            FAILING,
            "fail",
            quote=(
                "page_size | number | No | 20 | Items per page. Maximum is 20 — larger values return 400.",
            ),
            failures=(failure,),
        ),
        _clause(PASSING, "pass", section="Create Task", seed="002_82226e53271469da.txt"),
        _clause(NOT_RUN, "not-run", skipped_checks=("test_x: not configured: set foreign_lead_ids",)),
    )
    counts: Counts = {"pass": 1, "fail": 1, "warn": 0, "not-run": 1}
    vendor = VendorResult(
        vendor="superfone",
        stopped=None,
        title="Superfone Enterprise API — Tasks",
        base_url="http://127.0.0.1:54321/superfone",
        config={"base_url": "http://127.0.0.1:54321/superfone", "api_key_env": "SF_API_KEY"},
        summary=counts,
        clauses=clauses,
        not_checkable=(),
        undocumented=(
            OpenBehaviour(
                id="SF-OPEN-PAGE-ZERO",
                seed="001_4d090b8340652544.txt",
                behaviour="What page=0 returns.",
                why_open="The documents say pages start at 1 but not what 0 does.",
                sandbox_choice='400 "page must be a positive integer"',
            ),
        ),
        contradictions=(),
    )
    return Report(
        run_id="20261125T164000Z-3f2a",
        suite_version="0.1.0",
        profile="quick",
        started_at="2026-11-25T16:40:00Z",
        finished_at="2026-11-25T16:40:12Z",
        duration_s=12.3,
        verdict="violations",
        incomplete_reason=None,
        previous_report=None,
        summary=counts,
        tests=model.TestsSummary(3, 0, 1, 1.0, 0.1, {}, 0.0, 8, (), 3, ()),
        cleanup=None,
        vendors=(vendor,),
        baseline=None,
        require_all_clauses=False,
        clauses_selected=None,
        strict_examples=False,
        security_checks=True,
        gate_reason=None,
        gate="fail",
        provenance=PROVENANCE,
    )


def with_clause(report: Report, clause_id: str, **changes: object) -> Report:
    """The report with one clause of its (only) vendor changed."""
    vendor = report.vendors[0]
    clauses = tuple(replace(c, **changes) if c.id == clause_id else c for c in vendor.clauses)
    return replace(report, vendors=(replace(vendor, clauses=clauses),))


def render(report: Report) -> tuple[str, Node]:
    out = render_page("report.html", report=report)
    return out, parse(out)


def test_document_is_standalone_html5() -> None:
    _, doc = render(sample_report())
    html = doc.find("html")
    assert html.attrs.get("lang") == "en"
    assert doc.find("meta").attrs.get("charset") == "utf-8"
    assert "20261125T164000Z-3f2a" in doc.find("title").text()
    # Offline and inert: no scripts, no external stylesheets, nothing loaded from anywhere.
    assert doc.find_all("script") == []
    assert doc.find_all("link") == []
    assert not [n for n in doc.iter() if "src" in n.attrs]
    assert "@import" not in doc.find("style").text()
    assert "url(" not in doc.find("style").text()


@pytest.mark.parametrize("verdict", ["conforms", "violations", "incomplete"])
def test_verdict_is_the_headline(verdict: str) -> None:
    reason = "the run was interrupted before it finished" if verdict == "incomplete" else None
    _, doc = render(replace(sample_report(), verdict=verdict, incomplete_reason=reason))
    banner = doc.find("header", class_="banner")
    assert f"v-{verdict}" in banner.attrs["class"].split()
    h1 = banner.find("h1")
    assert h1.text().strip() == verdict
    assert doc.find_all("h1") == [h1]  # nothing competes with the verdict
    meta = banner.find("dl", class_="meta").text()
    for value in ("20261125T164000Z-3f2a", "0.1.0", "quick", "2026-11-25T16:40:00Z", "2026-11-25T16:40:12Z"):
        assert value in meta
    assert "12.3 s" in meta


def test_every_clause_has_anchor_verdict_and_seed_quote() -> None:
    report = sample_report()
    _, doc = render(report)
    for c in report.vendors[0].clauses:
        row = doc.by_id(c.id)
        assert row.tag == "tr"
        assert c.id in row.text()
        assert row.find("span" if c.verdict != "fail" else "a", class_="badge").text() == c.verdict
        quote = row.find("blockquote")
        assert c.quote[0] in quote.text()
        assert quote.find("cite").text() == c.seed
        assert c.rule in row.text()


def test_failure_evidence_is_shown_for_failing_clause() -> None:
    _, doc = render(sample_report())
    card = doc.by_id(f"{FAILING}--evidence")
    # The failing card links back to the clause row, and the row's badge links to the card.
    assert card.find("a").attrs["href"] == f"#{FAILING}"
    assert doc.by_id(FAILING).find("a", class_="badge").attrs["href"] == f"#{FAILING}--evidence"
    assert "test_documented_error[SF-LIST-PAGE-SIZE-MAX-21]" in card.find("dl").text()
    # The timeline ends with what was expected and what was seen.
    outcome = card.find("ol", class_="timeline").find("li", class_="outcome").text()
    assert '400 with message "page_size cannot exceed 20"' in outcome and "Seen200" in outcome
    request = card.find("pre", class_="request").text()
    assert request == f"GET {FAIL_URL}\nx-api-key: ***"
    response = card.find("pre", class_="response").text()
    assert response.splitlines()[0] == "HTTP 200  (3.1 ms)"
    assert "content-type: application/json" in response
    assert response.endswith('\n\n{"data": {"items": "<img src=x onerror=alert(1)>"}}')
    assert "open" in card.find("details", class_="exchange").attrs  # expanded, so it prints
    assert card.find("pre", class_="repro").text() == CURL


def test_a_request_body_follows_its_headers() -> None:
    failure = replace(
        sample_report().vendors[0].clauses[0].failures[0],
        exchanges=(_exchange("POST", "http://h/x", '{"k": 1}'),),
    )
    _, doc = render(with_clause(sample_report(), FAILING, failures=(failure,)))
    request = doc.by_id(f"{FAILING}--evidence").find("pre", class_="request").text()
    assert request == 'POST http://h/x\nx-api-key: ***\n\n{"k": 1}'


def test_failing_clauses_come_before_the_clause_table() -> None:
    _, doc = render(sample_report())
    document_order = [id(n) for n in doc.iter()]
    card = doc.by_id(f"{FAILING}--evidence")
    table = doc.find("table", class_="clauses")
    assert document_order.index(id(card)) < document_order.index(id(table))
    # Passing and not-run clauses get no evidence card.
    assert len(doc.find_all("article", class_="card")) == 1


def test_not_run_clauses_say_why_and_skipped_checks_are_listed() -> None:
    _, doc = render(sample_report())
    row = doc.by_id(NOT_RUN)
    badge = row.find("span", class_="badge")
    assert badge.text() == "not-run"
    assert "b-not-run" in badge.attrs["class"].split()
    notes = [n.text() for n in row.find_all("span", class_="muted")]
    assert notes == [
        "not run: not configured: set foreign_lead_ids in [superfone]",
        "skipped check test_x: not configured: set foreign_lead_ids",
    ]
    summary = doc.find("table", class_="summary")
    headers = [th.text() for th in summary.find("thead").find_all("th")]
    cells = [td.text() for td in summary.find("tbody").find_all("td")]
    assert dict(zip(headers[2:], cells[2:], strict=True)) == {
        "pass": "1",
        "fail": "1",
        "warn": "0",
        "not-run": "1",
    }


def test_dynamic_text_is_escaped() -> None:
    report = with_clause(sample_report(), PASSING, rule="<b>bold</b> & \"quoted\" 'single'")
    report = with_clause(report, NOT_RUN, id='SF-"><svg/onload=alert(3)>')
    report = replace(report, run_id='x"><script>alert(2)</script>')
    out, doc = render(report)
    # Parsed structure: the payloads produced no elements, only text.
    assert doc.find_all("script") == []
    assert doc.find_all("img") == []
    assert doc.find_all("svg") == []
    assert doc.find_all("b") == []
    assert not [n for n in doc.iter() if any(a.startswith("on") for a in n.attrs)]
    # ...and the text survives intact for the reader.
    card = doc.by_id(f"{FAILING}--evidence")
    assert "expected status 400, got 200 <script>alert(1)</script>" in card.text()
    assert "<b>bold</b> & \"quoted\" 'single'" in doc.by_id(PASSING).text()
    assert 'x"><script>alert(2)</script>' in doc.find("title").text()
    assert doc.by_id('SF-"><svg/onload=alert(3)>').tag == "tr"
    assert "<script>alert(1)" not in out


def test_undocumented_behaviours_section() -> None:
    _, doc = render(sample_report())
    section = doc.by_id("undocumented-superfone")
    assert section.find("h3").text() == "Behaviours the documents leave open (not asserted)"
    text = section.text()
    for value in (
        "SF-OPEN-PAGE-ZERO",
        "What page=0 returns.",
        "The documents say pages start at 1 but not what 0 does.",
        '400 "page must be a positive integer"',
        "001_4d090b8340652544.txt",
    ):
        assert value in text
    # Empty contradictions are omitted rather than shown as an empty heading.
    assert not [n for n in doc.iter() if n.attrs.get("id") == "contradictions-superfone"]


def test_contradictions_rendered_when_present() -> None:
    report = sample_report()
    contradiction = OpenBehaviour(
        id="SF-CONTRA-DUE-DATE",
        seed="004_e3a480ce000b28b6.txt",
        behaviour="due_date format",
        why_open="One page says epoch seconds, another ISO 8601.",
        sandbox_choice="ISO 8601",
    )
    report = replace(report, vendors=(replace(report.vendors[0], contradictions=(contradiction,)),))
    _, doc = render(report)
    section = doc.by_id("contradictions-superfone")
    assert "Contradictions" in section.find("h3").text()
    assert "One page says epoch seconds, another ISO 8601." in section.text()


def test_incomplete_run_and_stopped_vendor_show_their_reasons_prominently() -> None:
    reason = "infrastructure error: [superfone] stopped: target unreachable: connection refused"
    report = replace(sample_report(), verdict="incomplete", incomplete_reason=reason, gate="incomplete")
    report = replace(report, vendors=(replace(report.vendors[0], stopped="infrastructure error: refused"),))
    _, doc = render(report)
    banner = doc.find("header", class_="banner")
    alert = banner.find("p", class_="reason")
    assert alert.attrs.get("role") == "alert"
    assert reason in alert.text()
    assert "v-incomplete" in banner.attrs["class"].split()
    stopped = doc.by_id("vendor-superfone").find("p", class_="reason")
    assert "Stopped early: infrastructure error: refused" in stopped.text()


def test_gate_and_its_reason_are_shown() -> None:
    report = replace(
        sample_report(),
        verdict="conforms",
        gate="fail",
        gate_reason="--require-all-clauses: 1 clause(s) did not run: SF-DELETE-IDEMPOTENT",
    )
    _, doc = render(report)
    banner = doc.find("header", class_="banner")
    assert "Gate failed: --require-all-clauses" in banner.find("p", class_="reason").text()
    assert "Gatefail" in banner.find("dl", class_="meta").text().replace("\n", "")


def test_a_run_limited_to_some_clauses_says_so_beside_its_verdict() -> None:
    _, whole = render(sample_report())
    assert whole.find_all("dd", class_="selection") == []
    _, doc = render(replace(sample_report(), clauses_selected=("SF-A", "SF-B")))
    selection = doc.find("header", class_="banner").find("dd", class_="selection").text()
    assert "SF-A" in selection and "SF-B" in selection and "every other clause is not-run" in selection


def test_a_failure_the_baseline_accepts_says_so() -> None:
    failure = replace(sample_report().vendors[0].clauses[0].failures[0], known=True)
    _, doc = render(with_clause(sample_report(), FAILING, failures=(failure,)))
    assert "known: accepted by the baseline" in doc.by_id(f"{FAILING}--evidence").find("dl").text()


def test_previous_report_link() -> None:
    previous = "../20261124T101010Z-aaaa/report.html"
    _, doc = render(replace(sample_report(), previous_report=previous))
    assert doc.find("a", class_="previous").attrs["href"] == previous

    _, doc = render(sample_report())
    assert doc.find_all("a", class_="previous") == []


def _layout(doc: Node) -> str:
    return doc.find("style").text()


def test_the_diff_page_shares_the_layout_and_escapes() -> None:
    old = {"run_id": "20261124T101010Z-aaaa", "verdict": "conforms"}
    new = {"run_id": "20261125T164000Z-3f2a", "verdict": "violations"}
    change = {"vendor": "superfone", "clause": FAILING, "rule": "<i>rule</i>", "was": "pass", "now": "fail"}
    changes = {"newly_failing": [change], "fixed": [], "still_failing": [], "newly_not_run": []}
    sections = (("newly_failing", "Newly failing"), ("fixed", "Fixed"))
    doc = parse(render_page("diff.html", old=old, new=new, changes=changes, sections=sections))
    assert _layout(doc) == _layout(render(sample_report())[1])
    assert "v-violations" in doc.find("header", class_="banner").attrs["class"].split()
    newly = doc.by_id("newly_failing")
    assert newly.find("h2").text() == "Newly failing (1)"
    assert FAILING in newly.text() and "<i>rule</i>" in newly.text() and doc.find_all("i") == []
    assert doc.by_id("fixed").find("p").text() == "None."


def test_the_selftest_page_shares_the_layout() -> None:
    fault = Variant("list-page-size-21-accepted", "fault", "superfone", FAILING, "<b>accepts</b> 21")
    outcomes = [
        Outcome(Variant("correct", "correct"), "conforms", [], 1.0, 0),
        Outcome(fault, "violations", [FAILING, PASSING], 2.5, 1),
        Outcome(Variant("<script>x</script>", "fault", "superfone", NOT_RUN), "conforms", [], 1.2, 0),
    ]
    summary = {
        "faults": 2,
        "killed": 1,
        "survivors": ["<script>x</script>"],
        "false_alarms": [],
        "incomplete": [],
    }
    doc = parse(_render_html(summary, outcomes))
    assert _layout(doc) == _layout(render(sample_report())[1])
    assert doc.find_all("script") == [] and doc.find_all("b") == []
    banner = doc.find("header", class_="banner")
    assert "v-violations" in banner.attrs["class"].split()  # a survivor: the selftest fails
    assert banner.find("h1").text() == "1/2 faults killed"
    rows = {
        row.find("th").text(): row for row in doc.find("table", class_="matrix").find("tbody").find_all("tr")
    }
    assert "r-survived" in rows["<script>x</script>"].attrs["class"]
    marks = [td.text() for td in rows[fault.name].find_all("td", class_="mark")]
    assert marks == ["○", "●"]  # caught clauses in sorted order: SF-CREATE-…, then the one it breaks


# --- Example-level warnings and the generic security checks, each apart -----------------------

WARNED, SECURITY = "SF-CREATE-EXAMPLE-MESSAGE", "SEC-CREDENTIAL-NOT-REFLECTED"


def with_warning_and_security(report: Report, security_verdict: Verdict = "fail") -> Report:
    failure = report.vendors[0].clauses[0].failures[0]
    warned = _clause(WARNED, "warn", level="example", failures=(replace(failure, clause=WARNED),))
    security = _clause(
        SECURITY,
        security_verdict,
        family="security",
        section="Generic security checks (not claims of the vendor documents)",
        seed="security.yaml",
        quote=("A response never contains the credential its request carried.",),
        failures=(replace(failure, clause=SECURITY),) if security_verdict == "fail" else (),
        not_run_reason="security checks turned off (--no-security-checks)"
        if security_verdict == "not-run"
        else None,
    )
    vendor = report.vendors[0]
    counts: Counts = {"pass": 1, "fail": 1 + (security_verdict == "fail"), "warn": 1, "not-run": 1}
    vendor = replace(vendor, clauses=(*vendor.clauses, warned, security), summary=counts)
    return replace(report, vendors=(vendor,), summary=counts)


def test_a_warning_is_listed_apart_from_the_failures_with_its_evidence() -> None:
    _, doc = render(with_warning_and_security(sample_report()))
    section = doc.by_id("warnings-superfone")
    card = doc.by_id(f"{WARNED}--evidence")
    assert "warn" in card.attrs["class"].split() and card in section.find_all("article")
    assert section.find("h3").text() == "Example-level warnings (1)"
    assert (
        card.find("span", class_="badge").text() == "warn"
        and card.find("span", class_="tag").text() == "example"
    )
    assert "expected status 400" in card.text()  # its evidence, as for a failure
    row = doc.by_id(WARNED)
    assert row.find("a", class_="badge").attrs["href"] == f"#{WARNED}--evidence"
    assert "example" in row.find("span", class_="tag").text()
    assert "1 example-level warning(s)" in doc.find("header", class_="banner").text()
    headers = [th.text() for th in doc.find("table", class_="summary").find("thead").find_all("th")]
    cells = [td.text() for td in doc.find("table", class_="summary").find("tbody").find_all("td")]
    assert dict(zip(headers[2:], cells[2:], strict=True))["warn"] == "1"


def test_the_generic_security_checks_have_a_section_of_their_own() -> None:
    _, doc = render(with_warning_and_security(sample_report()))
    section = doc.by_id("security-superfone")
    assert section.find("h3").text() == "Generic security checks (1)"
    assert "Not claims of the vendor documents" in section.text()
    assert doc.by_id(SECURITY) in section.find_all("tr")
    assert doc.by_id(f"{SECURITY}--evidence") in section.find_all("article")
    documents = doc.by_id("vendor-superfone").find("table", class_="clauses")
    assert doc.by_id(SECURITY) not in documents.find_all("tr") and doc.by_id(FAILING) in documents.find_all(
        "tr"
    )


def test_how_the_run_judged_examples_and_security_is_shown() -> None:
    _, doc = render(with_warning_and_security(sample_report(), "not-run"))
    meta = doc.find("header", class_="banner").find("dl", class_="meta")
    assert "warns" in meta.find("dd", class_="strictness").text()
    assert meta.find("dd", class_="security-checks").text().startswith("on")
    report = replace(with_warning_and_security(sample_report(), "not-run"), strict_examples=True)
    _, doc = render(replace(report, security_checks=False))
    meta = doc.find("header", class_="banner").find("dl", class_="meta")
    assert "strict (--strict-examples)" in meta.find("dd", class_="strictness").text()
    assert "off (--no-security-checks)" in meta.find("dd", class_="security-checks").text()
    assert "not run: security checks turned off (--no-security-checks)" in doc.by_id(SECURITY).text()
