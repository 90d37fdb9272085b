"""Complete Task: which task it closes, what it returns, and what happens with nothing open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from taskconform.checks import body_strings
from taskconform.findings import Verification
from taskconform.target import Target
from taskconform.vendors.superfone.api import complete_task, create_task, list_tasks
from taskconform.vendors.superfone.listing import lead_as_listed
from taskconform.vendors.superfone.rules import (
    TaskRequest,
    expect_completed,
    wait_for_the_next_second,
    whole_seconds_from_now,
)

pytestmark = pytest.mark.vendor("superfone")


def _status_by_id(superfone: Target, verify: Verification, lead: Any) -> dict[Any, Any]:
    return {task.get("id"): task.get("task_status") for task in list_tasks(superfone, verify, lead)}


@pytest.mark.clause(
    "SF-COMPLETE-MOST-RECENT",
    "SF-COMPLETE-RETURNS-CLOSED-TASK",
    "SF-COMPLETE-PERSISTED",
    "SF-COMPLETE-NO-BODY",
)
def test_complete_closes_the_most_recently_created_open_task(superfone: Target, verify: Verification) -> None:
    """The reminder waits for the next second after the follow-up: of open tasks with one created_at
    complete may close any, so only a strict pair shows that it takes the most recent."""
    lead = superfone.pool("own")[0]
    model = lead_as_listed(superfone, verify, lead)
    due = whole_seconds_from_now(timedelta(days=2))
    for task_type in ("FOLLOW_UP_CALL", "REMINDER"):
        exchange = create_task(superfone, verify, lead, TaskRequest(task_type, due).body())
        model.create(task_type, exchange.data())
        if task_type == "FOLLOW_UP_CALL":
            wait_for_the_next_second(model.tasks[-1].created_at)
    for _ in range(2):
        exchange = complete_task(superfone, verify, lead)
        verify.expect(
            "SF-COMPLETE-NO-BODY",
            exchange.status == 200,
            "200 for a complete without a body",
            exchange.status,
            exchange,
        )
        closed = expect_completed(verify, model, exchange)
        expected = {task.id: task.status for task in model.tasks}
        shown = _status_by_id(superfone, verify, lead)
        differences = {
            k: (expected.get(k), shown.get(k))
            for k in expected.keys() | shown.keys()
            if expected.get(k) != shown.get(k)
        }
        verify.expect(
            "SF-COMPLETE-PERSISTED",
            not differences,
            f"task {closed.id} COMPLETE, every other task as before" if closed else "every task as before",
            f"(expected, listed) status differs: {differences}",
            exchange,
            superfone.client.journal[-1],
        )


@pytest.mark.clause("SF-COMPLETE-ERR-NO-OPEN-TASK")
def test_complete_with_no_open_task_is_rejected_and_changes_nothing(
    superfone: Target, verify: Verification
) -> None:
    lead = superfone.pool("own")[-1]
    open_tasks = sum(1 for status in _status_by_id(superfone, verify, lead).values() if status == "PENDING")
    for _ in range(open_tasks):
        complete_task(superfone, verify, lead)
    before = superfone.snapshot(verify, lead)
    exchange = complete_task(superfone, verify, lead)
    verify.expect(
        "SF-COMPLETE-ERR-NO-OPEN-TASK",
        exchange.status == 400 and "No open task found for this lead" in body_strings(exchange),
        '400 "No open task found for this lead"',
        f"{exchange.status} {exchange.response.text[:200]}",
        exchange,
    )
    after = superfone.snapshot(verify, lead)
    verify.expect(
        "SF-COMPLETE-ERR-NO-OPEN-TASK",
        before == after,
        "nothing changed",
        f"{before!r} -> {after!r}",
        exchange,
    )
