"""List Tasks: defaults, page arithmetic and order, checked against a walk of the whole list."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from taskconform.exchange import Exchange
from taskconform.findings import Verification
from taskconform.session import RunState
from taskconform.target import Target
from taskconform.vendors.superfone.api import complete_task, create_task, list_page, list_pages, list_tasks
from taskconform.vendors.superfone.listing import expect_listing, lead_as_listed
from taskconform.vendors.superfone.model import LeadModel
from taskconform.vendors.superfone.rules import (
    TaskRequest,
    wait_for_the_next_second,
    whole_seconds_from_now,
)

pytestmark = pytest.mark.vendor("superfone")


def _page_of(model: LeadModel, rows: list[dict[str, Any]], offset: int, size: int) -> list[Any]:
    """The ids a page at ``offset`` should show: the model's order, tie groups as the page orders them.

    Nothing promises that tied tasks keep one order from request to request, so a page is judged on
    its own; that each task shows up exactly once over a walk is checked apart.
    """
    placed: list[dict[str, Any]] = [{}] * offset + rows
    return [task.id for task in model.newest_first(placed)[offset : offset + size]]


def _ensure_tasks(superfone: Target, verify: Verification, lead: Any, count: int) -> None:
    existing = len(list_tasks(superfone, verify, lead))
    for _ in range(max(0, count - existing)):
        create_task(
            superfone, verify, lead, TaskRequest("REMINDER", whole_seconds_from_now(timedelta(days=5))).body()
        )


@pytest.mark.clause("SF-LIST-PAGE-FROM-ONE", "SF-LIST-PAGE-SIZE-DEFAULT")
def test_defaults_are_the_first_page_of_twenty(superfone: Target, verify: Verification) -> None:
    lead = superfone.pool("own")[0]
    _ensure_tasks(superfone, verify, lead, 21)
    default = list_page(superfone, verify, lead)
    explicit = list_page(superfone, verify, lead, 1, 20)
    data = default.data()
    rows = data.get("rows") or []
    ids = [row.get("id") for row in rows]
    explicit_rows = explicit.data().get("rows") or []
    explicit_ids = _page_of(LeadModel.from_listing(lead, explicit_rows), rows, 0, 20)
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


@pytest.mark.clause("SF-LIST-PAGINATION", "SF-LIST-NEWEST-FIRST", "SF-LIST-DOCUMENTED-STATUSES")
def test_every_page_size_slices_the_same_list(
    superfone: Target, verify: Verification, run_state: RunState
) -> None:
    """And the page after the last is answered with a documented status: what it holds, the documents
    do not say (the answer checks judge it)."""
    lead = superfone.pool("own")[0]
    _ensure_tasks(superfone, verify, lead, 8)
    read_from = len(superfone.client.journal)
    model = lead_as_listed(superfone, verify, lead)
    reference_reads = tuple(superfone.client.journal[read_from:])
    reference = [task.id for task in model.tasks]
    total = len(reference)
    for size in run_state.profile.page_sizes:
        walked = _walk_until_a_page_breaks(superfone, verify, model, lead, size, total, reference_reads)
        if walked is not None:
            verify.expect(
                "SF-LIST-PAGINATION",
                sorted(map(str, walked)) == sorted(map(str, reference)),
                f"the pages of size {size} show each of the {total} tasks once",
                f"ids {walked}",
                *superfone.client.journal[read_from:],
            )
    list_page(superfone, verify, lead, math.ceil(total / 20) + 1, 20)


def _walk_until_a_page_breaks(
    superfone: Target,
    verify: Verification,
    model: LeadModel,
    lead: Any,
    size: int,
    total: int,
    reference_reads: tuple[Exchange, ...],
) -> list[Any] | None:
    """The ids of every page of ``size``; None at the first page unlike the reference listing (one
    finding per page size: the later pages of a broken slicing only repeat it)."""
    pages = math.ceil(total / size)
    walked: list[Any] = []
    walk = list_pages(superfone, verify, [(lead, page, size) for page in range(1, pages + 1)])
    for page, exchange in enumerate(walk, start=1):
        data = exchange.data()
        rows = data.get("rows") or []
        walked += [row.get("id") for row in rows]
        actual = {
            "rows": [row.get("id") for row in rows],
            "total_items": data.get("total_items"),
            "total_pages": data.get("total_pages"),
            "current_page": data.get("current_page"),
            "page_size": data.get("page_size"),
        }
        expected = {
            "rows": _page_of(model, rows, (page - 1) * size, size),
            "total_items": total,
            "total_pages": pages,
            "current_page": page,
            "page_size": size,
        }
        if not verify.expect(
            "SF-LIST-PAGINATION",
            actual == expected,
            f"page {page} of size {size}: {expected}",
            actual,
            *reference_reads,
            exchange,
        ):
            return None
    return walked


@pytest.mark.clause("SF-LIST-NEWEST-FIRST", "SF-LIST-OPEN-AND-COMPLETED")
def test_list_is_newest_first_with_open_and_completed_tasks(superfone: Target, verify: Verification) -> None:
    """The follow-up waits for the next second after the reminder: tasks of one created_at may be
    listed in any order, so without a strict pair oldest first would pass on a whole-second clock."""
    lead = superfone.pool("own")[-1]
    model = lead_as_listed(superfone, verify, lead)
    due = whole_seconds_from_now(timedelta(days=2))
    for task_type in ("REMINDER", "FOLLOW_UP_CALL", "CALLBACK_REQUEST"):
        exchange = create_task(superfone, verify, lead, TaskRequest(task_type, due).body())
        model.create(task_type, exchange.data())
        if task_type == "REMINDER":
            wait_for_the_next_second(model.tasks[-1].created_at)
    completed = complete_task(superfone, verify, lead)
    if completed.succeeded:
        model.complete(completed.data().get("id"))
    rows = list_tasks(superfone, verify, lead)
    expect_listing(verify, model, rows, (superfone.client.journal[-1],), "complete")
