"""Response checks only LeadLex needs, and the clause each check answers per operation."""

from __future__ import annotations

from ...checks import ResponseContext, documented_status, response_check, response_fields
from ...findings import Verification
from .api import PRIORITIES, STATUSES

__all__ = [
    "ERROR_BODY",
    "RESPONSE_CLAUSES",
    "created_priority_is_documented",
    "created_status_is_documented",
    "error_body_shape",
]

# The shape of the page's "Orphan-task rejection example".
ERROR_BODY = '{"error": {"code": <string>, "message": <string>}}'
# The statuses of the page's error table, whose body the example shows.
_DOCUMENTED_ERROR_STATUSES = (400, 403)


@response_check
def error_body_shape(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """Every 400 and 403 answer has the documented error body (other fields allowed)."""
    status = ctx.exchange.status
    if status not in _DOCUMENTED_ERROR_STATUSES:
        return
    body = ctx.exchange.json()
    errors = ["(body): not JSON"] if body is None else ctx.operation.schema_errors(status, body)
    verify.expect(
        clause,
        not errors,
        f"a {status} body {ERROR_BODY}",
        f"{'; '.join(errors[:5])}: {ctx.exchange.response.text[:300]}",
        ctx.exchange,
    )


def _created_value_is_documented(
    verify: Verification, clause: str, ctx: ResponseContext, field: str, values: tuple[str, ...]
) -> None:
    """Whatever was sent — "High", " high " — an accepted task's value is one of the documented ones.
    None is no value (LL-OPEN-PRIORITY-DEFAULT: a priority may be absent)."""
    if not ctx.exchange.succeeded:
        return
    value = ctx.exchange.data().get(field)
    if value is not None:
        verify.expect(
            clause, value in values, f"{field} one of {', '.join(values)}", repr(value), ctx.exchange
        )


@response_check
def created_priority_is_documented(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    _created_value_is_documented(verify, clause, ctx, "priority", PRIORITIES)


@response_check
def created_status_is_documented(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    _created_value_is_documented(verify, clause, ctx, "status", STATUSES)


RESPONSE_CLAUSES = {
    "createTask": {
        documented_status: "LL-CREATE-DOCUMENTED-STATUSES",
        response_fields: "LL-CREATE-RESPONSE-FIELDS",
        error_body_shape: "LL-CREATE-ERROR-BODY",
        created_priority_is_documented: "LL-CREATE-PRIORITY-VALUES",
        created_status_is_documented: "LL-CREATE-STATUS-VALUES",
    }
}
