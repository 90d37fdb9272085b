"""``taskconform diff OLD NEW``: what newly fails, what was fixed, what still fails, what no longer runs.

It reads only what every version of report.json holds (run id, verdicts, clause ids and rules), so
a run can be compared with one written by an older taskconform.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .pages import render_page

__all__ = ["compare_reports", "diff_reports", "render_markdown"]

Key = tuple[str, str]  # vendor, clause

_SECTIONS = (
    ("newly_failing", "Newly failing"),
    ("fixed", "Fixed"),
    ("still_failing", "Still failing"),
    ("newly_not_run", "Newly not run"),
)


def _verdicts(report: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(v["vendor"], c["id"]): c for v in report["vendors"] for c in v["clauses"]}


def compare_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    before, after = _verdicts(old), _verdicts(new)

    def was(key: Key) -> str:
        return before[key]["verdict"] if key in before else "absent"

    changes: dict[str, list[dict[str, str]]] = {name: [] for name, _ in _SECTIONS}
    for key, clause in sorted(after.items()):
        entry = {
            "vendor": key[0],
            "clause": key[1],
            "rule": clause["rule"],
            "was": was(key),
            "now": clause["verdict"],
        }
        if clause["verdict"] == "fail":
            changes["still_failing" if was(key) == "fail" else "newly_failing"].append(entry)
        elif clause["verdict"] == "pass" and was(key) == "fail":
            changes["fixed"].append(entry)
        elif clause["verdict"] == "not-run" and was(key) != "not-run":
            changes["newly_not_run"].append(entry)
    return changes


def render_markdown(
    old: dict[str, Any], new: dict[str, Any], changes: dict[str, list[dict[str, str]]]
) -> str:
    lines = [
        f"# taskconform: run {new['run_id']} against {old['run_id']}",
        "",
        f"Verdict {old['verdict']} → {new['verdict']}.",
        "",
    ]
    for name, title in _SECTIONS:
        lines.append(f"## {title} ({len(changes[name])})")
        lines += [
            f"- `{c['clause']}` ({c['vendor']}): {c['rule']} — was {c['was']}, now {c['now']}"
            for c in changes[name]
        ] or ["- none"]
        lines.append("")
    return "\n".join(lines)


def diff_reports(old_path: Path, new_path: Path, out: Path | None = None) -> int:
    try:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (old_path, new_path))
    except (OSError, ValueError) as exc:
        print(f"taskconform: cannot read a report: {exc}")
        return 2
    changes = compare_reports(old, new)
    markdown = render_markdown(old, new, changes)
    out = out or new_path.parent
    out.mkdir(parents=True, exist_ok=True)
    (out / "diff.md").write_text(markdown, encoding="utf-8")
    (out / "diff.html").write_text(
        render_page("diff.html", old=old, new=new, changes=changes, sections=_SECTIONS), encoding="utf-8"
    )
    (out / "diff.json").write_text(json.dumps(changes, indent=2) + "\n", encoding="utf-8")
    print(markdown)
    return 0
