"""Work sent ahead of its turn, to overlap waits on the target, is judged as if sent in turn: reads sent
together are judged in order; a test in a lane writes only to its lane's records, keeps a journal of
its own that its test takes over with its findings and its error, and its requests share the
concurrency limit with the other lanes; probes sent as one batch prove "writes nothing" for each of
them only where the batch left the record unchanged."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import replace
from functools import partial
from typing import Any

import httpx
import pytest

from taskconform.exchange import Exchange
from taskconform.findings import ContractViolation, Verification
from taskconform.lanes import Lanes, LaneTest, RunStopped, lane_count
from taskconform.probes import send_ahead
from taskconform.target import Read, Target, WorkerSlot
from taskconform.vendors import VENDORS

from .fake_superfone import KEY, superfone_target

LEADS = [1001, 1002]


class FakeSuperfone:
    """Tasks per lead; a create is refused (400) unless its body is valid, and ``wrongly_writes``
    makes a refused create write anyway. ``together``: the most requests in flight at once; ``meet``:
    reads wait until that many are in flight (a read sent alone would time out)."""

    def __init__(self, wrongly_writes: bool = False, meet: int | None = None, answer_s: float = 0.0) -> None:
        self.tasks: dict[int, int] = dict.fromkeys(range(1001, 1009), 0)
        self.answer_s = answer_s
        self.wrongly_writes = wrongly_writes
        self.in_flight = 0
        self.together = 0
        self.lock = threading.Lock()
        self.meet = threading.Barrier(meet, timeout=5) if meet else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.together = max(self.together, self.in_flight)
        time.sleep(self.answer_s)
        try:
            return self._answer(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, request: httpx.Request) -> httpx.Response:
        lead = int(re.search(r"/lead/(\d+)/", request.url.path)[1])  # type: ignore[index]
        if request.method == "GET":
            if self.meet is not None:
                self.meet.wait()
            rows = [{"id": f"t{lead}-{n}", "task_status": "PENDING"} for n in range(self.tasks[lead])]
            data = {"rows": rows[:20], "total_items": len(rows), "total_pages": 1, "current_page": 1}
            return httpx.Response(200, json={"data": data, "message": "success"})
        if request.headers.get("x-api-key") != KEY:
            if self.wrongly_writes:
                self.tasks[lead] += 1
            return httpx.Response(401, json={"message": "UnAuthorized, Please Provide Valid API Key"})
        return httpx.Response(400, json={"message": "Request body is empty"})


def _target(server: Any, concurrency: int = 8, leads: list[int] = LEADS) -> Target:
    return superfone_target(server, leads, concurrency)


def _lead(exchange: Exchange) -> str:
    return exchange.request.url.split("/lead/")[1].split("/")[0]


def _first_pages() -> list[Read]:
    return [Read("listTasks", {"lead_id": lead}, {"page": 1, "page_size": 20}) for lead in LEADS]


def test_reads_sent_together_are_in_flight_at_once_and_judged_in_order() -> None:
    server = FakeSuperfone(meet=2)
    target = _target(server)
    verify = Verification(target.client.redactor)
    answers = list(target.read_all(verify, _first_pages()))
    assert server.together == 2
    assert [_lead(a) for a in answers] == ["1001", "1002"]
    assert target.client.journal == answers
    # The fake's pages lack documented fields: each answer was judged, in the order of the reads.
    assert [f.exchanges[-1] for f in verify.findings if f.clause == "SF-LIST-RESPONSE-FIELDS"] == answers


def test_at_concurrency_one_a_read_is_sent_only_when_taken() -> None:
    server = FakeSuperfone()
    target = _target(server, concurrency=1)
    reads = target.read_all(Verification(target.client.redactor), _first_pages())
    next(reads)
    reads.close()
    assert len(target.client.journal) == 1 and server.together == 1


def _lanes(target: Target, count: int, bodies: dict[str, Any], stopping: Any = lambda: False) -> Lanes:
    tests = [LaneTest(key, None, target, body) for key, body in bodies.items()]
    return Lanes(count, tests, lambda: Verification(target.client.redactor), stopping)


def test_a_test_in_a_lane_keeps_its_own_journal_and_its_test_takes_it_over_with_its_findings() -> None:
    target = _target(FakeSuperfone())
    started = threading.Event()
    go_on = threading.Event()

    def body(own: Verification) -> None:
        target.call(own, "listTasks", {"lead_id": 1001})
        started.set()
        go_on.wait(5)
        own.expect("SF-LIST-PAGINATION", False, "a broken page", "broken", *target.client.journal)
        own.settle()

    lanes = _lanes(target, 2, {"later": body})
    lanes.start()
    started.wait(5)
    meanwhile = target.call(Verification(target.client.redactor), "listTasks", {"lead_id": 1002})
    go_on.set()
    assert target.client.journal == [meanwhile]
    target.start_test()
    verify = Verification(target.client.redactor)
    with pytest.raises(ContractViolation) as raised:
        lanes.take_over("later", verify)
    finding = next(f for f in raised.value.findings if f.clause == "SF-LIST-PAGINATION")
    assert [_lead(e) for e in finding.exchanges] == ["1001"]
    assert [_lead(e) for e in target.client.journal] == ["1001"]
    assert "SF-LIST-PAGINATION" in verify.exercised
    assert "later" not in lanes


def test_each_lane_writes_only_to_its_own_share_of_the_records() -> None:
    target = _target(FakeSuperfone(), leads=[1001, 1002, 1003, 1004, 1005])
    seen: dict[str, tuple[Any, ...]] = {}
    both_running = threading.Barrier(2, timeout=5)

    def body(name: str) -> Any:
        def run(verify: Verification) -> None:
            both_running.wait()  # one lane each
            seen[name] = target.pool("own")

        return run

    lanes = _lanes(target, 2, {"a": body("a"), "b": body("b")})
    lanes.start()
    for key in ("a", "b"):
        lanes.take_over(key, None)
    assert sorted(seen.values()) == [(1001, 1003, 1005), (1002, 1004)]
    assert target.pool("own") == (1001, 1002, 1003, 1004, 1005)  # the process itself: every record


def test_the_lanes_share_the_concurrency_limit_but_a_race_the_test_provokes_does_not_wait_for_it() -> None:
    server = FakeSuperfone(answer_s=0.02)
    target = _target(server, concurrency=1, leads=[1001, 1002, 1003, 1004])

    def reads(verify: Verification) -> None:
        for _ in range(3):
            target.call(verify, "listTasks", {"lead_id": target.pool("own")[0]})

    lanes = _lanes(target, 2, {"a": reads, "b": reads})
    lanes.start()
    for key in ("a", "b"):
        lanes.take_over(key, None)
    assert server.together == 1

    def race(verify: Verification) -> None:
        read = partial(target.call, verify, "listTasks", {"lead_id": target.pool("own")[0]})
        target.at_once([read, read, read])

    lanes = _lanes(target, 2, {"race": race})
    lanes.start()
    target.start_test()
    lanes.take_over("race", None)
    assert server.together == 3
    assert len(target.client.journal) == 3  # the race's exchanges are its test's


def test_the_tests_of_a_group_run_in_one_lane_in_order() -> None:
    target = _target(FakeSuperfone(), leads=[1001, 1002, 1003, 1004, 1005, 1006])
    ran: list[tuple[str, str]] = []

    def body(name: str) -> Any:
        def run(verify: Verification) -> None:
            time.sleep(0.01)  # the other lanes are free meanwhile
            ran.append((name, threading.current_thread().name))

        return run

    names = ["g1", "x", "g2", "y", "g3"]
    tests = [LaneTest(name, "group" if name.startswith("g") else None, target, body(name)) for name in names]
    lanes = Lanes(3, tests, lambda: Verification(target.client.redactor), lambda: False)
    lanes.start()
    for test in tests:
        lanes.take_over(test.key, None)
    in_group = [(name, lane) for name, lane in ran if name.startswith("g")]
    assert [name for name, _ in in_group] == ["g1", "g2", "g3"] and len({lane for _, lane in in_group}) == 1


def test_the_longest_test_is_dealt_first_and_the_lanes_are_the_same_whatever_the_timing() -> None:
    target = _target(FakeSuperfone(), leads=[1001, 1002, 1003, 1004])

    def lanes_of_a_run(pause: dict[str, float]) -> dict[str, str]:
        lane_of: dict[str, str] = {}

        def body(name: str) -> Any:
            def run(verify: Verification) -> None:
                time.sleep(pause[name])
                lane_of[name] = threading.current_thread().name

            return run

        weights = {"a": 1, "b": 1, "long": 4, "c": 1, "d": 1}
        tests = [LaneTest(name, None, target, body(name), weight) for name, weight in weights.items()]
        lanes = Lanes(2, tests, lambda: Verification(target.client.redactor), lambda: False)
        lanes.start()
        for test in tests:
            lanes.take_over(test.key, None)
        return lane_of

    first = lanes_of_a_run({"a": 0.03, "b": 0.0, "long": 0.0, "c": 0.02, "d": 0.0})
    second = lanes_of_a_run({"a": 0.0, "b": 0.03, "long": 0.05, "c": 0.0, "d": 0.01})
    assert first == second
    assert {name for name, lane in first.items() if lane == first["long"]} == {"long"}


def test_once_the_run_stops_a_lane_runs_no_further_test() -> None:
    target = _target(FakeSuperfone())
    ran: list[str] = []
    lanes = _lanes(target, 2, {"after": lambda verify: ran.append("after")}, stopping=lambda: True)
    lanes.start()
    with pytest.raises(RunStopped):
        lanes.take_over("after", None)
    assert ran == []


def test_a_generated_request_addresses_the_same_kind_of_record_in_any_lane() -> None:
    target = _target(FakeSuperfone(), leads=[1001, 1002, 1003, 1004, 1005, 1006])
    kinds = ("own", "foreign", "missing")

    def kind_of(record: Any) -> str:
        return next(kind for kind in kinds if record in target.pool(kind, lane=False))

    for seed in range(40):
        alone = target.drawn(random.Random(seed).choice, *kinds)
        with target.test_of_its_own(WorkerSlot(1, 3)):
            in_a_lane = target.drawn(random.Random(seed).choice, *kinds)
            lane_leads = target.pool("own")
        assert lane_leads == (1002, 1005)
        assert kind_of(in_a_lane) == kind_of(alone)
        assert kind_of(in_a_lane) != "own" or in_a_lane in lane_leads


def test_as_many_lanes_as_requests_in_flight_with_two_records_of_each_kind_each() -> None:
    target = _target(FakeSuperfone(), leads=[1001, 1002, 1003, 1004, 1005, 1006, 1007])
    assert lane_count(8, [target]) == 3
    assert lane_count(2, [target]) == 2
    assert lane_count(1, [target]) == 1
    assert lane_count(8, [_target(FakeSuperfone(), leads=[1001, 1002, 1003])]) == 1


def _auth_probes() -> list[Any]:
    probes = {probe.id: probe for probe in VENDORS["superfone"].probes}
    return [probes["CREATE-missing-key"], probes["CREATE-wrong-key"], probes["LIST-page-size-20"]]


def test_probes_sent_as_a_batch_prove_for_each_that_the_record_is_unchanged() -> None:
    server = FakeSuperfone()
    target = _target(server)
    sent = send_ahead(target, _auth_probes())
    assert set(sent) == {"CREATE-missing-key", "CREATE-wrong-key", "LIST-page-size-20"}
    first, second = sent["CREATE-missing-key"], sent["CREATE-wrong-key"]
    assert first.states == second.states == ((0, []), (0, []))
    assert first.snapshots is not None and second.snapshots is None  # the first probe judges the reads
    assert sent["LIST-page-size-20"].states is None
    assert target.client.journal == []  # each probe's own test takes its exchanges


def test_where_the_batch_changed_a_record_its_probes_are_left_to_their_own_tests() -> None:
    target = _target(FakeSuperfone(wrongly_writes=True))
    sent = send_ahead(target, _auth_probes())
    assert set(sent) == {"LIST-page-size-20"}


def test_a_probe_that_prepares_its_record_or_lacks_configuration_is_left_to_its_test() -> None:
    probes = {probe.id: probe for probe in VENDORS["superfone"].probes}
    prepared = probes["COMPLETE-missing-key"]
    unconfigured = probes["CREATE-own-lead-other-account-key"]
    assert prepared.prepare is not None and unconfigured.key_option is not None
    target = _target(FakeSuperfone())
    assert send_ahead(target, [prepared, unconfigured, replace(prepared, id="x", prepare=None)]).keys() == {
        "x"
    }
