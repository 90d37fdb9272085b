"""Tests run ahead of their turn: the bodies of later tests of this process, started on threads of
their own by an earlier test, so that their waits on the target overlap.

pytest runs one test at a time. A test whose requests depend on nothing any other test does meanwhile
(the stateful model's explorations, each on leads of its own) need not wait for its turn: an earlier
test starts its body now, on a thread whose exchanges go to a journal of its own
(``Target.test_of_its_own``), with a verification of its own. When its turn comes, its test takes
over that journal, the records it touched, what it exercised and found, and raises what it raised:
its report, evidence and reproductions are those it would have had, run in turn.
"""

from __future__ import annotations

import ast
import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .exchange import Exchange
from .findings import Verification
from .target import Target

__all__ = ["RunningAhead"]


@dataclass(frozen=True)
class _Outcome:
    journal: Sequence[Exchange]
    touched: dict[int, tuple[Exchange, Any]]
    verification: Verification
    error: BaseException | None


_PARSING = threading.Lock()


@functools.cache
def _parse_one_at_a_time() -> None:
    """CPython 3.11's ``ast.parse`` is not thread-safe (gh-106905: "AST constructor recursion depth
    mismatch"), and two threads parse at once here: Hypothesis reads the source of each exploration's
    rules as it starts, pytest reads a test's source to show a failure. One parse at a time, then."""
    parse = ast.parse

    @functools.wraps(parse)
    def parse_alone(*args: Any, **kwargs: Any) -> Any:
        with _PARSING:
            return parse(*args, **kwargs)

    ast.parse = parse_alone


class RunningAhead:
    """The tests of this process started ahead, by key (a test's node id)."""

    def __init__(self) -> None:
        self._started: dict[str, Future[_Outcome]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._started

    def start(self, key: str, target: Target, verification: Verification, body: Callable[[], None]) -> None:
        """Runs ``body`` (which records into ``verification``) on a thread of its own, from now.

        A daemon thread: a run that stops early (the target went down) does not wait for it.
        """
        _parse_one_at_a_time()
        outcome: Future[_Outcome] = Future()

        def run() -> None:
            with target.test_of_its_own() as (journal, touched):
                try:
                    body()
                except BaseException as exc:  # raised again in its own test, whatever it is
                    outcome.set_result(_Outcome(journal, touched, verification, exc))
                else:
                    outcome.set_result(_Outcome(journal, touched, verification, None))

        self._started[key] = outcome
        threading.Thread(target=run, name=f"ahead-{key}", daemon=True).start()

    def take_over(self, key: str, target: Target, verify: Verification) -> None:
        """Waits for the test started for ``key``, makes its exchanges and findings the current test's
        (``verify``'s), and raises what it raised."""
        outcome = self._started.pop(key).result()
        target.take_over(outcome.journal, outcome.touched)
        verify.take_over(outcome.verification)
        if outcome.error is not None:
            raise outcome.error
