"""Requests drawn ahead by the run's drawer are exactly those the test would draw, failures found
among them are still shrunk by Hypothesis, and a test never depends on the drawer to run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from taskconform import fuzzing
from taskconform.concurrency import ConcurrencyLimit
from taskconform.drawn_cache import DrawnCache
from taskconform.findings import ContractViolation, Verification
from taskconform.fuzzing import (
    DrawingUnavailable,
    DrawnAhead,
    DrawnRequest,
    FuzzKey,
    fuzz,
    request_search,
    searches,
)
from taskconform.prefetch import DIRECTORY_VARIABLE, DrawnRequests, RequestDrawer
from taskconform.profiles import PROFILES, Profile
from taskconform.redaction import Redactor
from taskconform.vendors import VENDORS

QUICK = PROFILES["quick"]
KEYS = searches(VENDORS.values())
CREATE_VALID = FuzzKey(VENDORS["superfone"].spec_file, "createTask", "positive")


def draw(profile: Profile, key: FuzzKey) -> list[DrawnRequest]:
    """The search's requests as a test draws them itself."""
    drawn: list[DrawnRequest] = []
    request_search(profile, key, lambda request, _: drawn.append(request))()
    return drawn


@contextmanager
def drawing(
    profile: Profile, keys: list[FuzzKey], *, go: bool = True, cache: DrawnCache | None = None
) -> Iterator[tuple[RequestDrawer, DrawnRequests]]:
    drawer = RequestDrawer(profile, keys, preload=False, cache=cache)
    try:
        ahead = DrawnRequests.of_this_run()
        assert ahead is not None
        if go:
            drawer.go()
        yield drawer, ahead
    finally:
        drawer.close()


def wait_until_the_drawer_has_started(drawer: RequestDrawer, count: int) -> None:
    """Searches the drawer has started carry its claim; a test taking one sooner would claim it."""
    deadline = time.monotonic() + 60
    while len(list(drawer.directory.glob("*.claimed"))) < count:
        assert time.monotonic() < deadline, "the drawer never started"
        time.sleep(0.01)


def test_requests_drawn_ahead_are_those_the_test_draws_in_the_same_order() -> None:
    with drawing(QUICK, KEYS) as (drawer, ahead):
        wait_until_the_drawer_has_started(drawer, len(KEYS))
        taken = {key: list(ahead.take(key) or ()) for key in KEYS}
    assert len(KEYS) == 10
    for key in KEYS:
        assert taken[key] == draw(QUICK, key), key
        assert len(taken[key]) == QUICK.fuzz_examples


def test_a_search_an_earlier_run_finished_is_read_from_the_cache_and_not_drawn_again(
    tmp_path: Path,
) -> None:
    cache = DrawnCache(tmp_path, QUICK)
    with drawing(QUICK, KEYS[:2], cache=cache) as (drawer, ahead):
        wait_until_the_drawer_has_started(drawer, 2)
        first = [list(ahead.take(key) or ()) for key in KEYS[:2]]
    assert sorted(p.name for p in (tmp_path / "drawn").iterdir()) == sorted(
        cache.entry(k).name for k in KEYS[:2]
    )
    with drawing(QUICK, KEYS[:2], go=False, cache=cache) as (_, ahead):
        # Never told to go, the drawer draws nothing: the streams are the cache's, whole and claimed.
        assert (
            [list(ahead.take(key) or ()) for key in KEYS[:2]] == first == [draw(QUICK, k) for k in KEYS[:2]]
        )


def test_the_cache_keeps_searches_apart_by_everything_that_decides_their_requests(tmp_path: Path) -> None:
    entries = {
        DrawnCache(tmp_path, profile).entry(key)
        for profile in (QUICK, PROFILES["standard"], replace(QUICK, fuzz_examples=QUICK.fuzz_examples + 1))
        for key in KEYS
    }
    assert len(entries) == 3 * len(KEYS)
    assert DrawnCache(tmp_path, replace(QUICK, shrink=False)).entry(KEYS[0]) == DrawnCache(
        tmp_path, QUICK
    ).entry(KEYS[0]), "shrinking happens in the test, not in the drawing"


def test_the_drawer_and_its_files_are_gone_once_closed_even_mid_search() -> None:
    with drawing(PROFILES["thorough"], KEYS) as (drawer, _):
        directory = drawer.directory
        assert os.environ[DIRECTORY_VARIABLE].startswith(str(directory))
        wait_until_the_drawer_has_started(drawer, 1)
    assert not [p for p in multiprocessing.active_children() if p.name == "taskconform-drawer"]
    assert not directory.exists() and DIRECTORY_VARIABLE not in os.environ


def test_a_search_the_drawer_was_not_asked_for_is_drawn_by_its_test() -> None:
    with drawing(QUICK, KEYS[:1]) as (drawer, ahead):
        wait_until_the_drawer_has_started(drawer, 1)
        assert ahead.take(KEYS[1]) is None
        assert list(ahead.take(KEYS[0]) or ()) == draw(QUICK, KEYS[0])


def test_a_search_a_test_reaches_first_is_the_tests_and_the_drawer_skips_it() -> None:
    with drawing(QUICK, KEYS[:2], go=False) as (drawer, ahead):
        assert ahead.take(KEYS[0]) is None
        drawer.go()
        wait_until_the_drawer_has_started(drawer, 2)
        assert list(ahead.take(KEYS[1]) or ()) == draw(QUICK, KEYS[1])
        assert not any(p.stat().st_size for p in drawer.directory.glob("createTask-positive-*.stream"))


def test_a_drawer_that_died_midway_is_not_waited_for() -> None:
    with drawing(PROFILES["thorough"], KEYS) as (drawer, ahead):
        wait_until_the_drawer_has_started(drawer, 1)
        os.kill(int(os.environ[DIRECTORY_VARIABLE].rpartition(":")[2]), signal.SIGKILL)
        with pytest.raises(DrawingUnavailable, match="the drawer stopped"):
            list(ahead.take(KEYS[0]) or ())


class Sender:
    """Stands in for the target: records what is sent and finds a violation where ``broken`` says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, broken: Any) -> None:
        self.sent: list[DrawnRequest] = []
        self.broken = broken
        monkeypatch.setattr(fuzzing, "send", self.send)

    def send(self, target: Any, verify: Verification, key: FuzzKey, request: DrawnRequest) -> None:
        self.sent.append(request)
        verify.expect("X-CLAUSE", not self.broken(request), "no reminder", request.body)


class Given:
    """Requests drawn ahead, handed over as the drawer's reader does."""

    def __init__(self, requests: list[DrawnRequest] | None) -> None:
        self.requests = requests

    def take(self, key: FuzzKey) -> Iterator[DrawnRequest] | None:
        return None if self.requests is None else iter(self.requests)


def is_reminder(request: DrawnRequest) -> bool:
    return isinstance(request.body, dict) and request.body.get("type") == "REMINDER"


def run_fuzz(profile: Any, ahead: DrawnAhead | None) -> ContractViolation | None:
    target: Any = SimpleNamespace(generation_s=0.0, client=SimpleNamespace(concurrency=ConcurrencyLimit(1)))
    try:
        fuzz(target, Verification(Redactor()), profile, CREATE_VALID, ahead)
    except ContractViolation as violation:
        return violation
    return None


def test_a_violation_among_requests_drawn_ahead_is_shrunk_by_the_same_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ahead = draw(QUICK, CREATE_VALID)
    first_failing = next(i for i, request in enumerate(ahead) if is_reminder(request))
    sender = Sender(monkeypatch, is_reminder)
    violation = run_fuzz(QUICK, Given(ahead))
    assert violation is not None
    searched = sender.sent[first_failing + 1 :]
    assert searched[: first_failing + 1] == ahead[: first_failing + 1]
    assert len(ahead[first_failing].body) > 2
    assert sorted(sender.sent[-1].body) == ["due_date", "type"]
    assert violation.findings[0].actual == str(sender.sent[-1].body)


def test_without_shrinking_the_violation_is_reported_as_first_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = draw(QUICK, CREATE_VALID)
    first_failing = next(i for i, request in enumerate(ahead) if is_reminder(request))
    sender = Sender(monkeypatch, is_reminder)
    violation = run_fuzz(replace(QUICK, shrink=False), Given(ahead))
    assert violation is not None
    assert sender.sent == ahead[: first_failing + 1]
    assert violation.findings[0].actual == str(ahead[first_failing].body)


@pytest.mark.parametrize("ahead", [None, Given(None)], ids=["no drawer", "search not asked for"])
def test_without_requests_drawn_ahead_the_test_draws_the_same_ones(
    monkeypatch: pytest.MonkeyPatch, ahead: DrawnAhead | None
) -> None:
    sender = Sender(monkeypatch, lambda request: False)
    assert run_fuzz(QUICK, ahead) is None
    assert sender.sent == draw(QUICK, CREATE_VALID)


def test_when_drawing_ahead_stops_midway_the_test_draws_them_all_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ahead = draw(QUICK, CREATE_VALID)

    class StopsAfterThree:
        def take(self, key: FuzzKey) -> Iterator[DrawnRequest]:
            yield from ahead[:3]
            raise DrawingUnavailable("the drawer stopped")

    sender = Sender(monkeypatch, lambda request: False)
    assert run_fuzz(QUICK, StopsAfterThree()) is None
    assert sender.sent == ahead[:3] + ahead
