"""Compare what List Tasks shows with the model, naming the clause each disagreement breaks."""

from __future__ import annotations

import math
from datetime import timedelta
from itertools import pairwise
from typing import Any

from ...contract import parse_instant
from ...exchange import Exchange
from ...findings import Verification
from ...target import Target
from .api import list_tasks
from .model import COMPLETE, REMINDER, LeadModel, ModelTask

__all__ = ["expect_listing", "expect_page_arithmetic", "expect_sorted_by_creation_date", "lead_as_listed"]


def _status_clause(task: ModelTask, shown: Any, last_action: str | None) -> str:
    """Why the model expects this status decides which documented sentence the target broke."""
    if task.status == COMPLETE:
        return {"auto-close": "SF-CREATE-AUTOCLOSE", "complete": "SF-COMPLETE-PERSISTED"}.get(
            task.closed_by or "", "SF-LIST-OPEN-AND-COMPLETED"
        )
    if shown == COMPLETE and last_action == "complete":
        return "SF-COMPLETE-PERSISTED"
    if shown == COMPLETE:
        return "SF-CREATE-REMINDER-INDEPENDENT" if task.type == REMINDER else "SF-CREATE-AUTOCLOSE"
    return "SF-LIST-OPEN-AND-COMPLETED"


def expect_listing(
    verify: Verification,
    model: LeadModel,
    rows: list[dict[str, Any]],
    evidence: tuple[Exchange, ...],
    last_action: str | None,
    limit: int | None = None,
) -> None:
    """``rows`` as listed from the first on (newest first) against the model's tasks, the newest
    ``limit`` of them if given. Tasks created at the same instant may be listed in any order: the
    model takes the one the rows show."""
    expected = model.newest_first(rows)[:limit]
    expected_ids = [task.id for task in expected]
    shown_ids = [row.get("id") for row in rows]
    missing = [i for i in expected_ids if i not in shown_ids]
    extra = [i for i in shown_ids if i not in expected_ids]
    verify.expect(
        "SF-LIST-OPEN-AND-COMPLETED",
        not missing and not extra,
        f"the lead's tasks {expected_ids}",
        f"missing {missing}, unexpected {extra}",
        *evidence,
    )
    common_shown = [i for i in shown_ids if i in expected_ids]
    common_expected = [i for i in expected_ids if i in shown_ids]
    verify.expect(
        "SF-LIST-NEWEST-FIRST",
        common_shown == common_expected,
        f"newest created first (tasks of one created_at in any order): {common_expected}",
        common_shown,
        *evidence,
    )
    shown_status = {row.get("id"): row.get("task_status") for row in rows}
    for task in expected:
        shown = shown_status.get(task.id)
        if task.id in shown_status:
            verify.expect(
                _status_clause(task, shown, last_action),
                shown == task.status,
                f"task {task.id} ({task.type}) {task.status}",
                f"task {task.id} {shown}",
                *evidence,
            )


def expect_sorted_by_creation_date(
    verify: Verification, rows: list[dict[str, Any]], tolerance: timedelta, evidence: tuple[Exchange, ...]
) -> None:
    """The listing itself is newest first, tasks the lead held before the run included: the model takes
    those from the listing, so comparing with it cannot question their order. A row listed after another
    may not be newer than it by more than the clock's tolerance (ties are in any order; an unreadable
    created_at is SF-LIST-RESPONSE-FIELDS' business)."""
    created = [(row.get("id"), parse_instant(row.get("created_at"))) for row in rows]
    readable = [(task_id, instant) for task_id, instant in created if instant is not None]
    inversions = [
        f"{later_id} ({later:%Y-%m-%dT%H:%M:%SZ}) after {earlier_id} ({earlier:%Y-%m-%dT%H:%M:%SZ})"
        for (earlier_id, earlier), (later_id, later) in pairwise(readable)
        if later - earlier > tolerance
    ]
    verify.expect(
        "SF-LIST-NEWEST-FIRST",
        not inversions,
        "rows by created_at, newest first",
        "; ".join(inversions),
        *evidence,
    )


def lead_as_listed(target: Target, verify: Verification, lead: Any) -> LeadModel:
    """The lead's tasks as the whole list shows them, for a model that takes them as given: their order
    is checked here, since comparing with the model cannot question it."""
    read_from = len(target.client.journal)
    rows = list_tasks(target, verify, lead)
    tolerance = timedelta(seconds=target.settings.clock_tolerance_s)
    expect_sorted_by_creation_date(verify, rows, tolerance, tuple(target.client.journal[read_from:]))
    return LeadModel.from_listing(lead, rows)


def expect_page_arithmetic(
    verify: Verification, data: dict[str, Any], page: int, size: int, total: int, exchange: Exchange
) -> None:
    expected = {
        "current_page": page,
        "page_size": size,
        "total_items": total,
        "total_pages": math.ceil(total / size),
    }
    actual = {key: data.get(key) for key in expected}
    rows = len(data.get("rows") or [])
    expected_rows = max(0, min(size, total - (page - 1) * size))
    verify.expect(
        "SF-LIST-PAGINATION",
        actual == expected and rows == expected_rows,
        f"{expected} with {expected_rows} rows",
        f"{actual} with {rows} rows",
        exchange,
    )
