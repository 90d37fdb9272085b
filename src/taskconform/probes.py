"""Probes: single requests whose answer a document names exactly (h2spec-style cases as data).

A probe sends one request in which exactly one documented error condition holds, and expects the
documented status and message; for writes it also proves, where the vendor offers a read, that the
rejected request changed nothing. A ``KeyProbe`` presents the key its own way (another header, another
scheme word, the key spoilt on purpose) to prove that only the documented presentation is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .checks import body_strings
from .findings import Verification
from .target import NO_BODY, Probe, Target

__all__ = ["KeyProbe", "run_probe"]


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
    headers = _presented_headers(target, probe)
    params = _fill(dict(probe.params), target, writes)
    exchange = target.call(
        verify,
        probe.operation,
        path_params,
        params=params,
        auth=probe.auth,
        key_option=probe.key_option,
        headers=headers,
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
