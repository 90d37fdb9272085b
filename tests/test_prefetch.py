"""Requests drawn ahead in another process are exactly those the test would draw, and failures found
among them are still shrunk by Hypothesis."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from schemathesis import GenerationMode

from taskconform import fuzzing
from taskconform.findings import ContractViolation, Verification
from taskconform.fuzzing import DrawingUnavailable, DrawnRequest, FuzzKey, fuzz, request_search
from taskconform.prefetch import RequestPrefetcher
from taskconform.profiles import PROFILES
from taskconform.redaction import Redactor
from taskconform.vendors import VENDORS

QUICK = PROFILES["quick"]
KEYS = [
    FuzzKey(vendor.spec_file, operation_id, mode)
    for vendor in VENDORS.values()
    for operation_id in vendor.response_clauses
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
]
CREATE_VALID = FuzzKey(VENDORS["superfone"].spec_file, "createTask", GenerationMode.POSITIVE)


def drawn_here(key: FuzzKey) -> list[DrawnRequest]:
    requests: list[DrawnRequest] = []
    request_search(QUICK, key, lambda request, _: requests.append(request))()
    return requests


def test_requests_drawn_ahead_are_those_the_test_draws_in_the_same_order() -> None:
    prefetcher = RequestPrefetcher(QUICK, KEYS)
    try:
        ahead = {key: list(prefetcher.drawn(key) or []) for key in KEYS}
    finally:
        prefetcher.close()
    for key in KEYS:
        assert ahead[key] == drawn_here(key), key
        assert len(ahead[key]) == QUICK.fuzz_examples


def test_the_drawer_is_gone_once_closed_even_mid_search() -> None:
    prefetcher = RequestPrefetcher(PROFILES["thorough"], KEYS)
    first = next(prefetcher.drawn(KEYS[0]) or iter(()))
    prefetcher.close()
    assert isinstance(first, DrawnRequest)
    assert not [p for p in multiprocessing.active_children() if p.name == "taskconform-drawer"]


def test_a_search_not_planned_is_not_drawn_ahead() -> None:
    prefetcher = RequestPrefetcher(QUICK, KEYS[:1])
    try:
        assert prefetcher.drawn(KEYS[1]) is None
        assert prefetcher.drawn(KEYS[0]) is not None
        assert prefetcher.drawn(KEYS[0]) is None
    finally:
        prefetcher.close()


class Sender:
    """Stands in for the target: records what is sent and finds a violation where ``broken`` says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, broken: Any) -> None:
        self.sent: list[DrawnRequest] = []
        self.broken = broken
        monkeypatch.setattr(fuzzing, "send", self.send)

    def send(self, target: Any, verify: Verification, key: FuzzKey, request: DrawnRequest) -> None:
        self.sent.append(request)
        verify.expect("X-CLAUSE", not self.broken(request), "no reminder", request.body)


def is_reminder(request: DrawnRequest) -> bool:
    return isinstance(request.body, dict) and request.body.get("type") == "REMINDER"


def run_fuzz(profile: Any, drawn: Iterator[DrawnRequest] | None) -> ContractViolation | None:
    try:
        fuzz(SimpleNamespace(generation_s=0.0), Verification(Redactor()), profile, CREATE_VALID, drawn)  # type: ignore[arg-type]
    except ContractViolation as violation:
        return violation
    return None


def test_a_violation_among_requests_drawn_ahead_is_shrunk_by_the_same_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ahead = drawn_here(CREATE_VALID)
    first_failing = next(i for i, request in enumerate(ahead) if is_reminder(request))
    sender = Sender(monkeypatch, is_reminder)
    violation = run_fuzz(QUICK, iter(ahead))
    assert violation is not None
    searched = sender.sent[first_failing + 1 :]
    assert searched[: first_failing + 1] == ahead[: first_failing + 1]
    assert len(ahead[first_failing].body) > 2
    assert sorted(sender.sent[-1].body) == ["due_date", "type"]
    assert violation.findings[0].actual == str(sender.sent[-1].body)


def test_without_shrinking_the_violation_is_reported_as_first_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = drawn_here(CREATE_VALID)
    first_failing = next(i for i, request in enumerate(ahead) if is_reminder(request))
    sender = Sender(monkeypatch, is_reminder)
    violation = run_fuzz(replace(QUICK, shrink=False), iter(ahead))
    assert violation is not None
    assert sender.sent == ahead[: first_failing + 1]
    assert violation.findings[0].actual == str(ahead[first_failing].body)


def test_a_test_draws_its_own_requests_when_drawing_ahead_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = drawn_here(CREATE_VALID)

    def stops_after_three() -> Iterator[DrawnRequest]:
        yield from ahead[:3]
        raise DrawingUnavailable("the drawer ended early")

    sender = Sender(monkeypatch, lambda request: False)
    assert run_fuzz(QUICK, stops_after_three()) is None
    assert sender.sent == ahead[:3] + ahead


def test_without_requests_drawn_ahead_the_test_draws_the_same_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    sender = Sender(monkeypatch, lambda request: False)
    assert run_fuzz(QUICK, None) is None
    assert sender.sent == drawn_here(CREATE_VALID)
