"""The Superfone model holds tasks of one created_at as unordered, and follows the server's choice."""

from __future__ import annotations

from typing import Any

import pytest

from taskconform.vendors.superfone.model import COMPLETE, PENDING, LeadModel

SECOND_1 = "2026-05-19T08:30:01.000Z"
SECOND_2 = "2026-05-19T08:30:02.000Z"


def model_of(*tasks: tuple[int, str, str | None]) -> LeadModel:
    """A lead's model from ``(id, type, created_at)`` tasks created in this order."""
    model = LeadModel(1001)
    for task_id, task_type, created_at in tasks:
        model.create(task_type, {"id": task_id, "created_at": created_at})
    return model


def rows(*ids: int) -> list[dict[str, Any]]:
    return [{"id": task_id} for task_id in ids]


def ids(tasks: list[Any]) -> list[Any]:
    return [task.id for task in tasks]


# Task 1 a second before tasks 2 and 3, which tie (the same instant, spelt differently).
TIED = ((1, "REMINDER", SECOND_1), (2, "REMINDER", SECOND_2), (3, "REMINDER", "2026-05-19T08:30:02+00:00"))


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ((3, 2, 1), [3, 2, 1]),
        ((2, 3, 1), [2, 3, 1]),  # the tie in the other order is as good
        ((1, 2, 3), [3, 2, 1]),  # the older task first is not: the listing cannot match
        ((), [3, 2, 1]),  # nothing listed: creation order, newest first
        ((2,), [2, 3, 1]),  # a first page of one row
    ],
)
def test_a_tie_takes_the_order_the_listing_gave_it(listed: tuple[int, ...], expected: list[int]) -> None:
    assert ids(model_of(*TIED).newest_first(rows(*listed))) == expected


def test_tasks_without_a_created_at_tie_with_nothing() -> None:
    model = model_of((1, "REMINDER", None), (2, "REMINDER", None))
    assert ids(model.newest_first(rows(1, 2))) == [2, 1]


def test_equal_stamps_apart_in_creation_order_are_not_one_tie() -> None:
    model = model_of((1, "REMINDER", SECOND_2), (2, "REMINDER", SECOND_1), (3, "REMINDER", SECOND_2))
    assert ids(model.newest_first(rows(1, 3, 2))) == [3, 2, 1]


def test_history_read_from_a_listing_keeps_its_ties() -> None:
    listed = [
        {"id": 3, "type": "REMINDER", "task_status": PENDING, "created_at": SECOND_2},
        {"id": 2, "type": "REMINDER", "task_status": COMPLETE, "created_at": SECOND_2},
        {"id": 1, "type": "REMINDER", "task_status": PENDING, "created_at": SECOND_1},
    ]
    model = LeadModel.from_listing(1001, listed)
    assert ids(model.newest_first(rows(2, 3, 1))) == [2, 3, 1]
    assert ids(model.most_recent_open()) == [3]


def test_complete_may_close_any_open_task_of_the_newest_tie_and_the_model_follows() -> None:
    model = model_of(*TIED)
    assert ids(model.most_recent_open()) == [3, 2]
    closed = model.complete(2)
    assert closed is not None and (closed.id, closed.status, closed.closed_by) == (2, COMPLETE, "complete")
    assert ids(model.most_recent_open()) == [3]
    model.complete(3)
    assert ids(model.most_recent_open()) == [1]


def test_complete_naming_no_open_task_closes_the_most_recently_created_one() -> None:
    """What the model records after an answer it judged wrong (a failed complete, a closed task)."""
    model = model_of(*TIED)
    closed = [model.complete(answer) for answer in (None, 3, None, None)]
    assert [getattr(task, "id", None) for task in closed] == [3, 2, 1, None]
    assert model.most_recent_open() == []


def test_auto_close_does_not_depend_on_ties() -> None:
    model = model_of((1, "FOLLOW_UP_CALL", SECOND_1), (2, "REMINDER", SECOND_1), (3, "SITE_VISIT", SECOND_1))
    assert [(task.id, task.status, task.closed_by) for task in model.tasks] == [
        (1, COMPLETE, "auto-close"),
        (2, PENDING, None),
        (3, PENDING, None),
    ]
    assert ids(model.most_recent_open()) == [3, 2]
