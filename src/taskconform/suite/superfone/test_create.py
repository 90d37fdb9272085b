"""Create Task: what a created task looks like, its notify_at defaults and window, its assignee."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from taskconform.contract import parse_instant
from taskconform.findings import Verification
from taskconform.target import Target
from taskconform.vendors.superfone.api import TASK_TYPES, create_task
from taskconform.vendors.superfone.rules import (
    TaskRequest,
    expect_created_task,
    iso,
    whole_seconds_from_now,
)

pytestmark = pytest.mark.vendor("superfone")

NOTIFY_CLAUSE = {
    "REMINDER": "SF-CREATE-NOTIFY-DEFAULT-REMINDER",
    "FIRST_CALL": "SF-CREATE-NOTIFY-DEFAULT-FIRST-CALL",
}


def lead_of(superfone: Target, index: int = 0) -> Any:
    leads = superfone.pool("own")
    return leads[index % len(leads)]


def expected_assignee(superfone: Target, lead: Any, task: dict[str, Any] | None) -> Any:
    """The configured assignee, else the first one this run saw on the lead."""
    configured = superfone.option("lead_assignees")
    if lead in configured:
        return configured[lead]
    if task is None:
        return None
    return superfone.observed.setdefault(("assignee", lead), task.get("assignee_user_id"))


def create_and_check(
    superfone: Target, verify: Verification, lead: Any, request: TaskRequest
) -> dict[str, Any] | None:
    exchange = create_task(superfone, verify, lead, request.body())
    tolerance = timedelta(seconds=superfone.settings.clock_tolerance_s)
    assignee = expected_assignee(superfone, lead, exchange.data() if exchange.succeeded else None)
    return expect_created_task(verify, exchange, request, tolerance, assignee)


@pytest.mark.parametrize(
    "task_type",
    [
        pytest.param(
            t,
            marks=pytest.mark.clause(
                "SF-CREATE-SUCCESS-STATUS",
                "SF-CREATE-TYPES-ACCEPTED",
                "SF-CREATE-TYPE-ECHO",
                "SF-CREATE-STATUS-PENDING",
                "SF-CREATE-DUE-DATE-INSTANT",
                "SF-CREATE-ASSIGNEE-INHERITED",
                NOTIFY_CLAUSE.get(t, "SF-CREATE-NOTIFY-DEFAULT-OTHER"),
            ),
        )
        for t in TASK_TYPES
    ],
)
def test_each_documented_type_is_created_as_sent(
    superfone: Target, verify: Verification, task_type: str
) -> None:
    request = TaskRequest(task_type, whole_seconds_from_now(timedelta(days=2)), note="taskconform")
    create_and_check(superfone, verify, lead_of(superfone), request)


@pytest.mark.clause("SF-CREATE-DUE-DATE-INSTANT")
@pytest.mark.parametrize("spelling", ["+00:00", "+05:30", ".000Z"])
def test_due_date_keeps_its_instant_in_any_iso_spelling(
    superfone: Target, verify: Verification, spelling: str
) -> None:
    due = whole_seconds_from_now(timedelta(days=3))
    if spelling == "+05:30":
        text = (due + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S") + "+05:30"
    else:
        text = iso(due).removesuffix("Z") + spelling
    exchange = create_task(superfone, verify, lead_of(superfone), {"type": "REMINDER", "due_date": text})
    returned = exchange.data().get("due_date")
    verify.expect(
        "SF-CREATE-DUE-DATE-INSTANT",
        exchange.succeeded and parse_instant(returned) == due,
        f"200 and due_date at {iso(due)} (sent as {text})",
        f"{exchange.status} {returned!r}",
        exchange,
    )


@pytest.mark.clause("SF-CREATE-NOTIFY-EXPLICIT", "SF-CREATE-NOTIFY-WINDOW")
@pytest.mark.parametrize("task_type", ["FOLLOW_UP_CALL", "FIRST_CALL", "REMINDER"])
@pytest.mark.parametrize("before_due", [timedelta(hours=3), timedelta(0)], ids=["inside", "at-due-date"])
def test_explicit_notify_at_inside_its_window_is_honoured(
    superfone: Target, verify: Verification, task_type: str, before_due: timedelta
) -> None:
    due = whole_seconds_from_now(timedelta(days=1))
    request = TaskRequest(task_type, due, notify=due - before_due)
    created = create_and_check(superfone, verify, lead_of(superfone), request)
    verify.expect(
        "SF-CREATE-NOTIFY-WINDOW",
        created is not None,
        "notify_at <= due_date accepted (200)",
        "rejected",
        *superfone.client.journal[-1:],
    )


@pytest.mark.clause("SF-CREATE-NOTIFY-WINDOW")
@pytest.mark.parametrize("where", ["in-the-past", "after-due-date"])
def test_notify_at_outside_its_window_is_rejected_and_creates_nothing(
    superfone: Target, verify: Verification, where: str
) -> None:
    lead = lead_of(superfone)
    due = whole_seconds_from_now(timedelta(days=1))
    margin = timedelta(hours=1) + timedelta(seconds=superfone.settings.clock_tolerance_s)
    notify = whole_seconds_from_now(-margin) if where == "in-the-past" else due + margin
    before = superfone.snapshot(verify, lead)
    exchange = create_task(superfone, verify, lead, TaskRequest("FOLLOW_UP_CALL", due, notify=notify).body())
    verify.expect(
        "SF-CREATE-NOTIFY-WINDOW",
        400 <= exchange.status < 500,
        f"a 4xx for notify_at {iso(notify)} with due_date {iso(due)}",
        exchange.status,
        exchange,
    )
    after = superfone.snapshot(verify, lead)
    verify.expect(
        "SF-CREATE-NOTIFY-WINDOW", before == after, "no task created", f"{before!r} -> {after!r}", exchange
    )


@pytest.mark.clause("SF-CREATE-ASSIGNEE-INHERITED")
def test_tasks_of_one_lead_share_the_lead_assignee(superfone: Target, verify: Verification) -> None:
    lead = lead_of(superfone, 1)
    due = whole_seconds_from_now(timedelta(days=4))
    for task_type in ("REMINDER", "BOOKING", "SITE_VISIT"):
        create_and_check(superfone, verify, lead, TaskRequest(task_type, due))


def ruled_out_value(superfone: Target, field: str, assignee: Any) -> Any:
    """A value for ``field`` that would move the outcome if the server honoured it."""
    values = {
        "assignee_user_id": (assignee if isinstance(assignee, int) else 0) + 1,
        "task_status": "COMPLETE",
        "status": "COMPLETE",
        "customer_id": lead_of(superfone, 1),  # a configured lead: honouring it writes nowhere else
        "taskconform_undocumented": "taskconform",
    }
    return values[field]


@pytest.mark.clause(
    "SF-CREATE-ASSIGNEE-INHERITED",
    "SF-CREATE-STATUS-PENDING",
    "SF-CREATE-CUSTOMER-ID",
    "SF-CREATE-TYPE-ECHO",
)
@pytest.mark.parametrize(
    "field", ["assignee_user_id", "task_status", "status", "customer_id", "taskconform_undocumented"]
)
def test_fields_the_documents_rule_out_do_not_move_the_outcome(
    superfone: Target, verify: Verification, field: str
) -> None:
    """ "There's no separate assignee field", a new task is PENDING, the task belongs to the lead of the
    URL: a body that says otherwise changes none of it. Whether such a body is refused is open
    (SF-OPEN-FIELD-TYPES); an accepted one is judged like any other create."""
    lead = lead_of(superfone)
    request = TaskRequest("FOLLOW_UP_CALL", whole_seconds_from_now(timedelta(days=5)))
    assignee = expected_assignee(superfone, lead, create_and_check(superfone, verify, lead, request))
    body = {**request.body(), field: ruled_out_value(superfone, field, assignee)}
    exchange = create_task(superfone, verify, lead, body)
    if exchange.succeeded:
        tolerance = timedelta(seconds=superfone.settings.clock_tolerance_s)
        expect_created_task(verify, exchange, request, tolerance, assignee)
