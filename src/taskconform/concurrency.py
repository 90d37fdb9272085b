"""How many requests one worker has in flight to one target: additive increase, multiplicative decrease.

A shared staging target is not ours to flood, and waiting on it one request at a time leaves the
machine idle. Each client starts at ``--concurrency`` requests in flight at most. A 429, or a 503
with Retry-After — the target saying "not now" — halves the limit for the rest of the run, once per
round: refusals of requests sent before the last halving are the same congestion and lower nothing
more. Every ``limit`` answers in a row that are not "not now" raise it by one, never above where it
started. Every change is kept for the report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["ConcurrencyLimit", "LimitChange"]


@dataclass(frozen=True)
class LimitChange:
    at_s: float  # seconds since the limit was set up
    status: int | None  # the "not now" status that halved it; None: raised after a run of answers
    limit: int  # the limit from then on


class ConcurrencyLimit:
    def __init__(self, ceiling: int, clock: Callable[[], float] = time.monotonic) -> None:
        if ceiling < 1:
            raise ValueError("a concurrency limit is at least 1")
        self.ceiling = ceiling
        self.limit = ceiling
        self.changes: list[LimitChange] = []
        self._clock = clock
        self._started = clock()
        self._in_flight = 0
        self._answers_in_a_row = 0
        self._round = 0
        self._condition = threading.Condition()

    @property
    def lowest(self) -> int:
        return min([self.ceiling, *(change.limit for change in self.changes)])

    @property
    def current_round(self) -> int:
        """How many times the limit was halved: a request sent now belongs to this round."""
        return self._round

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Room for one request under the limit, for as long as the block runs (work that overlaps
        requests takes one per request; a test's own sequence of requests needs none)."""
        with self._condition:
            self._condition.wait_for(lambda: self._in_flight < self.limit)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._condition:
                self._in_flight -= 1
                self._condition.notify_all()

    def observe(self, sent_in_round: int, not_now_status: int | None) -> None:
        """An answer to a request sent in ``sent_in_round``: "not now" (its status) or any other."""
        with self._condition:
            if not_now_status is not None:
                self._answers_in_a_row = 0
                if sent_in_round == self._round and self.limit > 1:
                    self._round += 1
                    self._change(max(1, self.limit // 2), not_now_status)
            else:
                self._answers_in_a_row += 1
                if self._answers_in_a_row >= self.limit and self.limit < self.ceiling:
                    self._answers_in_a_row = 0
                    self._change(self.limit + 1, None)
                    self._condition.notify_all()

    def _change(self, limit: int, status: int | None) -> None:
        self.limit = limit
        self.changes.append(LimitChange(round(self._clock() - self._started, 3), status, limit))
