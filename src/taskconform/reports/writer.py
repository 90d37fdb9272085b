"""The run's reports: the verdicts and the gate, written once as report.json, junit.xml and report.html.

The controller gathers every test's record while the run goes on; at the end the records become
one typed :class:`~.model.Report` (verdicts, then the baseline and ``--require-all-clauses`` for the
gate), and every file is rendered from that one value, through the run's redactor.

Beside them, ``repro/`` holds the reproductions: one script per distinct sequence of requests (a
failure found again and again on the same requests is one failure with its count of occurrences,
and clauses broken by the same sequence share its script), and per failing clause its sequences as
HAR.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from .baseline import compare, failure_identities, mark_known, read_baseline, write_baseline
from .har import har_document
from .junit import render_junit
from .model import (
    BaselineResult,
    CleanupNote,
    ClosedTasks,
    Failure,
    Gate,
    Report,
    RequestKey,
    RunVerdict,
    VendorResult,
)
from .pages import render_page
from .provenance import provenance
from .records import RunInfo, TestRecord
from .verdicts import count, incomplete_reason, tests_summary, vendor_result

__all__ = ["RunCollector", "new_run_id"]


def new_run_id() -> str:
    """Sortable by time (the HTML report links to the previous run by this order), unique by suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:4]


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class RunCollector:
    def __init__(self, info: RunInfo, report_root: Path) -> None:
        self.info = info
        self.report_root = report_root
        self.started = _now()
        self.records: list[TestRecord] = []
        self.report: Report | None = None
        # What --cleanup closed, as the run state returns it (None: cleanup was off).
        self.cleanup: list[dict[str, Any]] | None = None
        # Accepted failures (None: no baseline) and whether to rewrite them from this run.
        self.baseline_path: Path | None = None
        self.update_baseline = False
        # Certification: a clause of a tested vendor that did not run fails the gate.
        self.require_all_clauses = False
        # Tests collected per vendor (sent by the processes that ran them); None until a record came.
        self.collected: dict[str, int] | None = None

    def add(self, record: TestRecord) -> None:
        self.records.append(record)

    def created(self) -> dict[str, dict[Any, set[Any]]]:
        tasks: dict[str, dict[Any, set[Any]]] = {}
        for record in self.records:
            for vendor, owner, task_id in record.created:
                tasks.setdefault(vendor, {}).setdefault(owner, set()).add(task_id)
        return tasks

    def finish(self, interrupted: bool = False, ended_early: str | None = None) -> Path:
        run_dir = self.report_root / self.info.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        report = self.report = self._build(interrupted, ended_early)
        redact = self.info.redact
        (run_dir / "report.json").write_text(
            redact(json.dumps(report.to_json(), indent=2, ensure_ascii=False)) + "\n"
        )
        (run_dir / "junit.xml").write_text(redact(render_junit(report)))
        (run_dir / "report.html").write_text(redact(render_page("report.html", report=report)))
        _write_reproductions(run_dir, report, redact)
        _write_hars(run_dir, report, self.started, redact)
        latest = self.report_root / "latest"
        shutil.rmtree(latest, ignore_errors=True)
        shutil.copytree(run_dir, latest)
        return run_dir

    def _build(self, interrupted: bool, ended_early: str | None) -> Report:
        finished = _now()
        collected = self.collected or {}
        vendors = _distinct_failures(
            vendor_result(vendor, self.records, collected.get(vendor.name, 0), ended_early, self.info)
            for vendor in self.info.vendors
        )
        summary = count(clause for vendor in vendors for clause in vendor.clauses)
        reason = incomplete_reason(self.records, vendors, interrupted)
        verdict: RunVerdict = "incomplete" if reason else "violations" if summary["fail"] else "conforms"
        # The gate passes with no failure or only accepted ones; an incomplete run proves nothing.
        gate: Gate = "incomplete" if reason else "fail" if summary["fail"] else "pass"
        baseline = None
        if self.baseline_path is not None:
            baseline = self._compare_with_baseline(self.baseline_path, vendors, gate)
            vendors = mark_known(vendors, set(baseline.known))
            if gate == "fail" and not baseline.new:
                gate = "pass"
        not_run = [c.id for v in vendors for c in v.clauses if c.verdict == "not-run"]
        gate_reason = None
        if gate == "pass" and self.require_all_clauses and not_run:
            gate = "fail"
            gate_reason = f"--require-all-clauses: {len(not_run)} clause(s) did not run: {', '.join(not_run)}"
        return Report(
            run_id=self.info.run_id,
            suite_version=__version__,
            profile=self.info.profile,
            started_at=_iso(self.started),
            finished_at=_iso(finished),
            duration_s=round((finished - self.started).total_seconds(), 2),
            verdict=verdict,
            incomplete_reason=reason,
            previous_report=_previous_report(self.report_root, self.info.run_id),
            summary=summary,
            tests=tests_summary(self.records, self.info.concurrency),
            cleanup=None if self.cleanup is None else tuple(_cleanup_entry(c) for c in self.cleanup),
            vendors=vendors,
            baseline=baseline,
            require_all_clauses=self.require_all_clauses,
            clauses_selected=self.info.clauses or None,
            strict_examples=self.info.strict_examples,
            security_checks=self.info.security_checks,
            gate_reason=gate_reason,
            gate=gate,
            provenance=provenance(self.info, self.records),
        )

    def _compare_with_baseline(
        self, path: Path, vendors: tuple[VendorResult, ...], gate: Gate
    ) -> BaselineResult:
        if self.update_baseline and gate != "incomplete":
            write_baseline(path, failure_identities(vendors))
        accepted = read_baseline(path) if path.exists() else set()
        return compare(vendors, accepted, str(path))

    def summary_lines(self) -> list[str]:
        """The console's account of the finished run."""
        if self.report is None:
            raise RuntimeError("summary_lines() before finish()")
        return _summary_lines(self.report)


# How the console names a clause that is not one of the document's must clauses.
_KIND = {("security", "must"): " (security)", ("document", "example"): " (example)"}


def _summary_lines(report: Report) -> list[str]:
    lines = [f"{'vendor':<12} {'pass':>5} {'fail':>5} {'warn':>5} {'not-run':>8}"]
    for vendor in report.vendors:
        counts = vendor.summary
        lines.append(
            f"{vendor.vendor:<12} {counts['pass']:>5} {counts['fail']:>5} {counts['warn']:>5} "
            f"{counts['not-run']:>8}"
        )
        if vendor.stopped:
            lines.append(f"  STOPPED: {vendor.stopped}")
        for clause in vendor.clauses:
            kind = _KIND.get((clause.family, clause.level), "")
            if clause.verdict == "fail":
                known = " (known)" if all(f.known for f in clause.failures) else ""
                lines.append(f"  FAIL{known}{kind} {clause.id}: {clause.rule}")
            elif clause.verdict == "warn":
                lines.append(f"  WARN{kind} {clause.id}: {clause.rule} ({clause.failures[0].message})")
        not_run: dict[str, list[str]] = {}
        for clause in vendor.clauses:
            if clause.not_run_reason is not None:
                not_run.setdefault(clause.not_run_reason, []).append(clause.id)
        lines += [f"  NOT-RUN {', '.join(ids)}: {reason}" for reason, ids in not_run.items()]
        lines += [
            f"  PART NOT RUN {clause.id}: check {skipped}"
            for clause in vendor.clauses
            if clause.verdict != "not-run"
            for skipped in clause.skipped_checks
        ]
    if report.cleanup is not None:
        closed = [c for c in report.cleanup if isinstance(c, ClosedTasks) and c.closed]
        total = sum(len(c.closed) for c in closed)
        where = "; ".join(f"{c.vendor} {c.record}: {', '.join(map(str, c.closed))}" for c in closed)
        lines.append(
            f"cleanup: closed {total} open task(s) the run created" + (f" ({where})" if where else "")
        )
        lines += [f"cleanup: {c.vendor}: {c.note}" for c in report.cleanup if isinstance(c, CleanupNote)]
    tests = report.tests
    if tests.backoffs:
        waits = ", ".join(f"{times} after {status}" for status, times in tests.backoffs.items())
        lines.append(f"back-offs: {waits} ({tests.backoff_wait_s} s waited; not violations)")
    lowered = [c for c in tests.concurrency_changes if c.status is not None]
    if lowered:
        statuses = "/".join(sorted({str(c.status) for c in lowered}))
        lines.append(
            f"concurrency {tests.concurrency}: halved {len(lowered)} time(s) after {statuses}, down to "
            f"{min(c.limit for c in lowered)} (every change in report.json)"
        )
    if report.baseline is not None:
        baseline = report.baseline
        lines.append(
            f"baseline {baseline.file}: {len(baseline.known)} known, {len(baseline.new)} new, "
            f"{len(baseline.fixed)} fixed failure(s)"
        )
        lines += [f"  NEW {v} {c} ({check})" for v, c, check in baseline.new]
        lines += [f"  FIXED {v} {c} ({check})" for v, c, check in baseline.fixed]
    if report.incomplete_reason:
        lines.append(f"INCOMPLETE: {report.incomplete_reason}")
    if report.gate_reason:
        lines.append(f"GATE FAIL: {report.gate_reason}")
    if report.summary["warn"]:
        strict = "" if report.strict_examples else "; --strict-examples makes them fail the gate"
        lines.append(f"warnings: {report.summary['warn']} example-level deviation(s), not failures{strict}")
    run = f"run {report.run_id}, profile {report.profile}"
    if report.clauses_selected:
        run += f", limited to --clause {', '.join(report.clauses_selected)}"
    if report.strict_examples:
        run += ", strict examples"
    if not report.security_checks:
        run += ", security checks off"
    lines.append(f"verdict: {report.verdict}, gate: {report.gate} ({run})")
    return lines


def _cleanup_entry(raw: dict[str, Any]) -> ClosedTasks | CleanupNote:
    if "note" in raw:
        return CleanupNote(raw["vendor"], raw["note"])
    return ClosedTasks(raw["vendor"], raw["record"], tuple(raw["closed"]))


def _distinct_failures(vendors: Iterable[VendorResult]) -> tuple[VendorResult, ...]:
    """The vendors with each clause's failures merged by check and requests (the first one found
    stands for the rest, with their count), each naming the script that replays its requests: one
    per distinct sequence in the whole report, numbered per clause (``repro/<clause>-<n>.sh``; the
    generic security clauses are every vendor's, so their numbers run across vendors)."""
    scripts: dict[tuple[RequestKey, ...], str] = {}
    numbered: dict[str, int] = {}
    merged_vendors = []
    for vendor in vendors:
        clauses = []
        for clause in vendor.clauses:
            merged: dict[tuple[str, tuple[RequestKey, ...]], Failure] = {}
            for failure in clause.failures:
                key = (failure.check, failure.sequence())
                first = merged.get(key)
                merged[key] = failure if first is None else replace(first, occurrences=first.occurrences + 1)
            failures = []
            for failure in merged.values():
                sequence = failure.sequence()
                if sequence and sequence not in scripts:
                    numbered[clause.id] = numbered.get(clause.id, 0) + 1
                    scripts[sequence] = f"repro/{clause.id}-{numbered[clause.id]}.sh"
                failures.append(replace(failure, reproduction_file=scripts.get(sequence)))
            clauses.append(replace(clause, failures=tuple(failures)))
        merged_vendors.append(replace(vendor, clauses=tuple(clauses)))
    return tuple(merged_vendors)


def _failures(report: Report) -> list[Failure]:
    return [failure for vendor in report.vendors for clause in vendor.clauses for failure in clause.failures]


def _write_reproductions(run_dir: Path, report: Report, redact: Callable[[str], str]) -> None:
    """Each script once, from the first failure naming it, headed by what it stands for."""
    sharing: dict[str, list[Failure]] = {}
    for failure in _failures(report):
        if failure.reproduction_file is not None:
            sharing.setdefault(failure.reproduction_file, []).append(failure)
    for name, failures in sharing.items():
        path = run_dir / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(redact(_headed(failures[0].reproduction, failures)))
        path.chmod(0o755)


def _headed(script: str, failures: list[Failure]) -> str:
    """The script with a comment line, after its interpreter line, saying what it stands for."""
    total = sum(failure.occurrences for failure in failures)
    found = ", ".join(f"{f.clause} by {f.check} ({f.occurrences}x)" for f in failures)
    line = f"# Stands for {total} occurrence(s) of this sequence in the run: {found}."
    first, newline, rest = script.partition("\n")
    if first.startswith("#!"):
        return f"{first}{newline}{line}\n{rest}"
    return f"{line}\n{script}"


def _write_hars(run_dir: Path, report: Report, started: datetime, redact: Callable[[str], str]) -> None:
    """``repro/<clause>.har`` per clause with a sequence to replay: one page per distinct sequence."""
    by_clause: dict[str, dict[str, Failure]] = {}
    for failure in _failures(report):
        if failure.reproduction_file is not None:
            by_clause.setdefault(failure.clause, {}).setdefault(failure.reproduction_file, failure)
    for clause, failures in by_clause.items():
        document = har_document(clause, list(failures.values()), started)
        path = run_dir / "repro" / f"{clause}.har"
        path.parent.mkdir(exist_ok=True)
        path.write_text(redact(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")


def _previous_report(report_root: Path, run_id: str) -> str | None:
    earlier = sorted(
        p.name
        for p in report_root.iterdir()
        if p.is_dir()
        and p.name not in ("latest", run_id)
        and (p / "report.html").exists()
        and p.name < run_id
    )
    return f"../{earlier[-1]}/report.html" if earlier else None
