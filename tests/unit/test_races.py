"""A race a test provokes counts only when its requests met: one that went alone (refused and sent again
after the others were answered) leaves a round that is run again, and rounds that never meet leave the
test not run, saying so, without losing what they found."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest

from taskconform.errors import NotConfigured, NotRun
from taskconform.exchange import Exchange, RecordedRequest, RecordedResponse
from taskconform.findings import ContractViolation, Verification
from taskconform.plugin import _VERIFY, pytest_pyfunc_call
from taskconform.races import TRIES_PER_ROUND, Race, RaceRounds
from taskconform.redaction import Redactor

from .fake_superfone import superfone_target

LIST_PATH = "/superfone/enterprise/api/lead/1001/task"
EMPTY_PAGE = {"data": {"rows": [], "total_items": 0, "total_pages": 0, "current_page": 1}, "message": "ok"}


def _exchange(sent_at: float, elapsed_ms: float) -> Exchange:
    return Exchange(
        RecordedRequest("POST", "http://target.test/x", {}, None, sent_at),
        RecordedResponse(201, {}, b"{}", elapsed_ms),
    )


def test_requests_in_flight_together_met_and_one_sent_after_the_others_were_answered_did_not() -> None:
    together = [_exchange(0.000, 30), _exchange(0.005, 30), _exchange(0.010, 30)]
    assert Race([None] * 3, together).met
    straggler = [_exchange(0.000, 30), _exchange(0.005, 30), _exchange(0.140, 30)]
    assert not Race([None] * 3, straggler).met
    assert not Race([None], [_exchange(0.0, 30)]).met  # one request races nothing


class ScriptedRaces:
    """Stands for a target whose races meet or not, as scripted."""

    def __init__(self, meets: Iterator[bool]) -> None:
        self.meets = meets
        self.tried = 0

    def at_once(self, calls: list[Any]) -> Race[Any]:
        self.tried += 1
        results = [call() for call in calls]
        if next(self.meets):
            return Race(results, [_exchange(0.0, 30), _exchange(0.01, 30)])
        return Race(results, [_exchange(0.0, 30), _exchange(0.5, 30)])


def _rounds(meets: Iterator[bool], wanted: int) -> tuple[RaceRounds, ScriptedRaces]:
    races = ScriptedRaces(meets)
    return RaceRounds(races, wanted), races


def test_a_round_whose_requests_did_not_meet_is_run_again_until_enough_met() -> None:
    rounds, races = _rounds(iter([True, False, False, True, True]), wanted=3)
    answers = [rounds.at_once([partial(int, n)]) for n in rounds]
    assert answers == [[1], [2], [3], [4], [5]]
    assert rounds.met == 3 and races.tried == 5


def test_rounds_that_never_meet_leave_the_test_not_run_saying_how_many_met() -> None:
    rounds, races = _rounds(iter([True] + [False] * 100), wanted=2)
    with pytest.raises(NotRun, match=rf"provoked in 1 of {2 * TRIES_PER_ROUND} rounds, 2 wanted"):
        for _ in rounds:
            rounds.at_once([])
    assert races.tried == 2 * TRIES_PER_ROUND


class RefusesFirst:
    """Answers every list at once, except the very first request: 429, try again in a second."""

    def __init__(self) -> None:
        self.seen = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.seen += 1
            first = self.seen == 1
        if first:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, json=EMPTY_PAGE)


class MeetsInFlight:
    """Answers only once ``parties`` requests are in flight: an answer proves they met."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.barrier.wait()
        return httpx.Response(200, json=EMPTY_PAGE)


def _race_of_reads(server: Any, count: int) -> Race[Exchange]:
    target = superfone_target(server, [1001])
    read = partial(target.client.request, "GET", LIST_PATH)
    return target.at_once([read] * count)


def test_a_request_refused_and_sent_again_after_the_others_were_answered_went_alone() -> None:
    race = _race_of_reads(RefusesFirst(), 3)
    assert [exchange.status for exchange in race.results] == [200, 200, 200]
    assert len(race.exchanges) == 3  # the refusal is no exchange: the request was not processed
    assert not race.met


def test_requests_the_target_answered_only_together_met() -> None:
    race = _race_of_reads(MeetsInFlight(3), 3)
    assert race.met
    assert {id(e) for e in race.exchanges} == {id(e) for e in race.results}  # in the order answered


def _test_ending_with(error: BaseException, verification: Verification) -> None:
    """Drives the plugin's pytest_pyfunc_call around a test body that raised ``error``."""
    item = SimpleNamespace(stash={_VERIFY: verification})
    call = pytest_pyfunc_call(cast(pytest.Function, item))
    next(call)
    call.throw(error)


@pytest.mark.parametrize("error", [NotRun("no round raced"), NotConfigured("superfone", "foreign_lead_ids")])
def test_a_test_that_cannot_go_on_still_fails_on_what_it_found_before(error: NotRun) -> None:
    verification = Verification(Redactor({}))
    with pytest.raises(pytest.skip.Exception, match=re.escape(str(error))):  # found nothing: says why
        _test_ending_with(error, verification)
    verification.expect("SF-CREATE-AUTOCLOSE", False, "one open task", "2 open", _exchange(0.0, 1))
    with pytest.raises(ContractViolation, match="SF-CREATE-AUTOCLOSE"):
        _test_ending_with(error, verification)
