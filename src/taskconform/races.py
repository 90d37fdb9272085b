"""Races a test provokes on purpose, and whether they happened.

A race check sends a few calls at one moment and judges the state they leave. What it can catch
depends on the calls meeting: a call that went alone — refused ("not now") and sent again after the
others were answered, or held back on a busy machine — found their writes settled, as a call sent
after them would, and the state it leaves can hide what the race did (the last of concurrent creates
closes every task created before it, so a create that went alone hides an auto-close that races lose).
Such a round still checks the documented outcome, but not the race: another round is run in its place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .errors import NotRun
from .exchange import Exchange
from .findings import concurrent_steps

__all__ = ["Race", "RaceRounds"]

R = TypeVar("R")

# Rounds tried, at most, for each round that is to race. A gateway refusing one request in 13 leaves a
# round of eight calls without a refusal about half the time; ten tries miss all of them once in 2,000.
TRIES_PER_ROUND = 10


@dataclass(frozen=True)
class Race(Generic[R]):
    """What calls sent at one moment returned, and the exchanges they made."""

    results: list[R]
    exchanges: list[Exchange]

    @property
    def met(self) -> bool:
        """Every request of the race was in flight beside another one of it."""
        return len(self.exchanges) > 1 and all(concurrent_steps(self.exchanges))


class SendsAtOnce(Protocol):
    """A target that can send calls at one moment (``Target.at_once``)."""

    def at_once(self, calls: Sequence[Callable[[], R]]) -> Race[R]: ...


class RaceRounds:
    """Rounds of a race (``at_once`` once per round) until ``wanted`` of them met.

    A round whose calls did not meet still counts as a check; when ``wanted`` rounds have not met within
    ``TRIES_PER_ROUND`` tries each, the test is not run (``NotRun``), saying so: a race check passed
    without a race would say "conforms" about something that never ran. What the rounds found stands.
    """

    def __init__(self, target: SendsAtOnce, wanted: int) -> None:
        self.target = target
        self.wanted = wanted
        self.met = 0

    def __iter__(self) -> Iterator[int]:
        tried = 0
        while self.met < self.wanted:
            if tried == self.wanted * TRIES_PER_ROUND:
                raise NotRun(
                    f"the race was provoked in {self.met} of {tried} rounds, {self.wanted} wanted: in "
                    "the others a request went alone (refused and sent again after the others were "
                    "answered, or held back)"
                )
            tried += 1
            yield tried

    def at_once(self, calls: Sequence[Callable[[], R]]) -> list[R]:
        race = self.target.at_once(calls)
        self.met += race.met
        return race.results
