"""Response checks only Superfone needs."""

from __future__ import annotations

from ..findings import Verification
from . import ResponseContext, response_check

__all__ = ["tasks_belong_to_lead"]


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
