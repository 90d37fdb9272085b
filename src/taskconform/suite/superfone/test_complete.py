"""Complete Task: which task it closes, what it returns, and what happens with nothing open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from taskconform.checks import body_strings
from taskconform.findings import Verification
from taskconform.superfone_rules import TaskRequest, task_of, whole_seconds_from_now
from taskconform.target import Target
from taskconform.vendors.superfone import complete_task, create_task, list_tasks, snapshot

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
    lead = superfone.own("lead_ids")[0]
    due = whole_seconds_from_now(timedelta(days=2))
    follow_up = task_of(create_task(superfone, verify, lead, TaskRequest("FOLLOW_UP_CALL", due).body())).get(
        "id"
    )
    reminder = task_of(create_task(superfone, verify, lead, TaskRequest("REMINDER", due).body())).get("id")
    before = _status_by_id(superfone, verify, lead)
    for expected_id in (reminder, follow_up):
        exchange = complete_task(superfone, verify, lead)
        verify.expect(
            "SF-COMPLETE-NO-BODY",
            exchange.status == 200,
            "200 for a complete without a body",
            exchange.status,
            exchange,
        )
        closed = task_of(exchange)
        verify.expect(
            "SF-COMPLETE-RETURNS-CLOSED-TASK",
            closed.get("task_status") == "COMPLETE",
            "the closed task with task_status COMPLETE",
            closed.get("task_status"),
            exchange,
        )
        verify.expect(
            "SF-COMPLETE-MOST-RECENT",
            closed.get("id") == expected_id,
            f"task {expected_id} (the most recently created open task)",
            closed.get("id"),
            exchange,
        )
        after = _status_by_id(superfone, verify, lead)
        expected = {**before, expected_id: "COMPLETE"}
        changed = {
            k: (before.get(k), after.get(k))
            for k in set(before) | set(after)
            if before.get(k) != after.get(k)
        }
        verify.expect(
            "SF-COMPLETE-PERSISTED",
            after == expected,
            f"only task {expected_id} became COMPLETE",
            changed,
            exchange,
            superfone.client.journal[-1],
        )
        before = after


@pytest.mark.clause("SF-COMPLETE-ERR-NO-OPEN-TASK")
def test_complete_with_no_open_task_is_rejected_and_changes_nothing(
    superfone: Target, verify: Verification
) -> None:
    lead = superfone.own("lead_ids")[-1]
    open_tasks = sum(1 for status in _status_by_id(superfone, verify, lead).values() if status == "PENDING")
    for _ in range(open_tasks):
        complete_task(superfone, verify, lead)
    before = snapshot(superfone, verify, lead)
    exchange = complete_task(superfone, verify, lead)
    verify.expect(
        "SF-COMPLETE-ERR-NO-OPEN-TASK",
        exchange.status == 400 and "No open task found for this lead" in body_strings(exchange),
        '400 "No open task found for this lead"',
        f"{exchange.status} {exchange.response.text[:200]}",
        exchange,
    )
    after = snapshot(superfone, verify, lead)
    verify.expect(
        "SF-COMPLETE-ERR-NO-OPEN-TASK",
        before == after,
        "nothing changed",
        f"{before!r} -> {after!r}",
        exchange,
    )
