"""What the writer is given: one record per test, and a small description of the run.

Records cross process boundaries (pytest-xdist workers send them to the controller as JSON), so
they stay plain. The run is described by a frozen :class:`RunInfo` rather than the run's live state,
so the reports depend on nothing that opens connections or holds secrets, only on a redactor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["RunInfo", "TestRecord", "VendorInfo"]


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
    # Changes of the client's concurrency limit during the test: {vendor, at_s, status, limit}.
    concurrency_changes: list[dict[str, Any]] = field(default_factory=list)
    # How many lanes its process ran side by side (``lanes``); 1: one test at a time.
    lanes: int = 1
    skipped: str | None = None
    # The Hypothesis seed the test ran under, where it declares one (``@pytest.mark.hypothesis_seed``).
    seed: int | None = None
    # (kind, message): kind is "configuration", "infrastructure" or "suite".
    error: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TestRecord:
        error = raw["error"]
        return cls(**{**raw, "error": tuple(error) if error else None})


@dataclass(frozen=True)
class VendorInfo:
    name: str
    base_url: str
    # The vendor's configuration with secrets replaced by the names of their variables.
    config: Mapping[str, Any]


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    profile: str
    # The vendors under test, in the order they are reported.
    vendors: tuple[VendorInfo, ...]
    # Applied to every file written: no key reaches a report, whatever a response echoed.
    redact: Callable[[str], str]
    # The clauses the run was limited to (--clause); empty: every clause of its vendors.
    clauses: tuple[str, ...] = ()
    # --strict-examples: an example-level deviation fails (else it is a warning).
    strict_examples: bool = False
    # False with --no-security-checks: the generic security checks are not-run, saying so.
    security_checks: bool = True
    # --concurrency: requests each worker keeps in flight where they do not depend on each other.
    concurrency: int = 1
