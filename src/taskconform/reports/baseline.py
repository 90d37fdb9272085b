"""Accepted failures: a reviewed text file that lets a gate pass on known failures and fail on new ones.

A failure is identified by vendor, clause and the check that found it — never by ids, timestamps or
messages, which change from run to run — so the file is stable under re-runs and diffs cleanly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .model import BaselineResult, Identity, VendorResult

__all__ = ["compare", "failure_identities", "mark_known", "read_baseline", "write_baseline"]

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


def failure_identities(vendors: Sequence[VendorResult]) -> set[Identity]:
    """The failures that fail a gate: a warning (an example-level deviation) needs no acceptance."""
    return {
        failure.identity(vendor.vendor)
        for vendor in vendors
        for clause in vendor.clauses
        if clause.verdict == "fail"
        for failure in clause.failures
    }


def compare(vendors: Sequence[VendorResult], baseline: set[Identity], source: str) -> BaselineResult:
    """Known, new and fixed failures; entries whose clause did not run this time are unverified."""
    current = failure_identities(vendors)
    verdicts = {(v.vendor, c.id): c.verdict for v in vendors for c in v.clauses}
    fixed = {entry for entry in baseline - current if verdicts.get(entry[:2]) in ("pass", "fail")}
    return BaselineResult(
        file=source,
        known=tuple(sorted(current & baseline)),
        new=tuple(sorted(current - baseline)),
        fixed=tuple(sorted(fixed)),
        unverified=tuple(sorted(baseline - current - fixed)),
    )


def mark_known(vendors: Sequence[VendorResult], accepted: set[Identity]) -> tuple[VendorResult, ...]:
    """The same results, each failure saying whether the baseline accepts it."""
    return tuple(
        replace(
            vendor,
            clauses=tuple(
                replace(
                    clause,
                    failures=tuple(
                        replace(failure, known=failure.identity(vendor.vendor) in accepted)
                        for failure in clause.failures
                    ),
                )
                for clause in vendor.clauses
            ),
        )
        for vendor in vendors
    )
