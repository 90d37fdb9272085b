"""Response checks only Superfone needs, and the clause each check answers per operation.

Beside the field tables, the three pages show one example body each; what only an example shows is
checked at the example level (``SF-<OP>-EXAMPLE-*``: a warning unless the run is strict). The values
those checks compare against are data below, read off the examples.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ...checks import (
    ResponseCheck,
    ResponseContext,
    documented_status,
    not_found_uses_documented_message,
    response_check,
    response_fields,
    unauthorized_uses_documented_message,
)
from ...contract import parse_instant
from ...exchange import Exchange
from ...findings import Verification

__all__ = [
    "EXAMPLE_FIELDS",
    "RESPONSE_CLAUSES",
    "answer_says_success",
    "created_task_has_sent_type",
    "created_task_is_pending",
    "task_status_word_follows_task_status",
    "tasks_belong_to_lead",
    "tasks_carry_example_fields",
]

# Every example's envelope: {"data": ..., "message": "success"}.
SUCCESS_MESSAGE = "success"
# Every example task's "status" beside its task_status.
STATUS_FOR = {"PENDING": "ACTIVE", "COMPLETE": "COMPLETE"}

_KINDS: dict[str, Callable[[Any], bool]] = {
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "timestamp": lambda value: parse_instant(value) is not None,
}
# A task's fields as the examples and tables show them, by the JSON types they take there. A field the
# examples show only as null (type_name) may hold anything: the examples say only that it is there.
TASK_FIELD_KINDS: Mapping[str, tuple[str, ...]] = {
    "org_id": ("number",),
    "customer_id": ("number",),
    "title": ("string", "null"),
    "type": ("string",),
    "type_name": (),
    "due_date": ("timestamp",),
    "notify_at": ("timestamp",),
    "notify": ("boolean",),
    "assignee_user_id": ("number", "null"),
    "created_by": ("number",),
    "updated_by": ("number", "null"),
    "created_at": ("timestamp",),
    "updated_at": ("timestamp",),
}
# Per operation, the task fields its example shows and no field table (or sentence) requires.
EXAMPLE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "createTask": ("org_id", "title", "type_name", "notify", "created_by", "updated_by", "updated_at"),
    "listTasks": ("org_id", "created_by", "updated_by"),
    "completeTask": tuple(name for name in TASK_FIELD_KINDS if name != "type_name"),
}


def _tasks(exchange: Exchange) -> list[dict[str, Any]]:
    """The tasks of a 200 answer: its data, or the rows of a listing's data."""
    body = exchange.json() if exchange.status == 200 else None
    data = body.get("data") if isinstance(body, dict) else None
    tasks = data.get("rows", []) if isinstance(data, dict) and "rows" in data else [data]
    return [task for task in tasks if isinstance(task, dict)]


@response_check
def tasks_belong_to_lead(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """No task of another lead (or account) may appear in an answer about this lead."""
    if ctx.exchange.status != 200 or "lead_id" not in ctx.path_params:
        return
    lead = ctx.path_params["lead_id"]
    owners = [task.get("customer_id") for task in _tasks(ctx.exchange)]
    verify.expect(
        clause,
        all(owner == lead for owner in owners),
        f"customer_id {lead} on every task",
        f"customer_id values {sorted(set(map(str, owners)))}",
        ctx.exchange,
    )


@response_check
def answer_says_success(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """Every example's envelope says "message": "success" beside its data."""
    body = ctx.exchange.json()
    if ctx.exchange.status != 200 or not isinstance(body, dict):
        return
    message = body.get("message", "(absent)")
    verify.expect(
        clause, message == SUCCESS_MESSAGE, f'"message": "{SUCCESS_MESSAGE}"', f"{message!r}", ctx.exchange
    )


@response_check
def task_status_word_follows_task_status(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """The examples pair task_status PENDING with status ACTIVE, and COMPLETE with COMPLETE."""
    for task in _tasks(ctx.exchange):
        task_status = task.get("task_status")
        expected = STATUS_FOR.get(task_status) if isinstance(task_status, str) else None
        if expected is None:
            continue  # an undocumented task_status is the must clauses' to judge
        verify.expect(
            clause,
            task.get("status") == expected,
            f'"status": "{expected}" beside task_status {task_status}',
            f"{task.get('status', '(absent)')!r} (task {task.get('id')})",
            ctx.exchange,
        )


def _unlike_example(task: Mapping[str, Any], fields: tuple[str, ...]) -> list[str]:
    """The fields of ``fields`` that ``task`` lacks, or holds in a type the examples never show."""
    wrong = []
    for name in fields:
        kinds = TASK_FIELD_KINDS[name]
        if name not in task:
            wrong.append(f"{name} absent")
        elif kinds and not any(_KINDS[kind](task[name]) for kind in kinds):
            wrong.append(f"{name} {task[name]!r} (the examples show {' or '.join(kinds)})")
    return wrong


@response_check
def tasks_carry_example_fields(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """The fields only the operation's example shows are there, with the types the examples give them."""
    fields = EXAMPLE_FIELDS.get(ctx.operation.operation_id, ())
    for task in _tasks(ctx.exchange):
        wrong = _unlike_example(task, fields)
        verify.expect(
            clause,
            not wrong,
            f"the example's fields {', '.join(fields)}",
            f"{'; '.join(wrong)} (task {task.get('id')})",
            ctx.exchange,
        )


def _sent_body(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.request.body or b"")
    except ValueError:
        return None


@response_check
def created_task_is_pending(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """Whatever else the body carried (``task_status``, ``status``, a field nobody documented), a new
    task is PENDING."""
    for task in _tasks(ctx.exchange):
        status = task.get("task_status")
        verify.expect(clause, status == "PENDING", "task_status PENDING", f"{status!r}", ctx.exchange)


@response_check
def created_task_has_sent_type(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """A type outside the list must be refused, so an accepted one is the one sent, as sent
    (``follow_up_call`` is no FOLLOW_UP_CALL)."""
    body = _sent_body(ctx.exchange)
    sent = body.get("type") if isinstance(body, dict) else None
    if not isinstance(sent, str):
        return  # a create without a type is SF-CREATE-ERR-TYPE-REQUIRED's to judge
    for task in _tasks(ctx.exchange):
        verify.expect(
            clause, task.get("type") == sent, f"type {sent!r} as sent", f"{task.get('type')!r}", ctx.exchange
        )


def _clauses(prefix: str, fields: str, belongs: str | None) -> dict[ResponseCheck, str]:
    clauses = {
        documented_status: f"SF-{prefix}-DOCUMENTED-STATUSES",
        unauthorized_uses_documented_message: f"SF-{prefix}-ERR-AUTH",
        not_found_uses_documented_message: f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
        response_fields: fields,
        answer_says_success: f"SF-{prefix}-EXAMPLE-MESSAGE",
        task_status_word_follows_task_status: f"SF-{prefix}-EXAMPLE-STATUS",
        tasks_carry_example_fields: f"SF-{prefix}-EXAMPLE-FIELDS",
    }
    if belongs:
        clauses[tasks_belong_to_lead] = belongs
    return clauses


RESPONSE_CLAUSES = {
    "createTask": {
        **_clauses("CREATE", "SF-CREATE-RESPONSE-FIELDS", "SF-CREATE-CUSTOMER-ID"),
        created_task_is_pending: "SF-CREATE-STATUS-PENDING",
        created_task_has_sent_type: "SF-CREATE-TYPE-ECHO",
    },
    "listTasks": _clauses("LIST", "SF-LIST-RESPONSE-FIELDS", "SF-LIST-SINGLE-LEAD"),
    "completeTask": _clauses(
        "COMPLETE", "SF-COMPLETE-RETURNS-CLOSED-TASK", "SF-COMPLETE-RETURNS-CLOSED-TASK"
    ),
}
