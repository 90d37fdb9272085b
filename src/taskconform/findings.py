"""Findings: a clause, what it requires, what came back, and the exchanges that show it.

Checks record findings instead of stopping at the first broken rule (one response can break
several clauses); ``Verification.settle`` raises them together as one ``ContractViolation``.
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
    """The clauses one test exercised and the findings it recorded."""

    def __repr__(self) -> str:
        return f"Verification({len(self.exercised)} clauses exercised, {len(self.findings)} findings)"

    redactor: Redactor
    exercised: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def expect(self, clause: str, holds: bool, expected: str, actual: Any, *evidence: Exchange) -> bool:
        self.exercised.add(clause)
        if not holds:
            self.findings.append(Finding(clause, expected, str(actual), tuple(evidence)))
        return holds

    def settle(self) -> None:
        """Raise what was found since the last settle; called at the end of every example."""
        if self.findings:
            found, self.findings = self.findings, []
            raise ContractViolation(found, self.redactor)
