"""Superfone's single-task rules as reusable expectations, shared by example tests and the state model.

Instants are compared, never strings: ``2026-05-20T15:00:00Z`` and ``2026-05-20T15:00:00.000+00:00``
are the same due date. The suite sends whole seconds so that a target storing seconds only is
still exact. Which task Complete Task may close depends on the lead's tasks, so its answer is judged
against the model (``superfone_model``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ...checks import body_strings
from ...contract import parse_instant
from ...exchange import Exchange
from ...findings import Verification
from .model import LeadModel, ModelTask

__all__ = [
    "TaskRequest",
    "expect_completed",
    "expect_created_task",
    "iso",
    "wait_for_the_next_second",
    "whole_seconds_from_now",
]

NOTIFY_LEAD_TIME = timedelta(minutes=10)
NO_OPEN_TASK = "No open task found for this lead"


def whole_seconds_from_now(delta: timedelta) -> datetime:
    return (datetime.now(UTC) + delta).replace(microsecond=0)


# Enough for a clock of millisecond resolution to stamp the next task later.
FINER_CLOCK_WAIT_S = 0.005


def wait_for_the_next_second(stamp: datetime | None) -> None:
    """Sleep until a task created now is stamped a whole second after ``stamp``, the server's
    created_at of the task just created: tasks of one second tie on a server whose clock has
    whole-second resolution, and ties have no order, so a check of a strict order needs its tasks a
    second apart.

    Counted from the server's own stamp, which it made before it answered, so the offset between its
    clock and ours does not matter. At most a second, and only in the tests that need a strict order.
    A stamp with a fraction comes from a finer clock: a few milliseconds then part the next task (a
    clock in milliseconds shows a whole second once in a thousand stamps, and then waits needlessly).
    """
    fraction = stamp.microsecond if stamp is not None else 0
    time.sleep(FINER_CLOCK_WAIT_S if fraction else 1.0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TaskRequest:
    type: str
    due: datetime
    notify: datetime | None = None
    note: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "due_date": iso(self.due)}
        if self.notify is not None:
            body["notify_at"] = iso(self.notify)
        if self.note is not None:
            body["customer_note"] = self.note
        return body


def expect_completed(
    verify: Verification, model: LeadModel, exchange: Exchange, *evidence: Exchange
) -> ModelTask | None:
    """Check a Complete Task answer against the model, which then records the close; return the task
    the model closed. Any open task tied with the most recently created one is a documented choice."""
    evidence = evidence or (exchange,)
    candidates = model.most_recent_open()
    if not candidates:
        verify.expect(
            "SF-COMPLETE-ERR-NO-OPEN-TASK",
            exchange.status == 400 and NO_OPEN_TASK in body_strings(exchange),
            f'400 "{NO_OPEN_TASK}" (the model has no open task)',
            f"{exchange.status} {exchange.response.text[:200]}",
            *evidence,
        )
        return None
    closed = exchange.data()
    verify.expect(
        "SF-COMPLETE-RETURNS-CLOSED-TASK",
        exchange.status == 200 and closed.get("task_status") == "COMPLETE",
        "200 with the closed task, task_status COMPLETE",
        f"{exchange.status} task_status {closed.get('task_status')!r}",
        *evidence,
    )
    expected = " or ".join(str(task.id) for task in candidates)
    verify.expect(
        "SF-COMPLETE-MOST-RECENT",
        any(task.id == closed.get("id") for task in candidates),
        f"task {expected}, the most recently created open task",
        f"task {closed.get('id')}",
        *evidence,
    )
    return model.complete(closed.get("id"))


def _instant_text(value: Any) -> str:
    return f"{value!r}"


def expect_created_task(
    verify: Verification,
    exchange: Exchange,
    request: TaskRequest,
    tolerance: timedelta,
    assignee: Any = None,
) -> dict[str, Any] | None:
    """Check a create answer against every single-task clause; return the task if it was created."""
    verify.expect(
        "SF-CREATE-SUCCESS-STATUS",
        exchange.status == 200,
        "200 for a valid create",
        exchange.status,
        exchange,
    )
    # Only SF-CREATE-SUCCESS-STATUS is about the exact code; the other clauses judge any created task.
    created = verify.expect(
        "SF-CREATE-TYPES-ACCEPTED",
        exchange.succeeded,
        f"type {request.type} accepted",
        exchange.status,
        exchange,
    )
    if not created:
        return None
    task = exchange.data()
    verify.expect(
        "SF-CREATE-TYPE-ECHO",
        task.get("type") == request.type,
        f"type {request.type}",
        task.get("type"),
        exchange,
    )
    verify.expect(
        "SF-CREATE-STATUS-PENDING",
        task.get("task_status") == "PENDING",
        "task_status PENDING",
        task.get("task_status"),
        exchange,
    )
    due = parse_instant(task.get("due_date"))
    verify.expect(
        "SF-CREATE-DUE-DATE-INSTANT",
        due == request.due,
        f"due_date at {iso(request.due)}",
        _instant_text(task.get("due_date")),
        exchange,
    )
    _expect_notify(verify, exchange, task, request, tolerance)
    if assignee is not None:
        verify.expect(
            "SF-CREATE-ASSIGNEE-INHERITED",
            task.get("assignee_user_id") == assignee,
            f"assignee_user_id {assignee} (the lead's assignee)",
            task.get("assignee_user_id"),
            exchange,
        )
    return task


def _expect_notify(
    verify: Verification, exchange: Exchange, task: dict[str, Any], request: TaskRequest, tolerance: timedelta
) -> None:
    notify = parse_instant(task.get("notify_at"))
    actual = _instant_text(task.get("notify_at"))
    if request.notify is not None:
        verify.expect(
            "SF-CREATE-NOTIFY-EXPLICIT",
            notify == request.notify,
            f"notify_at at {iso(request.notify)} as sent",
            actual,
            exchange,
        )
    elif request.type == "REMINDER":
        verify.expect(
            "SF-CREATE-NOTIFY-DEFAULT-REMINDER",
            notify == request.due,
            f"notify_at at due_date {iso(request.due)}",
            actual,
            exchange,
        )
    elif request.type == "FIRST_CALL":
        created_at = parse_instant(task.get("created_at"))
        immediate = notify is not None and created_at is not None and abs(notify - created_at) <= tolerance
        verify.expect(
            "SF-CREATE-NOTIFY-DEFAULT-FIRST-CALL",
            immediate,
            f"notify_at within {tolerance.total_seconds():g}s of created_at {task.get('created_at')!r}",
            actual,
            exchange,
        )
    else:
        expected = request.due - NOTIFY_LEAD_TIME
        verify.expect(
            "SF-CREATE-NOTIFY-DEFAULT-OTHER",
            notify == expected,
            f"notify_at 10 minutes before due_date, {iso(expected)}",
            actual,
            exchange,
        )
