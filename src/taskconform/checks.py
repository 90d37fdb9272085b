"""Response checks: small functions, one rule each, registered in one place.

Every response the suite receives — from fuzzing, probes or the stateful model — passes through
the checks its vendor maps to clauses for that operation (``Vendor.response_clauses``, keyed by the
check function itself). A check with no clause for an operation does not run there: nothing is
asserted without a sentence behind it. The checks every vendor may use are here; a check only one
vendor needs lives in its package (``vendors/<vendor>/checks.py``) and registers the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .contract import OperationContract
from .exchange import Exchange
from .findings import Verification

__all__ = [
    "RESPONSE_CHECKS",
    "ResponseCheck",
    "ResponseContext",
    "body_strings",
    "response_check",
    "run_response_checks",
    "string_values",
]


@dataclass(frozen=True)
class ResponseContext:
    operation: OperationContract
    exchange: Exchange
    path_params: Mapping[str, Any]


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
