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
    "ConcurrencyChange",
    "Counts",
    "Failure",
    "Gate",
    "Identity",
    "NotCheckable",
    "Provenance",
    "Report",
    "ReportedExchange",
    "ReportedRequest",
    "ReportedResponse",
    "RequestKey",
    "RunVerdict",
    "SearchSeed",
    "SlowTest",
    "SourceFile",
    "StatefulSeed",
    "TestsSummary",
    "VendorResult",
    "Verdict",
]

# 3: a failure's ``known`` is always present (null without a baseline).
# 6: clauses have a ``level`` (must, example) and a ``family`` (document, security); the verdict
# ``warn`` (an example-level deviation, counted under ``warn``); ``strict_examples`` and
# ``security_checks`` say how the run judged them.
# 7: ``provenance`` (sha256 of the specs and catalogues, suite version, profile, seeds); a failure
# stands for its ``occurrences`` (same clause, check and requests) and names its ``reproduction_file``;
# each exchange carries its step's ``note`` and whether it was sent ``concurrent``ly.
SCHEMA_VERSION = 9

# warn: an example-level clause found broken in a run without --strict-examples (no gate failure).
Verdict = Literal["pass", "fail", "warn", "not-run"]
RunVerdict = Literal["conforms", "violations", "incomplete"]
Gate = Literal["pass", "fail", "incomplete"]
Identity = tuple[str, str, str]  # vendor, clause, check: a failure as the baseline names it
RequestKey = tuple[str, str, str | None]  # method, URL, body: what a step of a sequence sent

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
    """One step of a failure's sequence: a request and its answer, already redacted, with the curl line
    that replays it."""

    request: ReportedRequest
    response: ReportedResponse
    curl: str
    # What the documents expect of this step, and what was seen (None: nothing was checked on it).
    note: str | None = None
    # Sent concurrently with its neighbours that are marked concurrent too.
    concurrent: bool = False

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ReportedExchange:
        """From a finding's exchange: workers send findings to the controller as JSON. A finding of a
        test that records no notes has none (nor concurrency)."""
        return cls(
            ReportedRequest(**raw["request"]),
            ReportedResponse(**raw["response"]),
            raw["curl"],
            raw.get("note"),
            bool(raw.get("concurrent", False)),
        )

    def request_key(self) -> RequestKey:
        """What was sent (method, URL, body): two steps with the same key replay the same request."""
        return (self.request.method.upper(), self.request.url, self.request.body)


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
    # The script replaying its sequence, relative to the run directory (repro/<clause>-<n>.sh), shared
    # by every failure of the report with the same requests; None: no request to replay.
    reproduction_file: str | None = None
    # How many times the run found it: same clause, same check, same requests.
    occurrences: int = 1

    def sequence(self) -> tuple[RequestKey, ...]:
        """Its requests in order: what a reproduction replays, and what tells two failures apart."""
        return tuple(exchange.request_key() for exchange in self.exchanges)

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
class ConcurrencyChange:
    vendor: str
    at_s: float
    status: int | None  # the "not now" status that halved it; None: raised after a run of answers
    limit: int


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
    # Requests each worker kept in flight where they do not depend on each other (--concurrency), at
    # most, and every change of that limit the target's "not now" answers made.
    concurrency: int
    concurrency_changes: tuple[ConcurrencyChange, ...]
    # The most tests a worker ran side by side, each lane on a share of the records of its own; 1: one
    # test at a time.
    lanes: int
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
class SourceFile:
    """A spec or clause catalogue that judged the run, by content."""

    path: str  # relative to the data root: spec/<file>, contracts/<file>
    sha256: str


@dataclass(frozen=True)
class SearchSeed:
    """One generated-request search: its Hypothesis seed decides every request it draws."""

    spec: str
    operation_id: str
    mode: str
    seed: int


@dataclass(frozen=True)
class StatefulSeed:
    """One stateful exploration (a test id) and the Hypothesis seed it ran with."""

    test: str
    seed: int


@dataclass(frozen=True)
class Provenance:
    """What judged the run, so a report can be tied to it: the documents as the suite read them, the
    suite and the libraries that drew the requests, and everything that decided the draws (with the
    profile's budget, the seeds: every draw is derandomised)."""

    suite_version: str
    profile: str
    files: tuple[SourceFile, ...]
    # Distribution -> version: the same seed draws other requests under another Hypothesis.
    generators: dict[str, str]
    searches: tuple[SearchSeed, ...]
    stateful: tuple[StatefulSeed, ...]


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
    provenance: Provenance
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
