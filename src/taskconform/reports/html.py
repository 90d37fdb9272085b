"""Render a run's report.json as a self-contained HTML certification page.

The page is meant to be handed to a vendor as proof of conformance, so it must open offline, years later,
from a zip file or an e-mail attachment: everything (CSS included) is inline, nothing is fetched, and there
is no JavaScript. Evidence sits in ``<details open>`` so it can be collapsed on screen but still prints.

Every piece of text taken from the report is passed through :func:`_e`. Report contents come from the API
under test (response bodies, headers, error messages), so they are untrusted and must never become markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

__all__ = ["render_html"]

_VERDICT_NOTES = {
    "conforms": "Every asserted clause passed against the target.",
    "violations": "At least one documented clause is violated; evidence and reproductions follow.",
    "incomplete": "The run did not finish, so the results below are partial and certify nothing.",
}
_COUNT_KEYS = ("pass", "fail", "not-run")
_FAILURE_FIELDS = (("Check", "check"), ("Message", "message"), ("Expected", "expected"), ("Actual", "actual"))

_CSS = """
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1f2328; background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { margin-top: 2rem; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .4rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:target { outline: 3px solid #0969da; }
a { color: #0969da; }
.banner { border-radius: 10px; padding: 1.25rem 1.5rem; color: #fff; background: var(--muted); }
.banner.v-conforms { background: var(--pass); }
.banner.v-violations { background: var(--fail); }
.banner.v-incomplete { background: var(--warn); }
.banner a { color: #fff; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; opacity: .9; }
.verdict { margin: .2rem 0; font-size: 2.75rem; line-height: 1.1; text-transform: uppercase; }
.reason { background: #fff8c5; color: #1f2328; border-left: 6px solid #4d2d00; padding: .6rem .8rem;
  font-size: 1.1rem; border-radius: 4px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 1rem 0 0; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-size: .8rem;
  font-weight: 700; color: #fff; background: var(--muted); white-space: nowrap; text-decoration: none; }
.badge.b-pass { background: var(--pass); } .badge.b-fail { background: var(--fail); }
.badge.b-not-run { background: #fff; color: var(--warn); border: 1px solid var(--warn); }
blockquote { margin: .4rem 0; padding: .2rem .8rem; border-left: 4px solid var(--line); color: #32383f; }
blockquote p { margin: .2rem 0; white-space: pre-wrap; }
blockquote footer { color: var(--muted); font-size: .85rem; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 6px;
  padding: .6rem 1rem; margin: 1rem 0; }
.card h4 { margin: .2rem 0; }
.failure { border-top: 1px dashed var(--line); margin-top: .6rem; padding-top: .4rem; }
.failure dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .3rem 0; }
.failure dt { font-weight: 600; } .failure dd { margin: 0; overflow-wrap: anywhere; }
details { margin: .4rem 0; } summary { cursor: pointer; font-weight: 600; }
.open-list dt { font-weight: 600; margin-top: .6rem; } .open-list dd { margin-left: 1.2rem; }
.muted { color: var(--muted); }
footer.page { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .card, tr, .exchange, blockquote { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  summary { list-style: none; }
}
"""


def _e(value: Any) -> str:
    """Escape any value for use in text *and* attributes; ``None`` becomes the empty string."""
    return "" if value is None else escape(str(value), quote=True)


def _time(value: Any) -> str:
    """Timestamps stay as recorded (UTC ISO 8601); ``<time>`` keeps them machine-readable too."""
    return f'<time datetime="{_e(value)}">{_e(value)}</time>' if value else ""


def _anchor(clause_id: Any) -> str:
    """HTML5 ids may not contain whitespace; everything else in a clause id is kept verbatim."""
    return re.sub(r"\s+", "_", str(clause_id))


def _href_fragment(anchor: str) -> str:
    """Link to an in-page anchor; percent-encoding keeps odd characters from ending the URL early."""
    return "#" + _e(quote(anchor, safe="-._~"))


def _is_relative_link(target: Any) -> bool:
    """Only relative paths become links: the page must not point off-box or carry ``javascript:`` URLs."""
    if not isinstance(target, str) or not target.strip():
        return False
    parts = urlsplit(target.strip())
    return not parts.scheme and not parts.netloc and not target.strip().startswith(("/", "\\"))


def _counts(summary: Mapping[str, Any] | None, clauses: Iterable[Mapping[str, Any]] = ()) -> dict[str, int]:
    """Use the recorded summary; fall back to counting clause verdicts when it is missing."""
    if summary:
        return {k: int(summary.get(k) or 0) for k in _COUNT_KEYS}
    counts = dict.fromkeys(_COUNT_KEYS, 0)
    for clause in clauses:
        verdict = clause.get("verdict")
        if verdict in counts:
            counts[verdict] += 1
    return counts


def _badge(verdict: Any, href: str | None = None) -> str:
    """A coloured pill whose text is the verdict word itself, so it survives greyscale printing."""
    v = str(verdict or "unknown")
    cls = f"badge b-{_e(v)}"
    if href:
        return f'<a class="{cls}" href="{href}">{_e(v)}</a>'
    return f'<span class="{cls}">{_e(v)}</span>'


def _text_block(value: Any) -> str:
    """Bodies may be text or already-parsed JSON; show JSON pretty-printed so diffs are readable."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _header_lines(headers: Any) -> list[str]:
    """Headers arrive as a mapping or as ``[name, value]`` pairs (repeated headers); accept both."""
    if isinstance(headers, Mapping):
        items: Iterable[Any] = headers.items()
    elif isinstance(headers, list):
        items = (pair for pair in headers if isinstance(pair, list | tuple) and len(pair) == 2)
    else:
        return []
    return [f"{name}: {value}" for name, value in items]


def _quote(clause: Mapping[str, Any]) -> str:
    """The seed quote is the clause's authority, so it is shown verbatim with the seed file it came from."""
    lines = clause.get("quote") or []
    if isinstance(lines, str):
        lines = [lines]
    if not lines and not clause.get("seed"):
        return ""
    body = "".join(f"<p>{_e(line)}</p>" for line in lines)
    cite = f"<footer>— <cite>{_e(clause.get('seed'))}</cite></footer>" if clause.get("seed") else ""
    return f"<blockquote>{body}{cite}</blockquote>"


def _exchange(index: int, total: int, exchange: Mapping[str, Any]) -> str:
    """One request/response pair, laid out like an HTTP transcript so it can be compared with a proxy log."""
    req = exchange.get("request") or {}
    resp = exchange.get("response")
    request_line = f"{req.get('method', '?')} {req.get('url', '')}"
    req_text = "\n".join([request_line, *_header_lines(req.get("headers"))])
    if req.get("body") is not None:
        req_text += "\n\n" + _text_block(req.get("body"))
    if resp:
        elapsed = resp.get("elapsed_ms")
        status_line = f"HTTP {resp.get('status', '?')}" + (f"  ({elapsed} ms)" if elapsed is not None else "")
        resp_text = "\n".join([status_line, *_header_lines(resp.get("headers"))])
        if resp.get("body") is not None:
            resp_text += "\n\n" + _text_block(resp.get("body"))
        outcome = str(resp.get("status", "?"))
    else:
        resp_text = f"(no response) {exchange.get('error') or ''}".rstrip()
        outcome = "no response"
    return (
        '<details class="exchange" open>'
        f"<summary>Exchange {index} of {total}: {_e(request_line)} → {_e(outcome)}</summary>"
        f'<pre class="request">{_e(req_text)}</pre>'
        f'<pre class="response">{_e(resp_text)}</pre>'
        "</details>"
    )


def _failure(failure: Mapping[str, Any]) -> str:
    """Expected vs actual first (the argument), then the raw exchanges and a curl line (the proof)."""
    rows = "".join(
        f"<dt>{label}</dt><dd>{_e(failure.get(key))}</dd>"
        for label, key in _FAILURE_FIELDS
        if failure.get(key) is not None
    )
    exchanges = failure.get("exchanges") or []
    parts = [f'<div class="failure"><dl>{rows}</dl>']
    parts += [_exchange(i, len(exchanges), ex) for i, ex in enumerate(exchanges, 1)]
    if failure.get("reproduction"):
        parts.append(
            f'<p>Reproduce:</p><pre class="repro"><code>{_e(failure.get("reproduction"))}</code></pre>'
        )
    parts.append("</div>")
    return "".join(parts)


def _failing_card(clause: Mapping[str, Any]) -> str:
    """Failing clauses are shown first, in full, because they are what the reader has to act on."""
    anchor = _anchor(clause.get("id"))
    failures = clause.get("failures") or []
    detail = "".join(_failure(f) for f in failures) or '<p class="muted">No failure details recorded.</p>'
    return (
        f'<article class="card" id="{_e(anchor)}--evidence">'
        f'<h4><a href="{_href_fragment(anchor)}">{_e(clause.get("id"))}</a> {_badge("fail")} '
        f'<span class="muted">{_e(clause.get("section"))}</span></h4>'
        f"<p>{_e(clause.get('rule'))}</p>{_quote(clause)}{detail}</article>"
    )


def _clause_row(clause: Mapping[str, Any]) -> str:
    """One table row per clause; the row carries the clause id as its anchor so reports can deep-link."""
    anchor = _anchor(clause.get("id"))
    verdict = clause.get("verdict")
    href = f"{_href_fragment(anchor)}--evidence" if verdict == "fail" else None
    notes = [f"not run: {clause['not_run_reason']}"] if clause.get("not_run_reason") else []
    notes += [f"skipped check {skip}" for skip in clause.get("skipped_checks") or []]
    note_html = "".join(f'<br><span class="muted">{_e(note)}</span>' for note in notes)
    return (
        f'<tr id="{_e(anchor)}" class="clause v-{_e(verdict)}">'
        f"<td><code>{_e(clause.get('id'))}</code></td><td>{_e(clause.get('section'))}</td>"
        f"<td>{_e(clause.get('rule'))}{_quote(clause)}</td>"
        f'<td class="verdict-cell">{_badge(verdict, href)}{note_html}</td></tr>'
    )


def _open_list(title: str, css_id: str, entries: list[Mapping[str, Any]]) -> str:
    """Undocumented behaviours and contradictions share a shape: say what, why it is open, what we chose."""
    if not entries:
        body = '<p class="muted">None recorded.</p>'
    else:
        items = []
        for entry in entries:
            seed = f' <span class="muted">({_e(entry.get("seed"))})</span>' if entry.get("seed") else ""
            items.append(
                f"<dt><code>{_e(entry.get('id'))}</code> {_e(entry.get('behaviour'))}{seed}</dt>"
                f"<dd>{_e(entry.get('why_open'))}</dd>"
                + (
                    f"<dd>Sandbox choice: <code>{_e(entry.get('sandbox_choice'))}</code></dd>"
                    if entry.get("sandbox_choice")
                    else ""
                )
            )
        body = f'<dl class="open-list">{"".join(items)}</dl>'
    return f'<section id="{_e(css_id)}"><h3>{_e(title)}</h3>{body}</section>'


def _vendor_section(vendor: Mapping[str, Any]) -> str:
    """Failures, then every clause, then what was deliberately not asserted."""
    name = str(vendor.get("vendor") or "vendor")
    clauses = [c for c in vendor.get("clauses") or [] if isinstance(c, Mapping)]
    failing = [c for c in clauses if c.get("verdict") == "fail"]
    parts = [
        f'<section class="vendor" id="vendor-{_e(_anchor(name))}">',
        f'<h2>{_e(vendor.get("title") or name)} <small class="muted">({_e(name)})</small></h2>',
    ]
    if vendor.get("base_url"):
        parts.append(f"<p>Target: <code>{_e(vendor.get('base_url'))}</code></p>")
    if vendor.get("stopped"):
        parts.append(
            f'<p class="reason" role="alert"><strong>Stopped early:</strong> {_e(vendor["stopped"])}</p>'
        )
    parts.append(f"<h3>Failing clauses ({len(failing)})</h3>")
    parts.append("".join(_failing_card(c) for c in failing) or '<p class="muted">No failing clauses.</p>')
    parts.append(f"<h3>All clauses ({len(clauses)})</h3>")
    if clauses:
        parts.append(
            '<table class="clauses"><thead><tr><th>Clause</th><th>Section</th>'
            "<th>Rule and seed quote</th><th>Verdict</th></tr></thead><tbody>"
            + "".join(_clause_row(c) for c in clauses)
            + "</tbody></table>"
        )
    else:
        parts.append('<p class="muted">No clauses were recorded for this vendor.</p>')
    parts.append(
        _open_list(
            "Behaviours the documents leave open (not asserted)",
            f"undocumented-{_anchor(name)}",
            list(vendor.get("undocumented") or []),
        )
    )
    if vendor.get("contradictions"):
        parts.append(
            _open_list(
                "Contradictions between the documents (not asserted)",
                f"contradictions-{_anchor(name)}",
                list(vendor["contradictions"]),
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _summary_table(report: Mapping[str, Any]) -> str:
    """One row per vendor plus a total, so the whole result fits in a glance before the detail."""
    rows = []
    for vendor in report.get("vendors") or []:
        c = _counts(vendor.get("summary"), vendor.get("clauses") or [])
        name = str(vendor.get("vendor") or "vendor")
        rows.append(
            f'<tr><td><a href="{_href_fragment("vendor-" + _anchor(name))}">{_e(name)}</a></td>'
            f"<td>{_e(vendor.get('title'))}</td>"
            + "".join(f'<td class="num">{c[k]}</td>' for k in _COUNT_KEYS)
            + "</tr>"
        )
    total = _counts(report.get("summary"))
    foot = (
        '<tfoot><tr><th colspan="2">Total</th>'
        + "".join(f'<th class="num">{total[k]}</th>' for k in _COUNT_KEYS)
        + "</tr></tfoot>"
    )
    return (
        '<section id="summary"><h2>Summary</h2><table class="summary"><thead><tr><th>Vendor</th>'
        '<th>API</th><th class="num">pass</th><th class="num">fail</th><th class="num">not-run</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody>{foot}</table></section>"
    )


def _banner(report: Mapping[str, Any]) -> str:
    """The verdict is the first and largest thing on the page; an incomplete run says why right under it."""
    verdict = str(report.get("verdict") or "unknown")
    parts = [
        f'<header class="banner v-{_e(verdict)}">',
        '<p class="eyebrow">taskconform certification report</p>',
        f'<h1 class="verdict">{_e(verdict)}</h1>',
        f"<p>{_e(_VERDICT_NOTES.get(verdict, 'Unrecognised verdict.'))}</p>",
    ]
    if verdict == "incomplete" or report.get("incomplete_reason"):
        reason = report.get("incomplete_reason") or "no reason was recorded"
        parts.append(f'<p class="reason" role="alert"><strong>Run incomplete:</strong> {_e(reason)}</p>')
    if report.get("gate_reason"):
        parts.append(
            f'<p class="reason" role="alert"><strong>Gate failed:</strong> {_e(report["gate_reason"])}</p>'
        )
    duration = report.get("duration_s")
    meta = [
        ("Run id", f"<code>{_e(report.get('run_id'))}</code>"),
        ("Suite version", _e(report.get("suite_version"))),
        ("Profile", _e(report.get("profile"))),
        ("Started", _time(report.get("started_at"))),
        ("Finished", _time(report.get("finished_at"))),
        ("Duration", f"{duration:.1f} s" if isinstance(duration, int | float) else _e(duration)),
    ]
    previous = report.get("previous_report")
    if _is_relative_link(previous):
        meta.append(("Previous report", f'<a class="previous" href="{_e(previous)}">{_e(previous)}</a>'))
    elif previous:
        meta.append(("Previous report", _e(previous)))
    parts.append('<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>")
    parts.append("</header>")
    return "".join(parts)


def render_html(report: dict) -> str:
    """Return a complete, standalone HTML5 document for one run's (already redacted) report dict."""
    verdict = str(report.get("verdict") or "unknown")
    vendors = [v for v in report.get("vendors") or [] if isinstance(v, Mapping)]
    body = "\n".join(
        [
            _banner(report),
            "<main>",
            _summary_table(report),
            *(_vendor_section(v) for v in vendors),
            "</main>",
            f'<footer class="page">Generated by taskconform {_e(report.get("suite_version"))} '
            f"from report schema v{_e(report.get('schema_version'))}. Clauses marked "
            "<em>not-run</em> were not exercised and are not certified.</footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>taskconform: {_e(verdict)} ({_e(report.get('run_id'))})</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
