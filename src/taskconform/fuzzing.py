"""Schemathesis as a data generator, confined to the records the configuration names.

Schemathesis draws positive and negative requests from the spec; we send them through our own
client (redaction, back-off, evidence) and judge them with our clause-mapped checks only. Its
generic checks are not used wholesale: "every schema-invalid request is rejected" and "every
schema-valid request is accepted" are not promises these documents make.

Drawing a request costs several times what sending it to a local target does, so a run draws them
ahead, in another process (``prefetch``), while its tests talk to the target. Each search has a
fixed seed and confinement takes nothing from Hypothesis, so the search run in a test — where
nothing was drawn ahead, or to shrink a failure found among requests drawn ahead — draws the very
same requests in the very same order.
"""

from __future__ import annotations

import random
import time
import zlib
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Protocol

from hypothesis import given, seed
from hypothesis import strategies as st

from .exchange import Exchange
from .findings import ContractViolation, Verification
from .profiles import Profile
from .resources import spec_path
from .target import Target

if TYPE_CHECKING:
    from schemathesis import Case
    from schemathesis.core.transport import HttpMethod
    from schemathesis.schemas import APIOperation
    from schemathesis.specs.openapi.schemas import OpenApiSchema

    from .target import Vendor

__all__ = [
    "MODES",
    "DrawingUnavailable",
    "DrawnAhead",
    "DrawnRequest",
    "FuzzKey",
    "Mode",
    "fuzz",
    "load_operation",
    "request_search",
    "searches",
    "send",
    "send_all",
]

# Modes are plain strings, not Schemathesis' GenerationMode: Schemathesis is imported where requests
# are drawn or built, not with this module. It costs a quarter of a second, which processes that
# never draw (an xdist controller) need not pay, and xdist workers pay off their start-up's path.
Mode = Literal["positive", "negative"]
MODES: tuple[Mode, ...] = ("positive", "negative")

_SCHEMATHESIS_HEADERS = {"user-agent", "x-schemathesis-testcaseid", "accept-encoding", "connection", "accept"}


@dataclass(frozen=True)
class FuzzKey:
    """One search: an operation of a spec, drawn valid (positive) or invalid (negative)."""

    spec_file: str
    operation_id: str
    mode: Mode

    @property
    def seed(self) -> int:
        return zlib.crc32(f"{self.spec_file}:{self.operation_id}:{self.mode}".encode())


@dataclass(frozen=True)
class DrawnRequest:
    """A drawn request as plain data, so it can cross a process boundary (``has_body`` tells no body
    from a JSON null)."""

    method: HttpMethod
    path_parameters: dict[str, Any]
    headers: dict[str, Any]
    cookies: dict[str, Any]
    query: dict[str, Any]
    has_body: bool
    body: Any
    media_type: str | None

    @classmethod
    def of(cls, case: Case[Any]) -> DrawnRequest:
        from schemathesis.core import NOT_SET

        has_body = case.body is not NOT_SET
        return cls(
            case.method,
            dict(case.path_parameters or {}),
            dict(case.headers or {}),
            dict(case.cookies or {}),
            dict(case.query or {}),
            has_body,
            case.body if has_body else None,
            case.media_type,
        )

    def case(self, operation: APIOperation[Any, Any, Any, Any]) -> Case[Any]:
        from schemathesis.core import NOT_SET

        return operation.Case(
            method=self.method,
            path_parameters=dict(self.path_parameters),
            headers=dict(self.headers),
            cookies=dict(self.cookies),
            query=dict(self.query),
            body=self.body if self.has_body else NOT_SET,
            media_type=self.media_type,
        )

    def chooser(self) -> Callable[[list[Any]], Any]:
        """Picks configured records for this request: the same picks wherever it was drawn."""
        rng = random.Random(repr(self))
        return lambda pool: rng.choice(pool)


@cache
def _schema(spec_file: str) -> OpenApiSchema:
    import schemathesis

    schema = schemathesis.openapi.from_path(spec_path(spec_file))
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    return schema


@cache
def load_operation(spec_file: str, operation_id: str) -> APIOperation[Any, Any, Any, Any]:
    return _schema(spec_file).find_operation_by_id(operation_id)


def coverage_cases(key: FuzzKey, mode: Mode) -> list[Case[Any]]:
    """Schemathesis' coverage phase for the operation: its boundary values, missing required fields
    and wrong types, the same on every run. Not its undeclared methods: what a server answers to
    them is a question these documents never take up."""
    from schemathesis import GenerationMode

    schema = _schema(key.spec_file)
    operation = load_operation(key.spec_file, key.operation_id)
    cases = schema.iter_coverage_cases(
        operation, generation_modes=[GenerationMode(mode)], generation_config=schema.config.generation
    )
    return [case for case in cases if case.method.upper() == operation.method.upper()]


@cache
def _requests(key: FuzzKey) -> st.SearchStrategy[Case[Any]]:
    """Built once per search: building it costs more than drawing many requests from it."""
    from schemathesis import GenerationMode

    operation = load_operation(key.spec_file, key.operation_id)
    return operation.as_strategy(generation_mode=GenerationMode(key.mode))


def request_search(
    profile: Profile, key: FuzzKey, each: Callable[[DrawnRequest, float], None]
) -> Callable[[], None]:
    """The Hypothesis search over one operation's requests: ``each`` gets every one drawn, and the
    seconds its drawing took."""

    @profile.hypothesis(max_examples=profile.fuzz_examples)
    @seed(key.seed)
    @given(data=st.data())
    def search(data: st.DataObject) -> None:
        started = time.perf_counter()
        case = data.draw(_requests(key), label="request")
        each(DrawnRequest.of(case), time.perf_counter() - started)

    return search


@dataclass(frozen=True)
class _Ready:
    """A drawn request confined to configured records, as the client sends it."""

    method: str
    path: str
    params: Any
    headers: dict[str, str]
    body: dict[str, Any]
    path_parameters: dict[str, Any]

    def send(self, target: Target) -> Exchange:
        return target.client.request(
            self.method, self.path, params=self.params, headers=self.headers, **self.body
        )


def _ready(target: Target, key: FuzzKey, drawn: DrawnRequest) -> _Ready:
    case = drawn.case(load_operation(key.spec_file, key.operation_id))
    target.vendor.confine(target, case, drawn.chooser())
    kwargs = case.as_transport_kwargs(base_url=target.client.base_url)
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() not in _SCHEMATHESIS_HEADERS}
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json_body"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data_value = kwargs["data"]
        body["content"] = data_value if isinstance(data_value, bytes) else str(data_value).encode()
    path = kwargs["url"].removeprefix(target.client.base_url)
    return _Ready(kwargs["method"], path, kwargs["params"], headers, body, dict(case.path_parameters or {}))


def send(target: Target, verify: Verification, key: FuzzKey, drawn: DrawnRequest) -> Exchange:
    """Confine a drawn request to configured records, send it and check the answer."""
    ready = _ready(target, key, drawn)
    exchange = ready.send(target)
    target.receive(verify, key.operation_id, exchange, ready.path_parameters)
    return exchange


def send_all(target: Target, verify: Verification, key: FuzzKey, drawn: Iterable[DrawnRequest]) -> None:
    """Send every request and check each answer, in the order drawn, with up to the client's
    concurrency in flight: drawn requests do not depend on each other, so their waits overlap. At the
    first violation, the requests already on their way are waited for and noted (what they wrote),
    not judged: the finding is the first, as when they are sent one at a time."""
    limit = target.client.concurrency
    if limit.ceiling == 1:
        for request in _timed(target, drawn):
            send(target, verify, key, request)
            verify.settle()
        return

    def send_in_a_slot(ready: _Ready) -> Exchange:
        with limit.slot():
            return ready.send(target)

    in_flight: deque[tuple[_Ready, Future[Exchange]]] = deque()
    with ThreadPoolExecutor(max_workers=limit.ceiling, thread_name_prefix="send") as pool:
        try:
            for request in _timed(target, drawn):
                ready = _ready(target, key, request)
                in_flight.append((ready, pool.submit(send_in_a_slot, ready)))
                if len(in_flight) > limit.ceiling:
                    _judge_next(target, verify, key, in_flight)
            while in_flight:
                _judge_next(target, verify, key, in_flight)
        except BaseException:
            _note_the_rest(target, key, in_flight)
            raise


def _judge_next(
    target: Target, verify: Verification, key: FuzzKey, in_flight: deque[tuple[_Ready, Future[Exchange]]]
) -> None:
    ready, answer = in_flight.popleft()
    target.receive(verify, key.operation_id, answer.result(), ready.path_parameters)
    verify.settle()


def _note_the_rest(target: Target, key: FuzzKey, in_flight: deque[tuple[_Ready, Future[Exchange]]]) -> None:
    for ready, answer in in_flight:
        try:
            target.note(key.operation_id, answer.result(), ready.path_parameters)
        except Exception:  # its transport failure is not the finding: the first failure is
            continue


def _timed(target: Target, drawn: Iterable[DrawnRequest]) -> Iterator[DrawnRequest]:
    """Waiting for a request drawn ahead counts as drawing it."""
    requests = iter(drawn)
    while True:
        started = time.perf_counter()
        request = next(requests, None)
        target.generation_s += time.perf_counter() - started
        if request is None:
            return
        yield request


class DrawingUnavailable(Exception):
    """Requests drawn ahead stopped coming (the drawer failed or died): the test draws its own."""


class DrawnAhead(Protocol):
    def take(self, key: FuzzKey) -> Iterator[DrawnRequest] | None: ...


def fuzz(
    target: Target, verify: Verification, profile: Profile, key: FuzzKey, ahead: DrawnAhead | None
) -> None:
    """Send every request of the search and check each answer.

    Requests drawn ahead (``ahead``) are used when there; otherwise the search runs here, with
    Hypothesis. A violation among requests drawn ahead is searched again here when the profile
    shrinks: that draws the same requests, then shrinks the failing one. Should the target no
    longer fail, the violation as first seen stands.
    """

    def check(request: DrawnRequest, drawing_s: float) -> None:
        target.generation_s += drawing_s
        send(target, verify, key, request)
        verify.settle()

    search = request_search(profile, key, check)
    drawn = ahead.take(key) if ahead is not None else None
    if drawn is not None:
        try:
            send_all(target, verify, key, drawn)
            return
        except DrawingUnavailable:
            pass
        except ContractViolation:
            if not profile.shrink:
                raise
            search()
            raise
    search()


def searches(vendors: Iterable[Vendor], clauses: Collection[str] = ()) -> list[FuzzKey]:
    """Every search of these vendors: each operation with checked answers, valid and invalid; with
    ``clauses``, only those of the vendors that check one of them on their answers."""
    return [
        FuzzKey(vendor.spec_file, operation_id, mode)
        for vendor in vendors
        if not clauses or not vendor.answer_clauses.isdisjoint(clauses)
        for operation_id in vendor.response_clauses
        for mode in MODES
    ]
