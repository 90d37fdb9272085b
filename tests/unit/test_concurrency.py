"""The concurrency limit halves when the target says "not now" (once per round of requests in flight),
grows back by one after a run of other answers, never leaves [1, --concurrency], holds requests that
overlap to it, and every change is kept for the report."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from taskconform.client import ApiClient, AuthScheme, RetryPolicy
from taskconform.concurrency import ConcurrencyLimit, LimitChange
from taskconform.redaction import Redactor


def _ticking() -> tuple[list[float], ConcurrencyLimit]:
    now = [100.0]
    return now, ConcurrencyLimit(8, clock=lambda: now[0])


def test_a_not_now_halves_the_limit_once_per_round() -> None:
    now, limit = _ticking()
    sent = limit.current_round
    now[0] += 1.5
    limit.observe(sent, 429)
    limit.observe(sent, 503)  # sent before the halving: the same congestion
    assert limit.limit == 4
    limit.observe(limit.current_round, 503)
    assert limit.limit == 2
    assert limit.changes == [LimitChange(1.5, 429, 4), LimitChange(1.5, 503, 2)]


def test_the_limit_grows_by_one_after_as_many_answers_and_never_leaves_its_bounds() -> None:
    _, limit = _ticking()
    for _ in range(5):
        limit.observe(limit.current_round, 429)
    assert limit.limit == limit.lowest == 1
    for _ in range(1 + 2 + 3):
        limit.observe(limit.current_round, None)
    assert limit.limit == 4
    for _ in range(100):
        limit.observe(limit.current_round, None)
    assert limit.limit == limit.ceiling == 8
    assert [c.limit for c in limit.changes if c.status is None] == [2, 3, 4, 5, 6, 7, 8]


def test_a_not_now_resets_the_run_of_answers() -> None:
    _, limit = _ticking()
    limit.observe(limit.current_round, 429)
    for _ in range(3):
        limit.observe(limit.current_round, None)
    limit.observe(limit.current_round - 1, 429)  # an old round's refusal lowers nothing, but breaks the run
    for _ in range(3):
        limit.observe(limit.current_round, None)
    assert limit.limit == 4
    limit.observe(limit.current_round, None)
    assert limit.limit == 5


def test_overlapping_requests_wait_for_room_under_the_limit() -> None:
    limit = ConcurrencyLimit(2)
    inside, most_inside, release = [0], [0], threading.Event()
    lock = threading.Lock()

    def request() -> None:
        with limit.slot():
            with lock:
                inside[0] += 1
                most_inside[0] = max(most_inside[0], inside[0])
            release.wait(5)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=request) for _ in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    assert inside[0] == 2
    release.set()
    for thread in threads:
        thread.join(5)
    assert most_inside[0] == 2


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ConcurrencyLimit(0)


def test_the_client_tells_its_limit_each_not_now_it_backs_off_from() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200, json={})])
    client = ApiClient(
        "http://target.test/api",
        AuthScheme("header", "x-api-key"),
        "k-distinctive-7f3a",
        Redactor({"k-distinctive-7f3a": "SF_API_KEY"}),
        retry=RetryPolicy(max_retry_after_s=0.01),
        transport=httpx.MockTransport(lambda request: next(answers)),
        concurrency=ConcurrencyLimit(8),
    )
    assert client.request("GET", "/tasks").status == 200
    assert [(c.status, c.limit) for c in client.concurrency.changes] == [(429, 4)]
    assert client.backoffs == {429: 1}
