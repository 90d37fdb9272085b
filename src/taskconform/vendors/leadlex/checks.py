"""Response checks only LeadLex needs, and the clause each check answers per operation."""

from __future__ import annotations

from typing import Any

from ...checks import ResponseContext, documented_status, response_check, response_fields
from ...exchange import Exchange
from ...findings import Verification

__all__ = [
    "ERROR_BODY",
    "RESPONSE_CLAUSES",
    "error_body_shape",
    "error_code",
]

# The shape of the page's "Orphan-task rejection example".
ERROR_BODY = '{"error": {"code": <string>, "message": <string>}}'
# The statuses of the page's error table, whose body the example shows.
_DOCUMENTED_ERROR_STATUSES = (400, 403)


def error_code(exchange: Exchange) -> Any:
    """``error.code`` of an error body, or None where the body has none."""
    body = exchange.json()
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


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


RESPONSE_CLAUSES = {
    "createTask": {
        documented_status: "LL-CREATE-DOCUMENTED-STATUSES",
        response_fields: "LL-CREATE-RESPONSE-FIELDS",
        error_body_shape: "LL-CREATE-ERROR-BODY",
    }
}
