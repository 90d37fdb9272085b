"""From test records to per-clause verdicts, and from verdicts to report.json, junit.xml and report.html.

A clause fails when any test found it broken, passes when some test that ran to its end exercised
it without finding it broken, and is ``not-run`` otherwise, with the reason. A run in which a
vendor stopped early, the target failed or the suite crashed is ``incomplete`` whatever else it
found: it certifies nothing about what did not run.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogue import Catalogue, load_catalogue
from ..session import RunState
from .baseline import compare, failure_identities, read_baseline, write_baseline
from .html import render_html
from .junit import render_junit

__all__ = ["RunCollector", "TestRecord", "new_run_id"]


@dataclass
class TestRecord:
    name: str
    vendor: str
    declared: list[str]
    exercised: list[str]
    findings: list[dict[str, Any]] = field(default_factory=list)
    # [vendor, record, task id] of the tasks the test created.
    created: list[list[Any]] = field(default_factory=list)
    duration_s: float = 0.0
    requests: int = 0
    generation_s: float = 0.0
    # Status -> back-offs the target asked for (429, 503 with Retry-After), and seconds waited.
    backoffs: dict[str, int] = field(default_factory=dict)
    backoff_wait_s: float = 0.0
    skipped: str | None = None
    error: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TestRecord:
        error = raw.get("error")
        return cls(**{**raw, "error": tuple(error) if error else None})


def new_run_id() -> str:
    """Sortable by time (the HTML report links to the previous run by this order), unique by suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:4]


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class RunCollector:
    def __init__(self, state: RunState, run_id: str, report_root: Path) -> None:
        self.state = state
        self.run_id = run_id
        self.report_root = report_root
        self.started = _now()
        self.records: list[TestRecord] = []
        self.report: dict[str, Any] = {}
        # What --cleanup closed (None: cleanup was off).
        self.cleanup: list[dict[str, Any]] | None = None
        # Accepted failures (None: no baseline) and whether to rewrite them from this run.
        self.baseline_path: Path | None = None
        self.update_baseline = False
        # Certification: a clause of a tested vendor that did not run fails the gate.
        self.require_all_clauses = False
        # Tests collected per vendor (sent by the processes that ran them); None until a record came.
        self.collected: dict[str, int] | None = None
        self.ended_early: str | None = None

    def add(self, record: TestRecord) -> None:
        self.records.append(record)

    def created(self) -> dict[str, dict[Any, set[Any]]]:
        tasks: dict[str, dict[Any, set[Any]]] = {}
        for record in self.records:
            for vendor, owner, task_id in record.created:
                tasks.setdefault(vendor, {}).setdefault(owner, set()).add(task_id)
        return tasks

    def _clause_entry(self, catalogue: Catalogue, clause_id: str, stopped: str | None) -> dict[str, Any]:
        clause = catalogue.clause(clause_id)
        records = [r for r in self.records if r.vendor == catalogue.vendor]
        failures = [
            {
                **finding,
                "check": record.name,
                "message": _one_line(finding),
                "reproduction": _script(finding),
            }
            for record in records
            for finding in record.findings
            if finding["clause"] == clause_id
        ]
        checks = sorted({r.name for r in records if clause_id in r.declared or clause_id in r.exercised})
        # A test that crashed or lost its target did not finish: what it exercised is not a pass.
        exercised = any(clause_id in r.exercised for r in records if r.error is None)
        verdict = "fail" if failures else "pass" if exercised else "not-run"
        return {
            "id": clause.id,
            "section": clause.section,
            "seed": clause.seed,
            "quote": list(clause.quote),
            "rule": clause.rule,
            "verdict": verdict,
            "not_run_reason": self._not_run_reason(clause_id, records, stopped)
            if verdict == "not-run"
            else None,
            # Checks of the clause that did not run, even where others did: what the verdict leaves out.
            "skipped_checks": sorted(
                {f"{r.name}: {r.skipped}" for r in records if clause_id in r.declared and r.skipped}
            ),
            "checks": checks,
            "failures": failures,
        }

    def _not_run_reason(self, clause_id: str, records: list[TestRecord], stopped: str | None) -> str:
        mine = [r for r in records if clause_id in r.declared]
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
            profile = self.state.profile.name
            return f"profile too small: its checks ran but met no case of it at profile {profile}"
        return "no check of this version exercises it"

    def _vendor_stopped(self, name: str) -> str | None:
        """Why a tested vendor did not run to its end, or None if every one of its tests ran."""
        records = [r for r in self.records if r.vendor == name]
        for kind in ("configuration", "infrastructure"):
            for record in records:
                if record.error and record.error[0] == kind:
                    return f"{kind} error: {record.error[1]}"
        expected = (self.collected or {}).get(name, 0)
        if expected == 0:
            return "no test of this vendor ran (were they all deselected?)"
        if len(records) < expected:
            why = f": {self.ended_early}" if self.ended_early else ""
            return f"{expected - len(records)} of its {expected} tests did not run{why}"
        return None

    def _vendor_entry(self, name: str) -> dict[str, Any]:
        catalogue = load_catalogue(name)
        stopped = self._vendor_stopped(name)
        clauses = [self._clause_entry(catalogue, clause.id, stopped) for clause in catalogue.clauses]
        return {
            "vendor": name,
            "stopped": stopped,
            "title": catalogue.title,
            "base_url": self.state.config.vendors[name].base_url,
            "config": self.state.config.vendors[name].redacted(),
            "summary": _count(clauses),
            "clauses": clauses,
            "not_checkable": [
                {"id": c.id, "seed": c.seed, "quote": list(c.quote), "why": c.rule}
                for c in catalogue.not_checkable
            ],
            "undocumented": [asdict(item) for item in catalogue.undocumented],
            "contradictions": [asdict(item) for item in catalogue.contradictions],
        }

    def _incomplete_reason(self, interrupted: bool, vendors: list[dict[str, Any]]) -> str | None:
        errors = [r.error for r in self.records if r.error]
        stops = [(v["vendor"], v["stopped"]) for v in vendors if v["stopped"]]
        for kind in ("configuration", "infrastructure"):
            for name, why in stops:
                if why.startswith(kind):
                    return f"{kind} error: [{name}] stopped: {why.removeprefix(kind + ' error: ')}"
        for error_kind, message in errors:
            if error_kind == "suite":
                return f"suite error: {message}"
        if interrupted:
            return "the run was interrupted before it finished"
        if not any(r.exercised for r in self.records):
            return "configuration error: no test checked any clause (were they all deselected?)"
        if stops:
            return "; ".join(f"[{name}] stopped: {why}" for name, why in stops)
        return None

    def build(self, interrupted: bool = False) -> dict[str, Any]:
        finished = _now()
        vendors = [self._vendor_entry(name) for name in self.state.selected]
        all_clauses = [c for vendor in vendors for c in vendor["clauses"]]
        reason = self._incomplete_reason(interrupted, vendors)
        verdict = (
            "incomplete"
            if reason
            else "violations"
            if any(c["verdict"] == "fail" for c in all_clauses)
            else "conforms"
        )
        return {
            "schema_version": 2,
            "run_id": self.run_id,
            "suite_version": __version__,
            "profile": self.state.profile.name,
            "started_at": _iso(self.started),
            "finished_at": _iso(finished),
            "duration_s": round((finished - self.started).total_seconds(), 2),
            "verdict": verdict,
            "incomplete_reason": reason,
            "previous_report": None,
            "skipped_sections": list(self.state.config.skipped_sections),
            "summary": _count(all_clauses),
            "tests": {
                "run": len(self.records),
                "errors": sum(1 for r in self.records if r.error),
                "requests": sum(r.requests for r in self.records),
                "test_time_s": round(sum(r.duration_s for r in self.records), 3),
                "generation_s": round(sum(r.generation_s for r in self.records), 3),
                "backoffs": self._backoffs(),
                "backoff_wait_s": round(sum(r.backoff_wait_s for r in self.records), 3),
                "slowest": [
                    {"test": r.name, "vendor": r.vendor, "duration_s": r.duration_s, "requests": r.requests}
                    for r in sorted(self.records, key=lambda r: -r.duration_s)[:12]
                ],
            },
            "cleanup": self.cleanup,
            "vendors": vendors,
        }

    def _backoffs(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for record in self.records:
            for status, count in record.backoffs.items():
                total[status] = total.get(status, 0) + count
        return dict(sorted(total.items()))

    def _apply_baseline(self, report: dict[str, Any]) -> None:
        """The gate: passes with no failure or only accepted ones; an incomplete run proves nothing."""
        gate = (
            "incomplete"
            if report["verdict"] == "incomplete"
            else "fail"
            if report["summary"]["fail"]
            else "pass"
        )
        report["baseline"] = None
        if self.baseline_path is not None:
            if self.update_baseline and gate != "incomplete":
                write_baseline(self.baseline_path, failure_identities(report))
            accepted = read_baseline(self.baseline_path) if self.baseline_path.exists() else set()
            report["baseline"] = compare(report, accepted, str(self.baseline_path))
            known = {tuple(entry) for entry in report["baseline"]["known"]}
            for vendor in report["vendors"]:
                for clause in vendor["clauses"]:
                    for failure in clause["failures"]:
                        failure["known"] = (vendor["vendor"], clause["id"], failure["check"]) in known
            if gate == "fail" and not report["baseline"]["new"]:
                gate = "pass"
        report["require_all_clauses"] = self.require_all_clauses
        report["gate_reason"] = None
        not_run = [c["id"] for v in report["vendors"] for c in v["clauses"] if c["verdict"] == "not-run"]
        if gate == "pass" and self.require_all_clauses and not_run:
            gate = "fail"
            report["gate_reason"] = (
                f"--require-all-clauses: {len(not_run)} clause(s) did not run: {', '.join(not_run)}"
            )
        report["gate"] = gate

    def finish(self, interrupted: bool = False, ended_early: str | None = None) -> Path:
        self.ended_early = ended_early
        self.report = self.build(interrupted)
        self._apply_baseline(self.report)
        run_dir = self.report_root / self.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        self.report["previous_report"] = _previous_report(self.report_root, self.run_id)
        redact = self.state.redactor.redact
        (run_dir / "report.json").write_text(
            redact(json.dumps(self.report, indent=2, ensure_ascii=False)) + "\n"
        )
        (run_dir / "junit.xml").write_text(redact(render_junit(self.report)))
        (run_dir / "report.html").write_text(redact(render_html(self.report)))
        _write_reproductions(run_dir, self.report)
        latest = self.report_root / "latest"
        shutil.rmtree(latest, ignore_errors=True)
        shutil.copytree(run_dir, latest)
        return run_dir

    def summary_lines(self) -> list[str]:
        report = self.report
        lines = [f"{'vendor':<12} {'pass':>5} {'fail':>5} {'not-run':>8}"]
        for vendor in report["vendors"]:
            counts = vendor["summary"]
            lines.append(
                f"{vendor['vendor']:<12} {counts['pass']:>5} {counts['fail']:>5} {counts['not-run']:>8}"
            )
            if vendor["stopped"]:
                lines.append(f"  STOPPED: {vendor['stopped']}")
            for clause in vendor["clauses"]:
                if clause["verdict"] == "fail":
                    known = " (known)" if all(f.get("known") for f in clause["failures"]) else ""
                    lines.append(f"  FAIL{known} {clause['id']}: {clause['rule']}")
            not_run: dict[str, list[str]] = {}
            for clause in vendor["clauses"]:
                if clause["verdict"] == "not-run":
                    not_run.setdefault(clause["not_run_reason"], []).append(clause["id"])
            lines += [f"  NOT-RUN {', '.join(ids)}: {reason}" for reason, ids in not_run.items()]
        if report["cleanup"] is not None:
            closed = [c for c in report["cleanup"] if c.get("closed")]
            total = sum(len(c["closed"]) for c in closed)
            where = "; ".join(
                f"{c['vendor']} {c['record']}: {', '.join(map(str, c['closed']))}" for c in closed
            )
            lines.append(
                f"cleanup: closed {total} open task(s) the run created" + (f" ({where})" if where else "")
            )
            lines += [f"cleanup: {c['vendor']}: {c['note']}" for c in report["cleanup"] if "note" in c]
        tests = report["tests"]
        if tests["backoffs"]:
            waits = ", ".join(f"{count} after {status}" for status, count in tests["backoffs"].items())
            lines.append(f"back-offs: {waits} ({tests['backoff_wait_s']} s waited; not violations)")
        for section in report["skipped_sections"]:
            lines.append(f"[{section}] is not tested by this version of taskconform: skipped")
        if report["baseline"] is not None:
            baseline = report["baseline"]
            lines.append(
                f"baseline {baseline['file']}: {len(baseline['known'])} known, {len(baseline['new'])} new, "
                f"{len(baseline['fixed'])} fixed failure(s)"
            )
            lines += [f"  NEW {v} {c} ({check})" for v, c, check in baseline["new"]]
            lines += [f"  FIXED {v} {c} ({check})" for v, c, check in baseline["fixed"]]
        if report["incomplete_reason"]:
            lines.append(f"INCOMPLETE: {report['incomplete_reason']}")
        if report["gate_reason"]:
            lines.append(f"GATE FAIL: {report['gate_reason']}")
        run = f"run {report['run_id']}, profile {report['profile']}"
        lines.append(f"verdict: {report['verdict']}, gate: {report['gate']} ({run})")
        return lines


def _names(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(sorted(names)[:shown]) + more


def _count(clauses: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"pass": 0, "fail": 0, "not-run": 0}
    for clause in clauses:
        counts[clause["verdict"]] += 1
    return counts


def _one_line(finding: dict[str, Any]) -> str:
    actual = finding["actual"] if len(finding["actual"]) <= 120 else finding["actual"][:120] + "…"
    return f"expected {finding['expected']}; got {actual}"


def _script(finding: dict[str, Any]) -> str:
    lines = ["#!/bin/sh", f"# Reproduces {finding['clause']}: expected {finding['expected']}", "set -u"]
    lines += [exchange["curl"] for exchange in finding["exchanges"]]
    return "\n".join(lines) + "\n"


def _write_reproductions(run_dir: Path, report: dict[str, Any]) -> None:
    for vendor in report["vendors"]:
        for clause in vendor["clauses"]:
            for number, failure in enumerate(clause["failures"], start=1):
                path = run_dir / "repro" / f"{clause['id']}-{number}.sh"
                path.parent.mkdir(exist_ok=True)
                path.write_text(failure["reproduction"])
                path.chmod(0o755)


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
