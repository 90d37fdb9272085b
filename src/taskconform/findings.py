"""Findings: a clause, what it requires, what came back, and the sequence of exchanges that shows it.

Checks record findings instead of stopping at the first broken rule (one response can break
several clauses); ``Verification.settle`` raises them together as one ``ContractViolation``. A finding
of a clause that only warns (example level, in a run that is not strict) is noted instead, and never
raised: a deviation from an example must not stop a test before it checks what the documents require.

A finding's exchanges are its causal sequence: for a rule over a record's history (auto-close,
completion, the listing), the accepted writes earlier tests made to the records it touches; every
write the test sent before the evidence (the state the check observed was built by them); then the
evidence, in the order sent. A rule judged on one answer alone (an answer check) needs only the
request that got that answer. A reproduction
that replays them on a fresh target shows the violation again; the evidence alone would not. Each
step carries what the checks expected of it, and whether it was sent concurrently with its neighbours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .exchange import Exchange
from .redaction import Redactor

__all__ = [
    "ContractViolation",
    "Finding",
    "Verification",
    "causal_sequence",
    "concurrent_groups",
    "concurrent_steps",
]

# The note of a write an earlier test made: part of the state, judged where it was made.
_EARLIER = "an earlier accepted write to this record: it built the state the failing check observed"
# The expectations a step's note names at most: enough to say what the documents want of it.
_NOTED_EXPECTATIONS = 4


def causal_sequence(journal: Sequence[Exchange], evidence: Sequence[Exchange]) -> tuple[Exchange, ...]:
    """Every write of ``journal`` up to the last piece of evidence, and the evidence, in the order sent;
    evidence the journal does not hold (sent outside this test) goes last."""
    position = {id(exchange): index for index, exchange in enumerate(journal)}
    shown = {position[id(exchange)] for exchange in evidence if id(exchange) in position}
    if not shown:
        return tuple(evidence)
    steps = [index for index in range(max(shown) + 1) if index in shown or journal[index].is_write]
    outside = tuple(exchange for exchange in evidence if id(exchange) not in position)
    return tuple(journal[index] for index in steps) + outside


def concurrent_steps(steps: Sequence[Exchange]) -> tuple[bool, ...]:
    """Whether each step was in flight together with another step of the sequence."""
    return tuple(any(other is not step and step.overlaps(other) for other in steps) for step in steps)


def concurrent_groups(concurrent: Sequence[bool]) -> list[range]:
    """The positions of a sequence's steps in the groups they are sent in: consecutive steps marked
    concurrent together, every other step alone."""
    groups: list[range] = []
    for index, together in enumerate(concurrent):
        if groups and together and concurrent[index - 1]:
            groups[-1] = range(groups[-1].start, index + 1)
        else:
            groups.append(range(index, index + 1))
    return groups


@dataclass(frozen=True)
class Finding:
    clause: str
    expected: str
    actual: str
    exchanges: tuple[Exchange, ...] = ()
    # Per exchange: what the checks expected of it (None: nothing was checked on it).
    notes: tuple[str | None, ...] = ()

    def to_dict(self, redactor: Redactor) -> dict[str, Any]:
        notes = self.notes or (None,) * len(self.exchanges)
        concurrent = concurrent_steps(self.exchanges)
        return {
            "clause": self.clause,
            "expected": redactor.redact(self.expected),
            "actual": redactor.redact(self.actual),
            "exchanges": [
                {
                    **exchange.to_dict(redactor),
                    "note": None if note is None else redactor.redact(note),
                    "concurrent": together,
                }
                for exchange, note, together in zip(self.exchanges, notes, concurrent, strict=True)
            ],
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
    # The exchanges the test has sent so far, in order: where a finding's causal sequence comes from.
    journal: Callable[[], Sequence[Exchange]] = tuple
    # The writes before the test that built the state of the records some exchanges touched, and the
    # clauses whose findings depend on that state (a record's history: what it holds, in which order).
    history: Callable[[Sequence[Exchange]], Sequence[Exchange]] = lambda evidence: ()
    history_clauses: frozenset[str] = frozenset()
    # Clauses judged on one answer alone (the answer checks): the request that got it reproduces it.
    answer_clauses: frozenset[str] = frozenset()
    exercised: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    # id(exchange) -> the exchange and what was expected of it (the last evidence of each check).
    _expected: dict[int, tuple[Exchange, list[tuple[str, str]]]] = field(default_factory=dict)

    def expect(self, clause: str, holds: bool, expected: str, actual: Any, *evidence: Exchange) -> bool:
        self.exercised.add(clause)
        if evidence:
            judged = evidence[-1]
            self._expected.setdefault(id(judged), (judged, []))[1].append((clause, expected))
        if holds:
            return True
        if clause in self.answer_clauses and clause not in self.history_clauses:
            steps = tuple(evidence)
        else:
            steps = causal_sequence(self.journal(), evidence)
        earlier = tuple(self.history(steps)) if clause in self.history_clauses else ()
        notes = (_EARLIER,) * len(earlier) + tuple(map(self._note, steps))
        finding = Finding(clause, expected, str(actual), earlier + steps, notes)
        if clause not in self.warn_only:
            self.findings.append(finding)
        elif all(noted.clause != clause for noted in self.warnings):
            self.warnings.append(finding)
        return False

    def _note(self, step: Exchange) -> str | None:
        noted = self._expected.get(id(step))
        if noted is None or noted[0] is not step:
            return None
        expectations = list(dict.fromkeys(f"{clause}: {expected}" for clause, expected in noted[1]))
        more = len(expectations) - _NOTED_EXPECTATIONS
        return "; ".join(expectations[:_NOTED_EXPECTATIONS]) + (f"; and {more} more" if more > 0 else "")

    def take_over(self, other: Verification) -> None:
        """What a test's lane (``lanes``) exercised, found and noted for it becomes this one's."""
        self.exercised |= other.exercised
        self.findings += other.findings
        for noted in other.warnings:
            if all(mine.clause != noted.clause for mine in self.warnings):
                self.warnings.append(noted)

    def settle(self) -> None:
        """Raise what was found since the last settle; called at the end of every example."""
        if self.findings:
            found, self.findings = self.findings, []
            raise ContractViolation(found, self.redactor)
