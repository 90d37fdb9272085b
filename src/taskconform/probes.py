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
from .findings import Verification
from .target import Target

__all__ = ["NO_BODY", "Probe", "run_probe"]

NO_BODY: Any = object()


@dataclass(frozen=True)
class Probe:
    id: str
    clause: str
    operation: str
    # Which record the path names: "own" (a configured one), "foreign", "missing", or a literal value.
    record: str = "own"
    params: Mapping[str, Any] = field(default_factory=dict)
    json_body: Any = NO_BODY
    content: bytes | None = None
    auth: AuthMode = AuthMode.VALID
    # None: no status of its own; the operation's response checks (documented statuses...) judge it.
    status: int | None = 400
    message: str | None = None
    message_prefix: str | None = None
    message_mentions: tuple[str, ...] = ()
    writes_nothing: bool = False
    # Puts the record in a state where a wrongly accepted request would change it (e.g. an open task).
    prepare: Callable[[Target, Verification, Any], None] | None = None


def _record(target: Target, probe: Probe) -> Any:
    pools = target.vendor.record_pools(target)
    return pools[probe.record][0] if probe.record in pools else probe.record


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
    record = _record(target, probe)
    path_params = {target.vendor.record_param: record}
    if probe.prepare is not None:
        probe.prepare(target, verify, record)
    before = target.vendor.snapshot(target, verify, record) if probe.writes_nothing else None
    body: dict[str, Any] = {}
    if probe.json_body is not NO_BODY:
        body["json_body"] = probe.json_body
    elif probe.content is not None:
        body["content"] = probe.content
    exchange = target.call(verify, probe.operation, path_params, params=probe.params, auth=probe.auth, **body)
    if probe.status is None:
        verify.exercised.add(probe.clause)
    else:
        verify.expect(
            probe.clause,
            exchange.status == probe.status and _message_matches(probe, body_strings(exchange)),
            f"{probe.status}{_describe_message(probe)}",
            f"{exchange.status} {exchange.response.text[:300]}",
            exchange,
        )
    if probe.writes_nothing:
        after = target.vendor.snapshot(target, verify, record)
        verify.expect(
            probe.clause, before == after, "the record unchanged", f"{before!r} became {after!r}", exchange
        )
