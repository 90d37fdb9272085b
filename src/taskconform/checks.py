"""Response checks: small functions, one rule each, registered in one place.

Every response the suite receives — from fuzzing, probes or the stateful model — passes through
the checks its vendor maps to clauses for that operation (``Vendor.response_clauses``, keyed by the
check function itself). A check with no clause for an operation does not run there: nothing is
asserted without a sentence behind it. The checks every vendor may use are here; a check only one
vendor needs lives in its package (``vendors/<vendor>/checks.py``) and registers the same way.

The generic security checks (``contracts/security.yaml``) are the one exception: no document claims
them, and they hold for every answer of every vendor, so ``SECURITY_CLAUSES`` maps them once, here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

from .client import SentCredential
from .contract import OperationContract
from .exchange import Exchange, RecordedResponse
from .findings import Verification

__all__ = [
    "RESPONSE_CHECKS",
    "SECURITY_CLAUSES",
    "ResponseCheck",
    "ResponseContext",
    "body_strings",
    "credential_not_reflected",
    "reflections",
    "response_check",
    "run_response_checks",
    "string_values",
]


@dataclass(frozen=True)
class ResponseContext:
    operation: OperationContract
    exchange: Exchange
    path_params: Mapping[str, Any]
    # The keys the request carried (``AuthScheme.carried``): what the answer must never show.
    credentials: tuple[SentCredential, ...] = ()


ResponseCheck = Callable[[Verification, str, ResponseContext], None]
RESPONSE_CHECKS: dict[str, ResponseCheck] = {}


def response_check(func: ResponseCheck) -> ResponseCheck:
    """Register a check under its name, which states its rule: two checks of one name are refused."""
    if func.__name__ in RESPONSE_CHECKS:
        raise ValueError(f"a response check named {func.__name__!r} is registered already")
    RESPONSE_CHECKS[func.__name__] = func
    return func


def run_response_checks(
    verify: Verification, clauses: Mapping[ResponseCheck, str], context: ResponseContext
) -> None:
    for check, clause in clauses.items():
        check(verify, clause, context)


def string_values(node: Any) -> Iterator[str]:
    """Every string in a JSON document: where an error message sits is undocumented, so look everywhere."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from string_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from string_values(value)


def body_strings(exchange: Exchange) -> set[str]:
    """The strings of a JSON body, or the whole text of any other body."""
    body = exchange.json()
    return set(string_values(body if body is not None else exchange.response.text))


@response_check
def documented_status(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    status = ctx.exchange.status
    verify.expect(
        clause,
        ctx.operation.status_documented(status),
        f"one of the documented statuses {', '.join(sorted(ctx.operation.statuses))}",
        f"{status}",
        ctx.exchange,
    )


@response_check
def response_fields(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """A success answer (any 2xx: some documents give no code) matches the schema declared for it."""
    if not ctx.exchange.succeeded:
        return
    body = ctx.exchange.json()
    if body is None:
        verify.expect(clause, False, "a JSON body", ctx.exchange.response.text[:200], ctx.exchange)
        return
    errors = ctx.operation.schema_errors(ctx.exchange.status, body)
    verify.expect(
        clause, not errors, "the documented response fields and types", "; ".join(errors[:5]), ctx.exchange
    )


def _expect_documented_message(verify: Verification, clause: str, ctx: ResponseContext, status: int) -> None:
    if ctx.exchange.status != status:
        return
    documented = ctx.operation.messages.get(str(status), ())
    found = body_strings(ctx.exchange)
    verify.expect(
        clause,
        any(message in found for message in documented),
        f"the documented message {' or '.join(repr(m) for m in documented)}",
        ctx.exchange.response.text[:300],
        ctx.exchange,
    )


@response_check
def unauthorized_uses_documented_message(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """401 has a single documented cause, so every 401 must carry its documented message."""
    _expect_documented_message(verify, clause, ctx, 401)


@response_check
def not_found_uses_documented_message(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """Every documented 404 cause has its own message; a 404 without one of them is undocumented."""
    _expect_documented_message(verify, clause, ctx, 404)


# --- Generic security checks (contracts/security.yaml) ---------------------------------------------

# A shorter key would match ordinary text (a word, an id) by chance; no real API key is this short.
SHORTEST_KEY = 8
KEY_PLACEHOLDER = "<the key>"
_EXCERPT = 80


def _spellings(key: str) -> set[str]:
    """The key as sent, and as a server that echoes a URL or a form field would spell it."""
    return {key, quote(key, safe=""), quote_plus(key)}


def _masked(text: str, key: str) -> str:
    """``text`` with every spelling of ``key`` replaced by a placeholder: a finding shows where and in
    what context a key appeared, never the key (and reads the same before and after redaction)."""
    for spelling in sorted(_spellings(key), key=len, reverse=True):
        text = text.replace(spelling, KEY_PLACEHOLDER)
    return text


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _excerpt(text: str, key: str) -> str:
    """``text`` masked, clipped and quoted: masked first, so no escaping can hide a spelling of the key."""
    masked = _masked(text, key)
    return _quoted(masked if len(masked) <= _EXCERPT else masked[:_EXCERPT] + "…")


def _member(path: str, name: str, key: str) -> str:
    masked = _masked(name, key)
    return f"{path}.{masked}" if masked.isidentifier() else f"{path}[{_quoted(masked)}]"


def _json_places(node: Any, key: str, path: str = "$") -> Iterator[str]:
    """JSON positions of the key: property names and string values (numbers and booleans cannot hold it)."""
    if isinstance(node, str):
        if _masked(node, key) != node:
            yield f"body {path} {_excerpt(node, key)}"
    elif isinstance(node, dict):
        for name, value in node.items():
            if _masked(name, key) != name:
                yield f"body {path}: a property name {_excerpt(name, key)}"
            yield from _json_places(value, key, _member(path, name, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _json_places(value, key, f"{path}[{index}]")


def _text_place(text: str, key: str) -> Iterator[str]:
    """The first place of the key in a body that is not JSON, by character offset."""
    offsets = sorted(index for spelling in _spellings(key) if (index := text.find(spelling)) >= 0)
    if offsets:
        masked = _masked(text, key)  # before cutting: a cut must not leave part of the key unmasked
        start = max(masked.find(KEY_PLACEHOLDER) - _EXCERPT // 2, 0)
        yield f"body at character {offsets[0]} {_excerpt(masked[start : start + _EXCERPT], key)}"


def reflections(key: str, response: RecordedResponse) -> list[str]:
    """Where ``key`` appears in ``response`` (header names and values, JSON positions, else a character
    offset in the body), each with its context, the key replaced by a placeholder."""
    places = [
        f"header {_masked(name, key)} {_excerpt(value, key)}"
        for name, value in response.headers.items()
        if _masked(value, key) != value
    ]
    places += [
        f"a header name {_excerpt(name, key)}" for name in response.headers if _masked(name, key) != name
    ]
    body = response.json_or_none()
    places += _json_places(body, key) if body is not None else _text_place(response.text, key)
    return places


@response_check
def credential_not_reflected(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """An answer is read, logged and cached by more hands than the key's owner: a key it shows is a key
    given away. Where it appeared is the finding; the key itself never is."""
    for credential in ctx.credentials:
        if len(credential.value) < SHORTEST_KEY:
            continue
        places = reflections(credential.value, ctx.exchange.response)
        verify.expect(
            clause,
            not places,
            f"no trace, in any header or the body, of the key sent in {credential.where}",
            f"the {ctx.exchange.status} answer shows it ({KEY_PLACEHOLDER} below): {'; '.join(places)}",
            ctx.exchange,
        )


# Check -> clause of contracts/security.yaml: run on every answer of every vendor (``Target.receive``)
# unless the run turned them off (--no-security-checks).
SECURITY_CLAUSES: Mapping[ResponseCheck, str] = {credential_not_reflected: "SEC-CREDENTIAL-NOT-REFLECTED"}
