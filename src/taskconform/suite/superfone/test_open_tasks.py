"""The one-open-task rule: auto-close on create, reminders independent, also under concurrent creates."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from taskconform.findings import Verification
from taskconform.races import RaceRounds
from taskconform.session import RunState
from taskconform.target import Target
from taskconform.vendors.superfone.api import NON_REMINDER_TYPES, complete_task, create_task, list_tasks
from taskconform.vendors.superfone.rules import TaskRequest, whole_seconds_from_now

pytestmark = pytest.mark.vendor("superfone")


def _statuses(superfone: Target, verify: Verification, lead: Any) -> dict[Any, Any]:
    return {task.get("id"): task.get("task_status") for task in list_tasks(superfone, verify, lead)}


def _create(superfone: Target, verify: Verification, lead: Any, task_type: str) -> Any:
    due = whole_seconds_from_now(timedelta(days=2))
    return create_task(superfone, verify, lead, TaskRequest(task_type, due).body()).data().get("id")


@pytest.mark.clause("SF-CREATE-AUTOCLOSE", "SF-CREATE-REMINDER-INDEPENDENT")
def test_a_new_non_reminder_task_closes_the_previous_one_but_no_reminder(
    superfone: Target, verify: Verification
) -> None:
    lead = superfone.pool("own")[0]
    reminder = _create(superfone, verify, lead, "REMINDER")
    first = _create(superfone, verify, lead, "FOLLOW_UP_CALL")
    second = _create(superfone, verify, lead, "SITE_VISIT")
    statuses = _statuses(superfone, verify, lead)
    evidence = superfone.client.journal[-1]
    verify.expect(
        "SF-CREATE-AUTOCLOSE",
        statuses.get(first) == "COMPLETE" and statuses.get(second) == "PENDING",
        f"task {first} COMPLETE after task {second} was created, {second} PENDING",
        {first: statuses.get(first), second: statuses.get(second)},
        evidence,
    )
    verify.expect(
        "SF-CREATE-REMINDER-INDEPENDENT",
        statuses.get(reminder) == "PENDING",
        f"reminder {reminder} still PENDING after non-reminder creates",
        statuses.get(reminder),
        evidence,
    )
    later_reminder = _create(superfone, verify, lead, "REMINDER")
    statuses = _statuses(superfone, verify, lead)
    verify.expect(
        "SF-CREATE-REMINDER-INDEPENDENT",
        statuses.get(second) == "PENDING" and statuses.get(later_reminder) == "PENDING",
        f"creating reminder {later_reminder} leaves task {second} PENDING",
        {second: statuses.get(second), later_reminder: statuses.get(later_reminder)},
        superfone.client.journal[-1],
    )


@pytest.mark.clause("SF-CREATE-AUTOCLOSE")
def test_concurrent_creates_leave_one_open_non_reminder_task(
    superfone: Target, verify: Verification, run_state: RunState
) -> None:
    lead = superfone.pool("own")[-1]
    concurrency = superfone.settings.race_concurrency
    rounds = RaceRounds(superfone, run_state.profile.race_rounds)
    for _ in rounds:
        types = [NON_REMINDER_TYPES[i % len(NON_REMINDER_TYPES)] for i in range(concurrency)]
        rounds.at_once([partial(_create, superfone, verify, lead, t) for t in types])
        tasks = list_tasks(superfone, verify, lead)
        still_open = [
            t.get("id") for t in tasks if t.get("type") != "REMINDER" and t.get("task_status") == "PENDING"
        ]
        verify.expect(
            "SF-CREATE-AUTOCLOSE",
            len(still_open) == 1,
            f"exactly one open non-reminder task after {concurrency} concurrent creates",
            f"{len(still_open)} open: {still_open}",
            superfone.client.journal[-1],
        )


@pytest.mark.clause("SF-COMPLETE-PERSISTED", "SF-COMPLETE-MOST-RECENT")
def test_concurrent_completes_never_close_the_same_task_twice(
    superfone: Target, verify: Verification, run_state: RunState
) -> None:
    lead = superfone.pool("own")[-1]
    concurrency = superfone.settings.race_concurrency
    rounds = RaceRounds(superfone, run_state.profile.race_rounds)
    for _ in rounds:
        for _ in range(concurrency):
            _create(superfone, verify, lead, "REMINDER")
        open_before = {
            t.get("id") for t in list_tasks(superfone, verify, lead) if t.get("task_status") == "PENDING"
        }
        answers = rounds.at_once([partial(complete_task, superfone, verify, lead)] * concurrency)
        closed = [a.data().get("id") for a in answers if a.succeeded]
        verify.expect(
            "SF-COMPLETE-PERSISTED",
            len(closed) == len(set(closed)) == concurrency,
            f"{concurrency} concurrent completes close {concurrency} different tasks",
            f"closed {closed}",
            *answers,
        )
        open_after = {
            t.get("id") for t in list_tasks(superfone, verify, lead) if t.get("task_status") == "PENDING"
        }
        verify.expect(
            "SF-COMPLETE-PERSISTED",
            open_before - open_after == set(closed),
            f"exactly the tasks {sorted(map(str, closed))} no longer open",
            f"closed {sorted(map(str, open_before - open_after))}",
            superfone.client.journal[-1],
        )
