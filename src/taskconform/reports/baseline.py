"""Accepted failures: a reviewed text file that lets a gate pass on known failures and fail on new ones.

A failure is identified by vendor, clause and the check that found it — never by ids, timestamps or
messages, which change from run to run — so the file is stable under re-runs and diffs cleanly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["Identity", "compare", "failure_identities", "read_baseline", "write_baseline"]

Identity = tuple[str, str, str]  # vendor, clause, check

_HEADER = (
    "# taskconform baseline: accepted failures, one per line as `vendor clause check`.\n"
    "# Written by `taskconform run --baseline FILE --baseline-update`; review it like code.\n"
)


def read_baseline(path: Path) -> set[Identity]:
    entries: set[Identity] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3:
            raise ValueError(f"{path}:{number}: expected `vendor clause check`, got {line!r}")
        entries.add((parts[0], parts[1], parts[2]))
    return entries


def write_baseline(path: Path, identities: set[Identity]) -> None:
    path.write_text(
        _HEADER + "".join(f"{v} {c} {check}\n" for v, c, check in sorted(identities)), encoding="utf-8"
    )


def failure_identities(report: dict[str, Any]) -> set[Identity]:
    return {
        (vendor["vendor"], clause["id"], failure["check"])
        for vendor in report["vendors"]
        for clause in vendor["clauses"]
        for failure in clause["failures"]
    }


def compare(report: dict[str, Any], baseline: set[Identity], source: str) -> dict[str, Any]:
    """Known, new and fixed failures; entries whose clause did not run this time are unverified."""
    current = failure_identities(report)
    verdicts = {(v["vendor"], c["id"]): c["verdict"] for v in report["vendors"] for c in v["clauses"]}
    fixed = {entry for entry in baseline - current if verdicts.get(entry[:2]) in ("pass", "fail")}
    return {
        "file": source,
        "known": [list(i) for i in sorted(current & baseline)],
        "new": [list(i) for i in sorted(current - baseline)],
        "fixed": [list(i) for i in sorted(fixed)],
        "unverified": [list(i) for i in sorted(baseline - current - fixed)],
    }
