"""A run's summary in Markdown, for a CI job summary (``taskconform run --summary FILE``).

The runner renders it from report.json, the file the suite's process hands on, with a pointer to the
certification page; ``taskconform diff`` writes its own Markdown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["render_summary"]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _selection(clauses: list[str] | None) -> str:
    return f" Limited to `--clause {', '.join(clauses)}`." if clauses else ""


def _kind(clause: dict[str, Any]) -> str:
    """A failing clause that is no must clause of the document says what it is."""
    if clause["family"] == "security":
        return " (generic security check)"
    return " (example level, --strict-examples)" if clause["level"] == "example" else ""


def _scripts(clause: dict[str, Any]) -> str:
    """The clause's reproduction scripts (beside report.json), each once, with its occurrences."""
    counts: dict[str, int] = {}
    for failure in clause["failures"]:
        if failure["reproduction_file"] is not None:
            counts[failure["reproduction_file"]] = (
                counts.get(failure["reproduction_file"], 0) + failure["occurrences"]
            )
    return ", ".join(f"`{name}` ({times}x)" for name, times in counts.items()) or "none"


def _judged(report: dict[str, Any]) -> str:
    strict = " Strict examples: example-level deviations fail." if report["strict_examples"] else ""
    security = "" if report["security_checks"] else " Security checks off (`--no-security-checks`)."
    return strict + security


def render_summary(report: dict[str, Any], html: Path) -> str:
    lines = [
        f"## taskconform: {report['verdict']} (gate {report['gate']})",
        "",
        f"Run `{report['run_id']}`, profile `{report['profile']}`, suite {report['suite_version']}, "
        f"{report['duration_s']} s.{_selection(report['clauses_selected'])}{_judged(report)}",
        "",
        "| vendor | pass | fail | warn | not-run |",
        "|---|---:|---:|---:|---:|",
    ]
    for vendor in report["vendors"]:
        counts = vendor["summary"]
        lines.append(
            f"| {vendor['vendor']} | {counts['pass']} | {counts['fail']} | {counts['warn']} "
            f"| {counts['not-run']} |"
        )
    failing = [(v["vendor"], c) for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "fail"]
    if failing:
        lines += ["", "| failing clause | vendor | rule | known | reproductions |", "|---|---|---|---|---|"]
        for vendor, clause in failing:
            known = all(f["known"] for f in clause["failures"])
            lines.append(
                f"| `{clause['id']}`{_kind(clause)} | {vendor} | {_cell(clause['rule'])} "
                f"| {'yes' if known else '**new**'} | {_scripts(clause)} |"
            )
    warned = [(v["vendor"], c) for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "warn"]
    if warned:
        lines += ["", "| warning (example level, not a failure) | vendor | rule |", "|---|---|---|"]
        lines += [f"| `{clause['id']}` | {vendor} | {_cell(clause['rule'])} |" for vendor, clause in warned]
    if report["baseline"]:
        baseline = report["baseline"]
        lines += [
            "",
            f"Baseline `{baseline['file']}`: {len(baseline['known'])} known, "
            f"{len(baseline['new'])} new, {len(baseline['fixed'])} fixed.",
        ]
    not_run = [(v["vendor"], c) for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "not-run"]
    if not_run:
        lines += ["", "| clause not run | vendor | why |", "|---|---|---|"]
        lines += [
            f"| `{clause['id']}` | {vendor} | {_cell(clause['not_run_reason'])} |"
            for vendor, clause in not_run
        ]
    if report["incomplete_reason"]:
        lines += ["", f"**Incomplete:** {_cell(report['incomplete_reason'])}"]
    if report["gate_reason"]:
        lines += ["", f"**Gate failed:** {_cell(report['gate_reason'])}"]
    lines += ["", f"Certification report: `{html}`"]
    return "\n".join(lines) + "\n\n"
