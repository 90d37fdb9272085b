"""List Tasks: defaults, page arithmetic and order, checked against a walk of the whole list."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from taskconform.findings import Verification
from taskconform.session import RunState
from taskconform.superfone_rules import TaskRequest, task_of, whole_seconds_from_now
from taskconform.target import Target
from taskconform.vendors.superfone import complete_task, create_task, list_page, list_tasks

pytestmark = pytest.mark.vendor("superfone")


def _page(exchange: Any) -> dict[str, Any]:
    return task_of(exchange)


def _ensure_tasks(superfone: Target, verify: Verification, lead: Any, count: int) -> None:
    existing = len(list_tasks(superfone, verify, lead))
    for _ in range(max(0, count - existing)):
        create_task(
            superfone, verify, lead, TaskRequest("REMINDER", whole_seconds_from_now(timedelta(days=5))).body()
        )


@pytest.mark.clause("SF-LIST-PAGE-FROM-ONE", "SF-LIST-PAGE-SIZE-DEFAULT")
def test_defaults_are_the_first_page_of_twenty(superfone: Target, verify: Verification) -> None:
    lead = superfone.own("lead_ids")[0]
    _ensure_tasks(superfone, verify, lead, 21)
    default = list_page(superfone, verify, lead)
    explicit = list_page(superfone, verify, lead, 1, 20)
    data = _page(default)
    ids = [row.get("id") for row in data.get("rows") or []]
    explicit_ids = [row.get("id") for row in _page(explicit).get("rows") or []]
    verify.expect(
        "SF-LIST-PAGE-FROM-ONE",
        data.get("current_page") == 1 and ids == explicit_ids,
        "without page: current_page 1, the same rows as page=1",
        f"current_page {data.get('current_page')}",
        default,
        explicit,
    )
    verify.expect(
        "SF-LIST-PAGE-SIZE-DEFAULT",
        data.get("page_size") == 20 and len(ids) == 20,
        "without page_size: page_size 20 and 20 rows (the lead has more)",
        f"page_size {data.get('page_size')}, {len(ids)} rows",
        default,
    )


@pytest.mark.clause("SF-LIST-PAGINATION")
def test_every_page_size_slices_the_same_list(
    superfone: Target, verify: Verification, run_state: RunState
) -> None:
    lead = superfone.own("lead_ids")[0]
    _ensure_tasks(superfone, verify, lead, 8)
    reference = [task.get("id") for task in list_tasks(superfone, verify, lead)]
    total = len(reference)
    for size in run_state.profile.page_sizes:
        pages = math.ceil(total / size)
        for page in range(1, pages + 1):
            exchange = list_page(superfone, verify, lead, page, size)
            data = _page(exchange)
            expected_ids = reference[(page - 1) * size : page * size]
            actual = {
                "rows": [row.get("id") for row in data.get("rows") or []],
                "total_items": data.get("total_items"),
                "total_pages": data.get("total_pages"),
                "current_page": data.get("current_page"),
                "page_size": data.get("page_size"),
            }
            expected = {
                "rows": expected_ids,
                "total_items": total,
                "total_pages": pages,
                "current_page": page,
                "page_size": size,
            }
            verify.expect(
                "SF-LIST-PAGINATION",
                actual == expected,
                f"page {page} of size {size}: {expected}",
                actual,
                exchange,
            )


@pytest.mark.clause("SF-LIST-NEWEST-FIRST", "SF-LIST-OPEN-AND-COMPLETED")
def test_list_is_newest_first_with_open_and_completed_tasks(superfone: Target, verify: Verification) -> None:
    lead = superfone.own("lead_ids")[-1]
    due = whole_seconds_from_now(timedelta(days=2))
    created = []
    for task_type in ("REMINDER", "FOLLOW_UP_CALL", "CALLBACK_REQUEST"):
        created.append(
            task_of(create_task(superfone, verify, lead, TaskRequest(task_type, due).body())).get("id")
        )
    closed = task_of(complete_task(superfone, verify, lead)).get("id")
    rows = list_tasks(superfone, verify, lead)
    evidence = superfone.client.journal[-1]
    newest = [row.get("id") for row in rows[:3]]
    verify.expect(
        "SF-LIST-NEWEST-FIRST",
        newest == created[::-1],
        f"the three new tasks first, newest first: {created[::-1]}",
        newest,
        evidence,
    )
    statuses = {row.get("id"): row.get("task_status") for row in rows}
    expected = {created[0]: "PENDING", created[1]: "COMPLETE", created[2]: "COMPLETE"}
    verify.expect(
        "SF-LIST-OPEN-AND-COMPLETED",
        closed == created[2] and {k: statuses.get(k) for k in created} == expected,
        f"open and completed tasks listed with their status: {expected}",
        {k: statuses.get(k) for k in created},
        evidence,
    )
