"""Response checks only Superfone needs, and the clause each check answers per operation."""

from __future__ import annotations

from ...checks import (
    ResponseCheck,
    ResponseContext,
    documented_status,
    not_found_uses_documented_message,
    response_check,
    response_fields,
    unauthorized_uses_documented_message,
)
from ...findings import Verification

__all__ = ["RESPONSE_CLAUSES", "tasks_belong_to_lead"]


@response_check
def tasks_belong_to_lead(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """No task of another lead (or account) may appear in an answer about this lead."""
    if ctx.exchange.status != 200 or "lead_id" not in ctx.path_params:
        return
    lead = ctx.path_params["lead_id"]
    data = (ctx.exchange.json() or {}).get("data")
    tasks = data.get("rows", []) if isinstance(data, dict) and "rows" in data else [data]
    owners = [task.get("customer_id") for task in tasks if isinstance(task, dict)]
    verify.expect(
        clause,
        all(owner == lead for owner in owners),
        f"customer_id {lead} on every task",
        f"customer_id values {sorted(set(map(str, owners)))}",
        ctx.exchange,
    )


def _clauses(prefix: str, fields: str, belongs: str | None) -> dict[ResponseCheck, str]:
    clauses = {
        documented_status: f"SF-{prefix}-DOCUMENTED-STATUSES",
        unauthorized_uses_documented_message: f"SF-{prefix}-ERR-AUTH",
        not_found_uses_documented_message: f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
        response_fields: fields,
    }
    if belongs:
        clauses[tasks_belong_to_lead] = belongs
    return clauses


RESPONSE_CLAUSES = {
    "createTask": _clauses("CREATE", "SF-CREATE-RESPONSE-FIELDS", "SF-CREATE-CUSTOMER-ID"),
    "listTasks": _clauses("LIST", "SF-LIST-RESPONSE-FIELDS", "SF-LIST-SINGLE-LEAD"),
    "completeTask": _clauses(
        "COMPLETE", "SF-COMPLETE-RETURNS-CLOSED-TASK", "SF-COMPLETE-RETURNS-CLOSED-TASK"
    ),
}
