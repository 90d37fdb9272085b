"""Lanes: the tests of a single process side by side, each lane writing only to a share of the records
of its own.

pytest runs one test at a time, and against a target over a network a test mostly waits. Tests that
write to different records do not depend on each other: that is why pytest-xdist's workers may split
the records (``share_of``) and run at once. A lane is such a worker inside the process: a thread with
a share of every vendor's records. The process's tests (those of an ``xdist_group`` as one) are dealt
out to the lanes before any runs: the longest first (a test counts as one, unless it declares more:
``lane_weight``), from the last lane down, then the others in order, each to the lane with the least to
do, the first of equals. The first lane thus runs the first tests in order on the first records, as a
process does at concurrency 1, and which lane runs a test, and so which records it writes to, is the
same in every run of the same tests in as many lanes, whatever the timing.
Each lane runs its tests in their order, each test's body with a verification of its own;
its exchanges go to a journal of its own and each request takes a slot of the concurrency limit
(``Target.test_of_its_own``). When pytest reaches the test, the test takes over what its lane did
(``take_over``): its journal, the records it touched, what it exercised and found, and what it raised.
Its report, evidence and reproductions are those it would have had run in turn: its records saw no
writes but those of its lane, in order.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .exchange import Exchange
from .findings import Verification
from .one_ast_at_a_time import convert_one_at_a_time
from .target import Target, WorkerSlot

__all__ = ["RECORDS_PER_LANE", "LaneTest", "Lanes", "lane_count"]

# The records of each kind a lane needs at least: the stateful model explores two leads, and a lane
# with one could not see a write on one record that reaches another.
RECORDS_PER_LANE = 2


@dataclass(frozen=True)
class LaneTest:
    key: str  # the test's node id
    group: str | None  # the tests of one group run in one lane, in order (they send ahead for each other)
    target: Target
    body: Callable[[Verification], None]  # the test function, its arguments bound but the verification
    weight: int = 1  # how long it runs, in short tests


@dataclass(frozen=True)
class _Outcome:
    target: Target
    journal: Sequence[Exchange]
    touched: dict[int, tuple[Exchange, Any]]
    verification: Verification
    error: BaseException | None


class RunStopped(Exception):
    """The run stopped before the lane reached this test: nothing was sent for it."""


def lane_count(concurrency: int, targets: Iterable[Target]) -> int:
    """As many lanes as requests may be in flight, but never fewer than ``RECORDS_PER_LANE`` records of
    any kind a lane writes to in each lane."""
    shared = [(target, kind) for target in targets for kind, how in target.vendor.pools.items() if how.shared]
    fewest = min((_records(target, kind) for target, kind in shared), default=0)
    return max(1, min(concurrency, fewest // RECORDS_PER_LANE))


def _records(target: Target, kind: str) -> int:
    try:
        return len(target.pool(kind))
    except ConfigError:
        return 0


class Lanes:
    """``count`` lanes running ``tests`` from the moment they start (``start``)."""

    def __init__(
        self,
        count: int,
        tests: Sequence[LaneTest],
        new_verification: Callable[[], Verification],
        stopping: Callable[[], bool],
    ) -> None:
        self.count = count
        self._new_verification = new_verification
        self._stopping = stopping
        self._outcomes: dict[str, Future[_Outcome]] = {test.key: Future() for test in tests}
        self._dealt = _deal(_units(tests), count)

    def __contains__(self, key: str) -> bool:
        return key in self._outcomes

    def start(self) -> None:
        """Daemon threads: a run that stops early (the target went down) does not wait for them."""
        convert_one_at_a_time()
        for lane, tests in enumerate(self._dealt):
            share = WorkerSlot(lane, self.count)
            run = functools.partial(self._run_lane, tests, share)
            threading.Thread(target=run, name=f"lane-{lane}", daemon=True).start()

    def take_over(self, key: str, verify: Verification | None) -> None:
        """Waits for the test's lane to run it, makes its exchanges and findings the current test's
        (``verify``'s), and raises what it raised."""
        outcome = self._outcomes[key].result()
        del self._outcomes[key]
        outcome.target.take_over(outcome.journal, outcome.touched)
        if verify is not None:
            verify.take_over(outcome.verification)
        if outcome.error is not None:
            raise outcome.error

    def _run_lane(self, tests: Sequence[LaneTest], share: WorkerSlot) -> None:
        for test in tests:
            self._outcomes[test.key].set_result(self._run(test, share))

    def _run(self, test: LaneTest, share: WorkerSlot) -> _Outcome:
        verification = self._new_verification()
        with test.target.test_of_its_own(share) as (journal, touched):
            try:
                if self._stopping():
                    raise RunStopped(test.key)
                test.body(verification)
            except BaseException as exc:  # raised again in its own test, whatever it is
                return _Outcome(test.target, journal, touched, verification, exc)
            return _Outcome(test.target, journal, touched, verification, None)


def _deal(units: Sequence[Sequence[LaneTest]], count: int) -> list[list[LaneTest]]:
    """Each lane's tests, in order (a group's tests send ahead for each other, so it runs about as long
    as its longest)."""
    lanes: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    weights = [max(test.weight for test in unit) for unit in units]
    longest = sorted((i for i in range(len(units)) if weights[i] > 1), key=lambda i: -weights[i])
    for index in [*longest, *(i for i in range(len(units)) if weights[i] == 1)]:
        least = min(loads)
        lane = count - 1 - loads[::-1].index(least) if weights[index] > 1 else loads.index(least)
        lanes[lane].append(index)
        loads[lane] += weights[index]
    return [[test for index in sorted(indices) for test in units[index]] for indices in lanes]


def _units(tests: Sequence[LaneTest]) -> list[list[LaneTest]]:
    """The tests in order, those of one group as one unit where its first one stands."""
    units: list[list[LaneTest]] = []
    groups: dict[str, list[LaneTest]] = {}
    for test in tests:
        if test.group is None:
            units.append([test])
        elif test.group in groups:
            groups[test.group].append(test)
        else:
            groups[test.group] = [test]
            units.append(groups[test.group])
    return units
