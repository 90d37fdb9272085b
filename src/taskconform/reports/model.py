"""The report of a run as typed values: the one definition of what report.json holds.

CI tooling, ``taskconform diff``, the selftest and the exit code all read report.json, so its shape
is published as a JSON Schema (``schema/report.schema.json``, version :data:`SCHEMA_VERSION`) and
tested against real runs. Every key is always present, ``null`` where it does not apply, so a reader
never has to tell a missing key from a negative answer. The renderers read these values directly;
only consumers of the file read JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypedDict

from ..catalogue import Family, Level, OpenBehaviour

__all__ = [
    "SCHEMA_VERSION",
    "BaselineResult",
    "ClauseResult",
    "CleanupNote",
    "ClosedTasks",
    "Counts",
    "Failure",
    "Gate",
    "Identity",
    "NotCheckable",
    "Report",
    "ReportedExchange",
    "ReportedRequest",
    "ReportedResponse",
    "RunVerdict",
    "SlowTest",
    "TestsSummary",
    "VendorResult",
    "Verdict",
]

# 3: a failure's ``known`` is always present (null without a baseline).
# 6: clauses have a ``level`` (must, example) and a ``family`` (document, security); the verdict
# ``warn`` (an example-level deviation, counted under ``warn``); ``strict_examples`` and
# ``security_checks`` say how the run judged them.
SCHEMA_VERSION = 6

# warn: an example-level clause found broken in a run without --strict-examples (no gate failure).
Verdict = Literal["pass", "fail", "warn", "not-run"]
RunVerdict = Literal["conforms", "violations", "incomplete"]
Gate = Literal["pass", "fail", "incomplete"]
Identity = tuple[str, str, str]  # vendor, clause, check: a failure as the baseline names it

# The verdict words are the keys, as every reader (console, Markdown, HTML, CI) spells them.
Counts = TypedDict("Counts", {"pass": int, "fail": int, "warn": int, "not-run": int})


@dataclass(frozen=True)
class ReportedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None


@dataclass(frozen=True)
class ReportedResponse:
    status: int
    headers: dict[str, str]
    body: str
    elapsed_ms: float


@dataclass(frozen=True)
class ReportedExchange:
    """One request and its answer, already redacted, with the curl line that replays it."""

    request: ReportedRequest
    response: ReportedResponse
    curl: str

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ReportedExchange:
        """From ``Exchange.to_dict``: workers send findings to the controller as JSON."""
        return cls(ReportedRequest(**raw["request"]), ReportedResponse(**raw["response"]), raw["curl"])


@dataclass(frozen=True)
class Failure:
    clause: str
    expected: str
    actual: str
    exchanges: tuple[ReportedExchange, ...]
    check: str
    message: str
    reproduction: str
    # Whether the baseline accepts it; None when the run had no baseline.
    known: bool | None = None

    def identity(self, vendor: str) -> Identity:
        return (vendor, self.clause, self.check)


@dataclass(frozen=True)
class ClauseResult:
    id: str
    section: str
    seed: str
    quote: tuple[str, ...]
    rule: str
    # must: a field table, sentence or error row says it; example: only a documented example shows it.
    level: Level
    # document: the vendor document's claim; security: a generic security check (contracts/security.yaml).
    family: Family
    verdict: Verdict
    not_run_reason: str | None
    # Checks of the clause that did not run, even where others did: what the verdict leaves out.
    skipped_checks: tuple[str, ...]
    checks: tuple[str, ...]
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class NotCheckable:
    id: str
    seed: str
    quote: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class VendorResult:
    vendor: str
    # Why the vendor did not run to its end; None if every one of its tests ran.
    stopped: str | None
    title: str
    base_url: str
    config: dict[str, Any]
    summary: Counts
    clauses: tuple[ClauseResult, ...]
    not_checkable: tuple[NotCheckable, ...]
    undocumented: tuple[OpenBehaviour, ...]
    contradictions: tuple[OpenBehaviour, ...]


@dataclass(frozen=True)
class SlowTest:
    test: str
    vendor: str
    duration_s: float
    requests: int


@dataclass(frozen=True)
class TestsSummary:
    run: int
    errors: int
    requests: int
    test_time_s: float
    generation_s: float
    # Status -> back-offs the target asked for (429, 503 with Retry-After): never violations.
    backoffs: dict[str, int]
    backoff_wait_s: float
    slowest: tuple[SlowTest, ...]


@dataclass(frozen=True)
class ClosedTasks:
    """Tasks --cleanup completed on one record."""

    vendor: str
    record: int | str
    closed: tuple[int | str, ...]


@dataclass(frozen=True)
class CleanupNote:
    """A vendor whose tasks --cleanup could not close, and why."""

    vendor: str
    note: str


@dataclass(frozen=True)
class BaselineResult:
    file: str
    known: tuple[Identity, ...]
    new: tuple[Identity, ...]
    fixed: tuple[Identity, ...]
    # Accepted failures whose clause did not run this time: neither confirmed nor fixed.
    unverified: tuple[Identity, ...]


@dataclass(frozen=True)
class Report:
    run_id: str
    suite_version: str
    profile: str
    started_at: str
    finished_at: str
    duration_s: float
    verdict: RunVerdict
    incomplete_reason: str | None
    # Relative link to the previous run's report.html in the same report directory.
    previous_report: str | None
    summary: Counts
    tests: TestsSummary
    # None: cleanup was off.
    cleanup: tuple[ClosedTasks | CleanupNote, ...] | None
    vendors: tuple[VendorResult, ...]
    baseline: BaselineResult | None
    require_all_clauses: bool
    # The clauses the run was limited to (--clause); None: every clause of the vendors tested.
    clauses_selected: tuple[str, ...] | None
    # --strict-examples: example-level deviations fail the gate instead of warning.
    strict_examples: bool
    # False with --no-security-checks: the generic security checks did not run.
    security_checks: bool
    gate_reason: str | None
    gate: Gate
    schema_version: int = field(default=SCHEMA_VERSION, init=False)

    def to_json(self) -> dict[str, Any]:
        """The report.json document, ``schema_version`` first."""
        document: dict[str, Any] = _plain(self)
        return {"schema_version": document.pop("schema_version"), **document}


def _plain(value: Any) -> Any:
    """Dataclasses become objects and tuples arrays, as JSON (and the schema's validators) expect."""
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
