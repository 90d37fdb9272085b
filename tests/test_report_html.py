"""The HTML certification report: content, structure and escaping.

Structure is checked through a small DOM built with ``html.parser`` rather than substring matching: the
parser also proves the document is balanced (every element closed in order), and escaping is verified by
the absence of parsed ``<script>`` elements, not by guessing at entity spellings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest

from taskconform.reports.html import render_html

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
    "curl -X GET 'http://127.0.0.1:54321/superfone/enterprise/api/lead/1001/task?page_size=21' "
    '-H "x-api-key: $SF_API_KEY"'
)
FAIL_URL = "http://127.0.0.1:54321/superfone/enterprise/api/lead/1001/task?page_size=21"


def sample_report() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "run_id": "20261125T164000Z-3f2a",
        "suite_version": "0.1.0",
        "profile": "quick",
        "started_at": "2026-11-25T16:40:00Z",
        "finished_at": "2026-11-25T16:40:12Z",
        "duration_s": 12.3,
        "verdict": "violations",
        "incomplete_reason": None,
        "previous_report": None,
        "summary": {"pass": 1, "fail": 1, "not-run": 1},
        "vendors": [
            {
                "vendor": "superfone",
                "title": "Superfone Enterprise API — Tasks",
                "base_url": "http://127.0.0.1:54321/superfone",
                "summary": {"pass": 1, "fail": 1, "not-run": 1},
                "clauses": [
                    {
                        "id": "SF-LIST-PAGE-SIZE-MAX",
                        "section": "List Tasks",
                        "seed": "001_4d090b8340652544.txt",
                        "quote": [
                            "page_size | number | No | 20 | Items per page. Maximum is 20 — larger values "
                            "return 400."
                        ],
                        "rule": 'page_size above 20 is rejected with 400 "page_size cannot exceed 20".',
                        "verdict": "fail",
                        "checks": ["test_documented_error[SF-LIST-PAGE-SIZE-MAX-21]"],
                        "failures": [
                            {
                                "check": "test_documented_error[SF-LIST-PAGE-SIZE-MAX-21]",
                                "message": "expected status 400, got 200 <script>alert(1)</script>",
                                "expected": '400 with message "page_size cannot exceed 20"',
                                "actual": "200",
                                "exchanges": [
                                    {
                                        "request": {
                                            "method": "GET",
                                            "url": FAIL_URL,
                                            "headers": {"x-api-key": "***"},
                                            "body": None,
                                        },
                                        "response": {
                                            "status": 200,
                                            "headers": {"content-type": "application/json"},
                                            "body": '{"data": {"items": "<img src=x onerror=alert(1)>"}}',
                                            "elapsed_ms": 3.1,
                                        },
                                    }
                                ],
                                "reproduction": CURL,
                            }
                        ],
                    },
                    {
                        "id": "SF-CREATE-TITLE-REQUIRED",
                        "section": "Create Task",
                        "seed": "002_82226e53271469da.txt",
                        "quote": ["title | string | Yes | Task title."],
                        "rule": "A task without a title is rejected with 400.",
                        "verdict": "pass",
                        "checks": ["test_documented_error[SF-CREATE-TITLE-REQUIRED]"],
                        "failures": [],
                    },
                    {
                        "id": "SF-DELETE-IDEMPOTENT",
                        "section": "Delete Task",
                        "seed": "003_37093ce25c986d01.txt",
                        "quote": ["Deleting an already-deleted task returns 404."],
                        "rule": "A second delete returns 404.",
                        "verdict": "not-run",
                        "checks": [],
                    },
                ],
                "undocumented": [
                    {
                        "id": "SF-OPEN-PAGE-ZERO",
                        "seed": "001_4d090b8340652544.txt",
                        "behaviour": "What page=0 returns.",
                        "why_open": "The documents say pages start at 1 but not what 0 does.",
                        "sandbox_choice": '400 "page must be a positive integer"',
                    }
                ],
                "contradictions": [],
            }
        ],
    }


def render(report: dict[str, Any]) -> tuple[str, Node]:
    out = render_html(report)
    return out, parse(out)


def clause(report: dict[str, Any], clause_id: str) -> dict[str, Any]:
    return next(c for v in report["vendors"] for c in v["clauses"] if c["id"] == clause_id)


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
    report = sample_report()
    report["verdict"] = verdict
    _, doc = render(report)
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
    for c in report["vendors"][0]["clauses"]:
        row = doc.by_id(c["id"])
        assert row.tag == "tr"
        assert c["id"] in row.text()
        assert row.find("span" if c["verdict"] != "fail" else "a", class_="badge").text() == c["verdict"]
        quote = row.find("blockquote")
        assert c["quote"][0] in quote.text()
        assert quote.find("cite").text() == c["seed"]
        assert c["rule"] in row.text()


def test_failure_evidence_is_shown_for_failing_clause() -> None:
    report = sample_report()
    _, doc = render(report)
    card = doc.by_id("SF-LIST-PAGE-SIZE-MAX--evidence")
    # The failing card links back to the clause row, and the row's badge links to the card.
    assert card.find("a").attrs["href"] == "#SF-LIST-PAGE-SIZE-MAX"
    assert doc.by_id("SF-LIST-PAGE-SIZE-MAX").find("a", class_="badge").attrs["href"] == (
        "#SF-LIST-PAGE-SIZE-MAX--evidence"
    )
    details = card.find("dl").text()
    assert '400 with message "page_size cannot exceed 20"' in details
    assert "test_documented_error[SF-LIST-PAGE-SIZE-MAX-21]" in details
    request = card.find("pre", class_="request").text()
    assert request.splitlines()[0] == f"GET {FAIL_URL}"
    assert "x-api-key: ***" in request
    response = card.find("pre", class_="response").text()
    assert response.splitlines()[0].startswith("HTTP 200")
    assert "content-type: application/json" in response
    assert '"<img src=x onerror=alert(1)>"' in response
    assert "open" in card.find("details", class_="exchange").attrs  # expanded, so it prints
    assert card.find("pre", class_="repro").text() == CURL


def test_failing_clauses_come_before_the_clause_table() -> None:
    _, doc = render(sample_report())
    document_order = [id(n) for n in doc.iter()]
    card = doc.by_id("SF-LIST-PAGE-SIZE-MAX--evidence")
    table = doc.find("table", class_="clauses")
    assert document_order.index(id(card)) < document_order.index(id(table))
    # Passing and not-run clauses get no evidence card.
    assert len(doc.find_all("article", class_="card")) == 1


def test_not_run_clauses_are_listed_as_not_run() -> None:
    _, doc = render(sample_report())
    row = doc.by_id("SF-DELETE-IDEMPOTENT")
    badge = row.find("span", class_="badge")
    assert badge.text() == "not-run"
    assert "b-not-run" in badge.attrs["class"].split()
    summary = doc.find("table", class_="summary")
    headers = [th.text() for th in summary.find("thead").find_all("th")]
    cells = [td.text() for td in summary.find("tbody").find_all("td")]
    assert dict(zip(headers[2:], cells[2:], strict=True)) == {"pass": "1", "fail": "1", "not-run": "1"}


def test_dynamic_text_is_escaped() -> None:
    report = sample_report()
    clause(report, "SF-CREATE-TITLE-REQUIRED")["rule"] = "<b>bold</b> & \"quoted\" 'single'"
    report["run_id"] = 'x"><script>alert(2)</script>'
    clause(report, "SF-DELETE-IDEMPOTENT")["id"] = 'SF-"><svg onload=alert(3)>'
    out, doc = render(report)
    # Parsed structure: the payloads produced no elements, only text.
    assert doc.find_all("script") == []
    assert doc.find_all("img") == []
    assert doc.find_all("svg") == []
    assert doc.find_all("b") == []
    assert not [n for n in doc.iter() if any(a.startswith("on") for a in n.attrs)]
    # ...and the text survives intact for the reader.
    card = doc.by_id("SF-LIST-PAGE-SIZE-MAX--evidence")
    assert "expected status 400, got 200 <script>alert(1)</script>" in card.text()
    assert "<b>bold</b> & \"quoted\" 'single'" in doc.by_id("SF-CREATE-TITLE-REQUIRED").text()
    assert 'x"><script>alert(2)</script>' in doc.find("title").text()
    assert doc.by_id('SF-"><svg_onload=alert(3)>').tag == "tr"  # whitespace -> _ for a valid id
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
    report["vendors"][0]["contradictions"] = [
        {
            "id": "SF-CONTRA-DUE-DATE",
            "seed": "004_e3a480ce000b28b6.txt",
            "behaviour": "due_date format",
            "why_open": "One page says epoch seconds, another ISO 8601.",
            "sandbox_choice": "ISO 8601",
        }
    ]
    _, doc = render(report)
    section = doc.by_id("contradictions-superfone")
    assert "Contradictions" in section.find("h3").text()
    assert "One page says epoch seconds, another ISO 8601." in section.text()


def test_incomplete_run_shows_reason_prominently() -> None:
    report = sample_report()
    report["verdict"] = "incomplete"
    reason = "target unreachable: connection refused to http://127.0.0.1:9"
    report["incomplete_reason"] = reason
    _, doc = render(report)
    banner = doc.find("header", class_="banner")
    alert = banner.find("p", class_="reason")
    assert alert.attrs.get("role") == "alert"
    assert reason in alert.text()
    assert "v-incomplete" in banner.attrs["class"].split()


def test_previous_report_link() -> None:
    report = sample_report()
    report["previous_report"] = "../20261124T101010Z-aaaa/report.html"
    _, doc = render(report)
    link = doc.find("a", class_="previous")
    assert link.attrs["href"] == "../20261124T101010Z-aaaa/report.html"

    report["previous_report"] = None
    _, doc = render(report)
    assert doc.find_all("a", class_="previous") == []


@pytest.mark.parametrize("target", ["javascript:alert(1)", "https://example.com/r.html", "/etc/passwd"])
def test_previous_report_only_links_relative_paths(target: str) -> None:
    report = sample_report()
    report["previous_report"] = target
    _, doc = render(report)
    assert doc.find_all("a", class_="previous") == []
    assert target in doc.find("dl", class_="meta").text()  # still shown, as plain text


def test_minimal_report_does_not_crash() -> None:
    report = {"verdict": "incomplete", "incomplete_reason": "interrupted", "vendors": [{"vendor": "leadlex"}]}
    _, doc = render(report)
    assert "interrupted" in doc.find("p", class_="reason").text()
    assert doc.by_id("vendor-leadlex")
    summary_cells = [td.text() for td in doc.find("table", class_="summary").find("tbody").find_all("td")]
    assert summary_cells[-3:] == ["0", "0", "0"]


def test_odd_exchange_shapes() -> None:
    """JSON bodies are pretty-printed; a missing response (transport error) is stated, not blank."""
    report = sample_report()
    failure = clause(report, "SF-LIST-PAGE-SIZE-MAX")["failures"][0]
    failure["exchanges"] = [
        {
            "request": {
                "method": "POST",
                "url": "http://h/x",
                "headers": [["a", "1"], ["a", "2"]],
                "body": {"k": 1},
            }
        },
    ]
    _, doc = render(report)
    card = doc.by_id("SF-LIST-PAGE-SIZE-MAX--evidence")
    request = card.find("pre", class_="request").text()
    assert "a: 1\na: 2" in request
    assert '"k": 1' in request
    assert card.find("pre", class_="response").text().startswith("(no response)")
