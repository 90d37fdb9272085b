"""Findings: a clause, what it requires, what came back, and the exchanges that show it.

Checks record findings instead of stopping at the first broken rule (one response can break
several clauses); ``Verification.settle`` raises them together as one ``ContractViolation``. A finding
of a clause that only warns (example level, in a run that is not strict) is noted instead, and never
raised: a deviation from an example must not stop a test before it checks what the documents require.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .exchange import Exchange
from .redaction import Redactor

__all__ = ["ContractViolation", "Finding", "Verification"]


@dataclass(frozen=True)
class Finding:
    clause: str
    expected: str
    actual: str
    exchanges: tuple[Exchange, ...] = ()

    def to_dict(self, redactor: Redactor) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "expected": redactor.redact(self.expected),
            "actual": redactor.redact(self.actual),
            "exchanges": [exchange.to_dict(redactor) for exchange in self.exchanges],
        }


class ContractViolation(AssertionError):
    """Raised by a check; its text is already redacted, so pytest may print it as it is."""

    def __init__(self, findings: Iterable[Finding], redactor: Redactor) -> None:
        self.findings = tuple(findings)
        self.redactor = redactor
        super().__init__(self.render())

    def render(self) -> str:
        blocks = []
        for finding in self.findings:
            lines = [f"[{finding.clause}] expected: {finding.expected}", f"  actual: {finding.actual}"]
            lines += ["  " + exchange.describe(self.redactor) for exchange in finding.exchanges[-3:]]
            blocks.append("\n".join(lines))
        return self.redactor.redact("\n".join(blocks))


@dataclass(repr=False)
class Verification:
    """The clauses one test exercised, the findings it recorded and the warnings it noted."""

    def __repr__(self) -> str:
        return (
            f"Verification({len(self.exercised)} clauses exercised, {len(self.findings)} findings, "
            f"{len(self.warnings)} warnings)"
        )

    redactor: Redactor
    # Clauses whose findings are warnings: noted (the first per clause), never raised.
    warn_only: frozenset[str] = frozenset()
    exercised: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def expect(self, clause: str, holds: bool, expected: str, actual: Any, *evidence: Exchange) -> bool:
        self.exercised.add(clause)
        if holds:
            return True
        finding = Finding(clause, expected, str(actual), tuple(evidence))
        if clause not in self.warn_only:
            self.findings.append(finding)
        elif all(noted.clause != clause for noted in self.warnings):
            self.warnings.append(finding)
        return False

    def settle(self) -> None:
        """Raise what was found since the last settle; called at the end of every example."""
        if self.findings:
            found, self.findings = self.findings, []
            raise ContractViolation(found, self.redactor)
