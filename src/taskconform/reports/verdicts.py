"""From test records to verdicts: per clause, per vendor, and whether the run is complete.

A clause fails when any test found it broken, passes when some test that ran to its end exercised
it without finding it broken, and is ``not-run`` otherwise, with the reason. An example-level clause
found broken is a warning (``warn``) unless the run is strict (``--strict-examples``): only an example
shows what it asks. A run in which a vendor stopped early, the target failed or the suite crashed is
``incomplete`` whatever else it found: it certifies nothing about what did not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..catalogue import Clause, load_catalogue
from .model import (
    ClauseResult,
    ConcurrencyChange,
    Counts,
    Failure,
    NotCheckable,
    ReportedExchange,
    SlowTest,
    TestsSummary,
    VendorResult,
    Verdict,
)
from .records import RunInfo, TestRecord, VendorInfo
from .scripts import shell_reproduction

__all__ = ["count", "incomplete_reason", "tests_summary", "vendor_result"]

# Errors that stop a vendor, in the order a reason is looked for: the most fundamental first.
_STOPPING_ERRORS = ("configuration", "infrastructure")


def vendor_result(
    vendor: VendorInfo,
    records: Sequence[TestRecord],
    collected: int,
    ended_early: str | None,
    run: RunInfo,
) -> VendorResult:
    """``collected``: how many of the vendor's tests the processes that ran them collected."""
    catalogue = load_catalogue(vendor.name)
    mine = [r for r in records if r.vendor == vendor.name]
    stopped = _stopped(mine, collected, ended_early)
    clauses = tuple(_clause_result(clause, mine, stopped, run) for clause in catalogue.clauses)
    return VendorResult(
        vendor=vendor.name,
        stopped=stopped,
        title=catalogue.title,
        base_url=vendor.base_url,
        config=dict(vendor.config),
        summary=count(clauses),
        clauses=clauses,
        not_checkable=tuple(NotCheckable(c.id, c.seed, c.quote, c.rule) for c in catalogue.not_checkable),
        undocumented=catalogue.undocumented,
        contradictions=catalogue.contradictions,
    )


def count(clauses: Iterable[ClauseResult]) -> Counts:
    counts: Counts = {"pass": 0, "fail": 0, "warn": 0, "not-run": 0}
    for clause in clauses:
        counts[clause.verdict] += 1
    return counts


def incomplete_reason(
    records: Sequence[TestRecord], vendors: Sequence[VendorResult], interrupted: bool
) -> str | None:
    """Why the run certifies nothing, or None if it ran to its end."""
    stops = [(v.vendor, v.stopped) for v in vendors if v.stopped]
    for kind in _STOPPING_ERRORS:
        for name, why in stops:
            if why.startswith(kind):
                return f"{kind} error: [{name}] stopped: {why.removeprefix(kind + ' error: ')}"
    for record in records:
        if record.error and record.error[0] == "suite":
            return f"suite error: {record.error[1]}"
    if interrupted:
        return "the run was interrupted before it finished"
    if not any(r.exercised for r in records):
        return "configuration error: no test checked any clause (were they all deselected?)"
    if stops:
        return "; ".join(f"[{name}] stopped: {why}" for name, why in stops)
    return None


def tests_summary(records: Sequence[TestRecord], concurrency: int) -> TestsSummary:
    backoffs: dict[str, int] = {}
    for record in records:
        for status, times in record.backoffs.items():
            backoffs[status] = backoffs.get(status, 0) + times
    return TestsSummary(
        run=len(records),
        errors=sum(1 for r in records if r.error),
        requests=sum(r.requests for r in records),
        test_time_s=round(sum(r.duration_s for r in records), 3),
        generation_s=round(sum(r.generation_s for r in records), 3),
        backoffs=dict(sorted(backoffs.items())),
        backoff_wait_s=round(sum(r.backoff_wait_s for r in records), 3),
        concurrency=concurrency,
        concurrency_changes=tuple(
            ConcurrencyChange(**change) for r in records for change in r.concurrency_changes
        ),
        lanes=max((r.lanes for r in records), default=1),
        slowest=tuple(
            SlowTest(r.name, r.vendor, r.duration_s, r.requests)
            for r in sorted(records, key=lambda r: -r.duration_s)[:12]
        ),
    )


def _stopped(records: Sequence[TestRecord], collected: int, ended_early: str | None) -> str | None:
    """Why a tested vendor did not run to its end, or None if every one of its tests ran."""
    for kind in _STOPPING_ERRORS:
        for record in records:
            if record.error and record.error[0] == kind:
                return f"{kind} error: {record.error[1]}"
    if collected == 0:
        return "no test of this vendor ran (were they all deselected?)"
    if len(records) < collected:
        why = f": {ended_early}" if ended_early else ""
        return f"{collected - len(records)} of its {collected} tests did not run{why}"
    return None


def _clause_result(
    clause: Clause, records: Sequence[TestRecord], stopped: str | None, run: RunInfo
) -> ClauseResult:
    failures = tuple(
        _failure(record, finding)
        for record in records
        for finding in record.findings
        if finding["clause"] == clause.id
    )
    # A test that crashed or lost its target did not finish: what it exercised is not a pass.
    exercised = any(clause.id in r.exercised for r in records if r.error is None)
    verdict: Verdict = _broken(clause, run) if failures else "pass" if exercised else "not-run"
    return ClauseResult(
        id=clause.id,
        section=clause.section,
        seed=clause.seed,
        quote=clause.quote,
        rule=clause.rule,
        level=clause.level,
        family=clause.family,
        verdict=verdict,
        not_run_reason=_not_run_reason(clause, records, stopped, run) if verdict == "not-run" else None,
        skipped_checks=tuple(
            sorted({f"{r.name}: {r.skipped}" for r in records if clause.id in r.declared and r.skipped})
        ),
        checks=tuple(
            sorted({r.name for r in records if clause.id in r.declared or clause.id in r.exercised})
        ),
        failures=failures,
    )


def _broken(clause: Clause, run: RunInfo) -> Verdict:
    """A broken must clause fails; a broken example-level one only warns, unless the run is strict."""
    return "warn" if clause.level == "example" and not run.strict_examples else "fail"


def _not_run_reason(clause: Clause, records: Sequence[TestRecord], stopped: str | None, run: RunInfo) -> str:
    if clause.family == "security" and not run.security_checks:
        return "security checks turned off (--no-security-checks)"
    clause_id = clause.id
    # A security check runs on every answer: every test of the vendor is one of its checks.
    mine = list(records) if clause.family == "security" else [r for r in records if clause_id in r.declared]
    skipped = sorted({r.skipped for r in mine if r.skipped})
    crashed: dict[tuple[str, str], list[str]] = {}
    for record in mine:
        if record.error:
            crashed.setdefault(record.error, []).append(record.name)
    if stopped is not None:
        return f"vendor stopped: {stopped}"
    if crashed:
        return "; ".join(
            f"{kind} error in {_names(names)}: {message}" for (kind, message), names in crashed.items()
        )
    if skipped:
        return "; ".join(skipped)
    if mine:
        return f"profile too small: its checks ran but met no case of it at profile {run.profile}"
    if run.clauses:
        return f"not selected: the run was limited to --clause {', '.join(run.clauses)}"
    return "no check of this version exercises it"


def _failure(record: TestRecord, finding: dict[str, Any]) -> Failure:
    steps = tuple(ReportedExchange.from_json(exchange) for exchange in finding["exchanges"])
    return Failure(
        clause=finding["clause"],
        expected=finding["expected"],
        actual=finding["actual"],
        exchanges=steps,
        check=record.name,
        message=_one_line(finding),
        reproduction=shell_reproduction(finding, steps, record.name),
    )


def _names(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(sorted(names)[:shown]) + more


def _one_line(finding: dict[str, Any]) -> str:
    actual = finding["actual"] if len(finding["actual"]) <= 120 else finding["actual"][:120] + "…"
    return f"expected {finding['expected']}; got {actual}"
