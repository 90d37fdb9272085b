"""What a vendor is (``Vendor``, its ``Pool``s and ``Probe``s) and a configured vendor as one worker
sees it (``Target``): its client and the records it may write to.

The vendor packages (``vendors/<vendor>/``) build their ``Vendor`` from these types; this module
imports nothing of them, so the import graph has no cycle.

Parallel workers never share a writable record: worker ``i`` of ``n`` owns ``ids[i::n]``, so a
model of one lead is never disturbed by another worker's writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from .checks import SECURITY_CLAUSES, ResponseCheck, ResponseContext, run_response_checks
from .client import ApiClient, AuthMode, AuthScheme
from .config import RunSettings, SectionSpec, VendorTarget
from .contract import OperationContract, load_spec_contract
from .errors import ConfigError, NotConfigured
from .exchange import Exchange
from .findings import Verification
from .races import Race

if TYPE_CHECKING:
    from schemathesis import Case

    from .sequences import SequenceJudge

__all__ = [
    "NO_BODY",
    "AnswerCheck",
    "NearMissRejection",
    "Pool",
    "Probe",
    "Read",
    "Snapshot",
    "Target",
    "Vendor",
    "WorkerSlot",
    "share_of",
]

R = TypeVar("R")

NO_BODY: Any = object()
# A vendor's own expectation on a probe's answer (an error code, ids in the body...): whether it holds,
# and what was expected.
AnswerCheck = Callable[["Target", Exchange], tuple[bool, str]]


@dataclass(frozen=True)
class Probe:
    id: str
    clause: str
    operation: str
    # Values "{own}", "{foreign}", "{missing}" or another of the vendor's pools (in path,
    # query or body) become the first record of that pool.
    path_params: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    json_body: Any = NO_BODY
    content: bytes | None = None
    auth: AuthMode = AuthMode.VALID
    # Another configured key to send instead of the vendor's own (e.g. "readonly_api_key_env").
    key_option: str | None = None
    # None: no status of its own; the operation's response checks (documented statuses...) judge it.
    status: int | None = 400
    message: str | None = None
    message_prefix: str | None = None
    message_mentions: tuple[str, ...] = ()
    # Judged after the status (also when ``status`` is None), e.g. the documented error code.
    answer_check: AnswerCheck | None = None
    writes_nothing: bool = False
    # Configuration keys the probe needs beyond its records: checked before anything is sent.
    needs: tuple[str, ...] = ()
    # Puts the record in a state where a wrongly accepted request would change it (e.g. an open task).
    prepare: Callable[[Target, Verification, Any], None] | None = None


@dataclass(frozen=True)
class Read:
    """One of the requests ``Target.read_all`` sends: an operation, its path parameters, its query."""

    operation_id: str
    path_params: Mapping[str, Any]
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Snapshot:
    """A cheap read of a record's state (the record in ``Vendor.record_param``), to prove a rejected
    request wrote nothing: ``state`` is what of the answer any accepted write would change."""

    operation: str
    params: Mapping[str, Any]
    state: Callable[[Exchange], Any]


@dataclass(frozen=True)
class NearMissRejection:
    """A documented rejection of values outside an enum: the probe that provokes it (by id), the field,
    and the kinds of near-miss (``near_miss.VARIANT_KINDS``) the document still rejects — a value
    "not in the list" is rejected in every kind; "in any letter case" leaves the case open."""

    probe: str
    field: str
    kinds: tuple[str, ...] = ("case", "whitespace", "affix", "empty")


@dataclass(frozen=True)
class Pool:
    """Where one kind of record comes from: a config key, else fixed values the suite makes up.

    ``shared``: the records are written to, so parallel workers each take their own share. A pool
    whose key the configuration leaves out is empty, and what needs it is not run (``NotConfigured``).
    """

    key: str | None = None
    shared: bool = False
    fixed: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Vendor:
    name: str
    spec_file: str
    section: SectionSpec
    auth: AuthScheme
    # operationId -> response check -> clause id
    response_clauses: Mapping[str, Mapping[ResponseCheck, str]]
    # Rewrites a generated request (path and body) so fuzzing never reaches a record the config does
    # not name; the callable draws one value from a list.
    confine: Callable[[Target, Case[Any], Callable[[list[Any]], Any]], None]
    # The records of each kind: "own" (configured, this worker's share), "foreign" (another
    # account's), "missing" (absent); probes name them as "{own}", "{foreign}", "{missing}". A vendor
    # may add kinds of its own (a second kind of parent record, a contact name...). Read through
    # Target.pool.
    pools: Mapping[str, Pool]
    probes: tuple[Probe, ...]
    # Documented rejections of values outside an enum, sent again with near-misses of the value
    # (near_miss.rejection_probes): which probe, which field, which kinds of near-miss.
    near_miss_rejections: tuple[NearMissRejection, ...] = ()
    # The config key naming the environment variable that holds the API key.
    key_option: str = "api_key_env"
    # A read-only operation on one record (path parameter ``record_param``): proves a "missing" id
    # really is absent before anything is written to it. None where the API has no such read.
    read_operation: str | None = None
    record_param: str | None = None
    # How to prove a rejected request wrote nothing (None: the API has no such read).
    snapshot: Snapshot | None = None
    # (record, task id) when an answer shows a task was created; None where tasks cannot be closed again.
    created_task: Callable[[str, Exchange, Mapping[str, Any]], tuple[Any, Any] | None] | None = None
    # Closes what the run created and left open; returns what it closed, per record. None: not possible.
    cleanup: Callable[[Target, Verification, Mapping[Any, set[Any]]], dict[Any, list[Any]]] | None = None
    # Judges a replayed sequence beyond the answer checks (``taskconform replay``), and the clauses it
    # judges; None where no rule of the vendor spans several requests.
    replay_judge: Callable[[Target, Verification], SequenceJudge] | None = None
    replay_clauses: frozenset[str] = frozenset()

    @property
    def answer_clauses(self) -> frozenset[str]:
        """Clauses checked on every answer of their operation (the generic security checks on every
        answer at all), whichever test called it: any test of the vendor may find them broken, not
        only those that declare them."""
        mapped = (clause for checks in self.response_clauses.values() for clause in checks.values())
        return frozenset(mapped) | frozenset(SECURITY_CLAUSES.values())


@dataclass(frozen=True)
class WorkerSlot:
    index: int = 0
    count: int = 1


def share_of(ids: tuple[Any, ...], slot: WorkerSlot, what: str) -> tuple[Any, ...]:
    share = ids[slot.index :: slot.count]
    if not share:
        raise ConfigError(
            f"{slot.count} workers but only {len(ids)} {what}: each worker needs its own; "
            f"run with at most {len(ids)} workers or configure more {what}"
        )
    return share


@dataclass
class Target:
    vendor: Vendor
    config: VendorTarget
    client: ApiClient
    settings: RunSettings
    slot: WorkerSlot
    # Facts learnt during the run that later checks compare against (e.g. a lead's observed assignee).
    observed: dict[Any, Any] = field(default_factory=dict)
    # (record, task id) of every task this process created since the last drain, for --cleanup.
    created: list[tuple[Any, Any]] = field(default_factory=list)
    # Seconds spent drawing generated requests: the bench tells generation apart from the rest.
    generation_s: float = 0.0
    # Records no write may reach, with the reason (a default "missing" id the target says exists).
    withheld: dict[Any, str] = field(default_factory=dict)
    # Whether every answer also passes the generic security checks (off with --no-security-checks).
    checks_security: bool = True
    # Every accepted write of the run, per record (``record_param``) it touched: they built the state a
    # later check on that record observes, so a finding's reproduction replays them first.
    accepted_writes: dict[Any, list[Exchange]] = field(default_factory=dict)
    # id(exchange) -> (exchange, record) for the current test's exchanges (cleared with its journal);
    # a test in a lane keeps its own (``test_of_its_own``).
    _touched: dict[int, tuple[Exchange, Any]] = field(default_factory=dict, init=False, repr=False)
    _thread: threading.local = field(default_factory=threading.local, init=False, repr=False)

    @property
    def touched(self) -> dict[int, tuple[Exchange, Any]]:
        own: dict[int, tuple[Exchange, Any]] | None = getattr(self._thread, "touched", None)
        return self._touched if own is None else own

    @property
    def share(self) -> WorkerSlot:
        """Whose share of the records this thread's test writes to: its lane's (``lanes``), else the
        worker's."""
        lane: WorkerSlot | None = getattr(self._thread, "lane", None)
        return self.slot if lane is None else lane

    @contextmanager
    def test_of_its_own(
        self, lane: WorkerSlot
    ) -> Iterator[tuple[list[Exchange], dict[int, tuple[Exchange, Any]]]]:
        """This thread's exchanges meanwhile belong to a test of its own, in a lane beside others: its
        journal and the records it touched, which its test takes over (``take_over``); it writes only
        to the lane's share of the records, and each request takes a slot of the concurrency limit."""
        with self._as_test([], {}, lane, in_a_slot=True) as own:
            yield own

    @contextmanager
    def _as_test(
        self,
        journal: list[Exchange],
        touched: dict[int, tuple[Exchange, Any]],
        lane: WorkerSlot,
        *,
        in_a_slot: bool,
    ) -> Iterator[tuple[list[Exchange], dict[int, tuple[Exchange, Any]]]]:
        """This thread's exchanges meanwhile go to ``journal`` and ``touched``, and it writes to
        ``lane``'s share of the records."""
        with self.client.own_journal(journal, in_a_slot=in_a_slot):
            self._thread.touched, self._thread.lane = touched, lane
            try:
                yield journal, touched
            finally:
                self._thread.touched, self._thread.lane = None, None

    def at_once(self, calls: Sequence[Callable[[], R]]) -> Race[R]:
        """Each call on a thread of its own, all let go at one moment (a race the test provokes on
        purpose, so no slot of the concurrency limit is waited for): their exchanges are the current
        test's."""
        journal, touched, lane = self.client.journal, self.touched, self.share
        before = len(journal)
        together = threading.Barrier(len(calls) or 1, timeout=30)

        def as_this_test(call: Callable[[], R]) -> R:
            with self._as_test(journal, touched, lane, in_a_slot=False):
                together.wait()
                return call()

        with ThreadPoolExecutor(max_workers=len(calls) or 1) as pool:
            results = list(pool.map(as_this_test, calls))
        return Race(results, journal[before:])

    def take_over(self, journal: Sequence[Exchange], touched: Mapping[int, tuple[Exchange, Any]]) -> None:
        """The current test takes over the exchanges its lane made for it."""
        self.client.journal.extend(journal)
        self.touched.update(touched)

    def option(self, name: str) -> Any:
        """A configured value; an optional key left out stops only the check that needs it."""
        value = self.config.options.get(name)
        if value is None:
            raise NotConfigured(self.vendor.name, name)
        return value

    def secret(self, option: str) -> str:
        self.option(option)
        return self.config.secret(option)

    def pool(self, kind: str, *, writes: bool = True, lane: bool = True) -> tuple[Any, ...]:
        """The records of one kind (see ``Vendor.pools``); empty where the configuration names none.

        ``writes``: leave out withheld records, which only reads may address. ``lane``: this thread's
        lane's share (``lanes``); False: the worker's.
        """
        source = self.vendor.pools[kind]
        values = self.config.options.get(source.key) if source.key else None
        values = source.fixed if values is None else values
        records = (values,) if isinstance(values, str) else tuple(values or ())
        if source.shared:
            records = share_of(records, self.share if lane else self.slot, source.key or kind)
        return tuple(r for r in records if r not in self.withheld) if writes else records

    def drawn(self, draw: Callable[[list[Any]], Any], *kinds: str) -> Any:
        """A record of one of ``kinds`` as ``draw`` picks among the worker's records of them: the same
        pick whatever the lane, a record of another lane's share standing for the record in its place
        in this lane's (a generated request is about the kind of record it addresses)."""
        choices = [(kind, index) for kind in kinds for index in range(len(self.pool(kind, lane=False)))]
        kind, index = draw(choices)
        mine = self.pool(kind)
        return mine[index % len(mine)]

    def pools(self, *, writes: bool = True) -> dict[str, tuple[Any, ...]]:
        return {kind: self.pool(kind, writes=writes) for kind in self.vendor.pools}

    def first(self, kind: str, *, writes: bool = True) -> Any:
        """The first record of a kind, or ``NotConfigured`` naming the key that would provide one."""
        records = self.pool(kind, writes=writes)
        if records:
            return records[0]
        withheld = [why for record, why in self.withheld.items() if record in self.pool(kind, writes=False)]
        key = self.vendor.pools[kind].key or kind
        raise NotConfigured(self.vendor.name, key, withheld[0] if withheld else "")

    def operation(self, operation_id: str) -> OperationContract:
        return load_spec_contract(self.vendor.spec_file)[operation_id]

    def call(
        self,
        verify: Verification,
        operation_id: str,
        path_params: Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        auth: AuthMode = AuthMode.VALID,
        key_option: str | None = None,
        **body: Any,
    ) -> Exchange:
        """Send one request to an operation and pass the answer through every check mapped to it.

        ``body`` is ``json_body=...`` or ``content=b"..."`` (or nothing), as ``ApiClient.request`` takes.
        ``key_option`` names another configured key (a secret option of the section, such as a key
        without write permission) to send instead of the vendor's own.
        """
        exchange = self.send(
            operation_id, path_params, params=params, auth=auth, key_option=key_option, **body
        )
        self.receive(verify, operation_id, exchange, path_params)
        return exchange

    def send(
        self,
        operation_id: str,
        path_params: Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        auth: AuthMode = AuthMode.VALID,
        key_option: str | None = None,
        journal: bool = True,
        **body: Any,
    ) -> Exchange:
        """Send one request to an operation, unjudged: ``call`` judges it at once, a request sent
        ahead (``journal=False``) is judged by the test it belongs to (``adopt``)."""
        operation = self.operation(operation_id)
        path = operation.path.format(**{k: quote(str(v), safe="") for k, v in path_params.items()})
        key = None if key_option is None else self.secret(key_option)
        return self.client.request(
            operation.method, path, params=params, auth=auth, key=key, journal=journal, **body
        )

    def read_all(self, verify: Verification, reads: Sequence[Read]) -> Iterator[Exchange]:
        """Reads that do not depend on each other, sent at once (up to the client's concurrency), each
        judged when the caller takes it, in order: a caller that stops at an answer judges no later one.

        At concurrency 1 each is sent when the caller takes it, as with ``call``.
        """
        if self.client.concurrency.ceiling == 1:
            for read in reads:
                yield self.call(verify, read.operation_id, read.path_params, params=read.params)
            return
        answers = self.send_together([(r.operation_id, r.path_params, {"params": r.params}) for r in reads])
        for read, answer in zip(reads, answers, strict=True):
            exchange = answer.result()
            self.client.journal.append(exchange)  # this thread's: the pool's threads have none
            self.receive(verify, read.operation_id, exchange, read.path_params)
            yield exchange

    def send_together(
        self, requests: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]
    ) -> list[Future[Exchange]]:
        """Requests (operation, path parameters, what else ``send`` takes) that do not depend on each
        other, sent at once, up to the client's concurrency, and left out of the journal: each one's
        answer, or what sending it raised, once all are answered, for the caller to journal and judge."""
        limit = self.client.concurrency

        def send(operation_id: str, path_params: Mapping[str, Any], options: Mapping[str, Any]) -> Exchange:
            with limit.slot():
                return self.send(operation_id, path_params, journal=False, **options)

        with ThreadPoolExecutor(max_workers=min(limit.ceiling, len(requests) or 1)) as pool:
            return [pool.submit(send, *request) for request in requests]

    def adopt(
        self, verify: Verification, operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
    ) -> None:
        """A request sent ahead for the current test, and noted when it was sent: the test's journal
        takes it and its checks judge it."""
        self.client.journal.append(exchange)
        self._touch(exchange, path_params)
        self._judge(verify, operation_id, exchange, path_params)

    def snapshot(self, verify: Verification, record: Any) -> Any:
        """The record's state as ``Vendor.snapshot`` reads it (the vendor must have one)."""
        snapshot = self.vendor.snapshot
        if snapshot is None:
            raise TypeError(f"{self.vendor.name} has no read to prove a request wrote nothing")
        exchange = self.call(verify, snapshot.operation, self.record_path(record), params=snapshot.params)
        return snapshot.state(exchange)

    def record_path(self, record: Any) -> dict[str, Any]:
        """The path parameters that address one record."""
        return {self.vendor.record_param: record} if self.vendor.record_param else {}

    def receive(
        self, verify: Verification, operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
    ) -> None:
        """Every answer: judged by the checks mapped to its operation and by the generic security checks
        (every exchange of a test passes here: ``call`` and fuzzing's ``send`` both end in it), and
        noted if it created a task."""
        self._judge(verify, operation_id, exchange, path_params)
        self.note(operation_id, exchange, path_params)

    def _judge(
        self, verify: Verification, operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
    ) -> None:
        carried = self.vendor.auth.carried(exchange.request)
        context = ResponseContext(self.operation(operation_id), exchange, path_params, carried)
        run_response_checks(verify, self.vendor.response_clauses.get(operation_id, {}), context)
        if self.checks_security:
            run_response_checks(verify, SECURITY_CLAUSES, context)

    def _touch(self, exchange: Exchange, path_params: Mapping[str, Any]) -> Any:
        """The record the exchange touched (None: none), kept for the current test's findings."""
        record = path_params.get(self.vendor.record_param) if self.vendor.record_param else None
        if record is not None:
            self.touched[id(exchange)] = (exchange, record)
        return record

    def note(self, operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]) -> None:
        """What an answer did to the target, judged or not: the record it touched, an accepted write,
        a task it created (evidence of later tests, and the cleanup)."""
        record = self._touch(exchange, path_params)
        if record is not None and exchange.is_write and exchange.succeeded:
            self.accepted_writes.setdefault(record, []).append(exchange)
        if self.vendor.created_task is not None:
            created = self.vendor.created_task(operation_id, exchange, path_params)
            if created is not None:
                self.created.append(created)

    def earlier_writes(self, evidence: Sequence[Exchange]) -> list[Exchange]:
        """The accepted writes, before the current test's journal, on the records ``evidence`` touched."""
        records = {self.touched[id(e)][1] for e in evidence if id(e) in self.touched}
        current = {id(exchange) for exchange in self.client.journal}
        earlier = [
            w for record in records for w in self.accepted_writes.get(record, ()) if id(w) not in current
        ]
        return sorted(earlier, key=lambda write: write.request.sent_at)

    def start_test(self) -> None:
        self.client.journal.clear()
        self.touched.clear()

    def drain_created(self) -> list[tuple[Any, Any]]:
        """Tasks created since the last drain; one a lane creates meanwhile stays for the next."""
        count = len(self.created)
        drained = self.created[:count]
        del self.created[:count]
        return drained
