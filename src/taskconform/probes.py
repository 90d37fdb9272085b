"""Probes: single requests whose answer a document names exactly (h2spec-style cases as data).

A probe sends one request in which exactly one documented error condition holds, and expects the
documented status and message; for writes it also proves, where the vendor offers a read, that the
rejected request changed nothing. A ``KeyProbe`` presents the key its own way (another header, another
scheme word, the key spoilt on purpose) to prove that only the documented presentation is accepted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .checks import body_strings
from .errors import InfrastructureError, NotConfigured
from .exchange import Exchange
from .findings import Verification
from .target import NO_BODY, Probe, Target

__all__ = ["KeyProbe", "SentAhead", "run_probe", "send_ahead"]


@dataclass(frozen=True, kw_only=True)
class KeyProbe(Probe):
    """A probe whose key is not presented as the vendor's scheme does it.

    ``headers`` builds the request's headers from the configured key (``key_option``'s, else the
    vendor's own), so a probe can send the real key where or how the document does not put it
    without holding it: the key stays a secret, masked wherever the exchange is shown. ``auth`` says
    what the vendor's own scheme adds beside them (``AuthMode.MISSING``: nothing, so a header of the
    scheme's name is the probe's own; ``AuthMode.WRONG``: a wrong key in its usual place).
    """

    headers: Callable[[str], Mapping[str, str]]


def _presented_headers(target: Target, probe: Probe) -> dict[str, str]:
    """The headers a ``KeyProbe`` presents its key in; every other probe leaves the key to the client."""
    if not isinstance(probe, KeyProbe):
        return {}
    return dict(probe.headers(target.secret(probe.key_option or target.vendor.key_option)))


def _fill(value: Any, target: Target, writes: bool) -> Any:
    """Pool names become records; a pool the configuration leaves empty raises ``NotConfigured``."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        kind = value[1:-1]
        if kind in target.vendor.pools:
            return target.first(kind, writes=writes)
    if isinstance(value, dict):
        return {k: _fill(v, target, writes) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, target, writes) for v in value]
    return value


def _message_matches(probe: Probe, strings: set[str]) -> bool:
    if probe.message is not None:
        return probe.message in strings
    if probe.message_prefix is not None:
        return any(
            text.startswith(probe.message_prefix) and all(word in text for word in probe.message_mentions)
            for text in strings
        )
    return True


def _describe_message(probe: Probe) -> str:
    if probe.message is not None:
        return f" with message {probe.message!r}"
    if probe.message_prefix is not None:
        return f" with a message starting {probe.message_prefix!r} naming {', '.join(probe.message_mentions)}"
    return ""


@dataclass(frozen=True)
class _Request:
    """A probe's request, its pool names filled in with this worker's records."""

    operation: str
    path_params: dict[str, Any]
    record: Any  # the record its path addresses (None: none)
    send: dict[str, Any]  # params, auth, key_option, headers and the body, as ``Target.send`` takes them


def _request(target: Target, probe: Probe) -> _Request:
    """Raises ``NotConfigured`` when the configuration lacks what the probe needs."""
    for key in (*probe.needs, *filter(None, [probe.key_option])):
        target.option(key)
    writes = probe.operation != target.vendor.read_operation
    path_params = _fill(dict(probe.path_params), target, writes)
    send: dict[str, Any] = {
        "params": _fill(dict(probe.params), target, writes),
        "auth": probe.auth,
        "key_option": probe.key_option,
        "headers": _presented_headers(target, probe),
    }
    if probe.json_body is not NO_BODY:
        send["json_body"] = _fill(probe.json_body, target, writes)
    elif probe.content is not None:
        send["content"] = probe.content
    return _Request(probe.operation, path_params, next(iter(path_params.values()), None), send)


@dataclass(frozen=True)
class SentAhead:
    """A probe's request sent before its test, among the other probes of the batch (``send_ahead``).

    ``states``: the probe's record before and after the whole batch, for a probe that must write
    nothing; ``snapshots``: the two reads that showed them, judged by the first such probe's test.
    """

    exchange: Exchange
    states: tuple[Any, Any] | None = None
    snapshots: tuple[Exchange, Exchange] | None = None


def send_ahead(target: Target, probes: Sequence[Probe]) -> dict[str, SentAhead]:
    """Sends the probes' requests at once, up to the client's concurrency, for their tests to judge.

    Probes do not depend on each other, but a probe that must write nothing reads its record before
    and after: here once for the whole batch. Writes only ever add to a record's state, so a state
    unchanged over the batch is unchanged over each probe in it; if it changed, a probe wrote where
    it must not, and which one its own test finds out (each of that record's probes runs again in its
    test, as at concurrency 1). A probe that prepares its record, that the configuration cannot
    serve, or whose request failed, is left to its test as well.
    """
    requests: dict[str, _Request] = {}
    for probe in probes:
        if probe.prepare is None:
            with contextlib.suppress(NotConfigured):
                requests[probe.id] = _request(target, probe)
    snapshot = target.vendor.snapshot
    proven = {
        probe.id: requests[probe.id].record
        for probe in probes
        if snapshot is not None and probe.writes_nothing and probe.id in requests
    }
    records = list(dict.fromkeys(proven.values()))
    state_reads = [
        (snapshot.operation, target.record_path(record), {"params": snapshot.params})
        for record in records
        if snapshot is not None
    ]
    probe_requests = [(request.operation, request.path_params, request.send) for request in requests.values()]
    before = _answers(target, state_reads)
    answers = dict(zip(requests, _answers(target, probe_requests), strict=True))
    after = _answers(target, state_reads)
    reads = {
        record: (first, last)
        for record, first, last in zip(records, before, after, strict=True)
        if first is not None and last is not None
    }
    states = {
        record: (snapshot.state(first), snapshot.state(last))
        for record, (first, last) in reads.items()
        if snapshot is not None
    }
    sent: dict[str, SentAhead] = {}
    for probe_id, exchange in answers.items():
        record = proven.get(probe_id)
        if exchange is None:
            continue
        if probe_id not in proven:
            sent[probe_id] = SentAhead(exchange)
        elif record in states and states[record][0] == states[record][1]:
            # The first probe of the record judges the two reads, as its test would have sent them.
            sent[probe_id] = SentAhead(exchange, states[record], reads.pop(record, None))
    return sent


def _answers(
    target: Target, requests: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]
) -> list[Exchange | None]:
    """Each request's answer, sent together with the others and noted (what it did to the target);
    None where the target could not be reached: the probe's own test meets that again and reports it."""
    answers: list[Exchange | None] = []
    for (operation, path_params, _), answer in zip(requests, target.send_together(requests), strict=True):
        if isinstance(answer.exception(), InfrastructureError):
            answers.append(None)
            continue
        target.note(operation, answer.result(), path_params)
        answers.append(answer.result())
    return answers


def run_probe(target: Target, verify: Verification, probe: Probe, sent: SentAhead | None = None) -> None:
    """Sends the probe (or judges it, ``sent`` ahead) and checks its answer."""
    request = _request(target, probe)
    # A record the target claims exists although it should not: the failure says so.
    note = f" ({target.withheld[request.record]})" if request.record in target.withheld else ""
    exchange, states = (
        _send(target, verify, probe, request) if sent is None else _adopt(target, verify, request, sent)
    )
    if probe.status is None:
        verify.exercised.add(probe.clause)
    else:
        verify.expect(
            probe.clause,
            exchange.status == probe.status and _message_matches(probe, body_strings(exchange)),
            f"{probe.status}{_describe_message(probe)}{note}",
            f"{exchange.status} {exchange.response.text[:300]}",
            exchange,
        )
    if probe.answer_check is not None:
        holds, expected = probe.answer_check(target, exchange)
        actual = f"{exchange.status} {exchange.response.text[:300]}"
        verify.expect(probe.clause, holds, expected, actual, exchange)
    if states is not None:
        before, after = states
        verify.expect(
            probe.clause, before == after, "the record unchanged", f"{before!r} became {after!r}", exchange
        )


def _send(
    target: Target, verify: Verification, probe: Probe, request: _Request
) -> tuple[Exchange, tuple[Any, Any] | None]:
    if probe.prepare is not None:
        probe.prepare(target, verify, request.record)
    proves = probe.writes_nothing and target.vendor.snapshot is not None
    before = target.snapshot(verify, request.record) if proves else None
    exchange = target.call(verify, request.operation, request.path_params, **request.send)
    return exchange, (before, target.snapshot(verify, request.record)) if proves else None


def _adopt(
    target: Target, verify: Verification, request: _Request, sent: SentAhead
) -> tuple[Exchange, tuple[Any, Any] | None]:
    read = target.vendor.snapshot
    reads = sent.snapshots if read is not None else None
    if reads and read:
        target.adopt(verify, read.operation, reads[0], target.record_path(request.record))
    target.adopt(verify, request.operation, sent.exchange, request.path_params)
    if reads and read:
        target.adopt(verify, read.operation, reads[1], target.record_path(request.record))
    return sent.exchange, sent.states
