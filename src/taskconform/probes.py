"""Probes: single requests whose answer a document names exactly (h2spec-style cases as data).

A probe sends one request in which exactly one documented error condition holds, and expects the
documented status and message; for writes it also proves, where the vendor offers a read, that the
rejected request changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .checks import body_strings
from .client import AuthMode
from .exchange import Exchange
from .findings import Verification
from .target import Target

__all__ = ["NO_BODY", "AnswerCheck", "Probe", "run_probe"]

NO_BODY: Any = object()
# A vendor's own expectation on a probe's answer (an error code, ids in the body...): whether it holds,
# and what was expected.
AnswerCheck = Callable[[Target, Exchange], tuple[bool, str]]


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


def run_probe(target: Target, verify: Verification, probe: Probe) -> None:
    for key in probe.needs:
        target.option(key)
    writes = probe.operation != target.vendor.read_operation
    path_params = _fill(dict(probe.path_params), target, writes)
    record = next(iter(path_params.values()), None)
    # A record the target claims exists although it should not: the failure says so.
    note = f" ({target.withheld[record]})" if record in target.withheld else ""
    if probe.prepare is not None:
        probe.prepare(target, verify, record)
    snapshot = target.vendor.snapshot if probe.writes_nothing else None
    before = snapshot(target, verify, record) if snapshot else None
    body: dict[str, Any] = {}
    if probe.json_body is not NO_BODY:
        body["json_body"] = _fill(probe.json_body, target, writes)
    elif probe.content is not None:
        body["content"] = probe.content
    params = _fill(dict(probe.params), target, writes)
    exchange = target.call(
        verify,
        probe.operation,
        path_params,
        params=params,
        auth=probe.auth,
        key_option=probe.key_option,
        **body,
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
    if snapshot:
        after = snapshot(target, verify, record)
        verify.expect(
            probe.clause, before == after, "the record unchanged", f"{before!r} became {after!r}", exchange
        )
