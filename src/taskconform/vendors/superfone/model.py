"""A plain-Python model of a Superfone lead's tasks, exactly as the documents describe them.

Recency is creation, which the documents tell by ``created_at`` ("sorted by creation date", "the most
recently created open task") — never by the task id, whose scheme is undocumented. Tasks keep the
order the client saw them created in (for history, the newest-first order of List Tasks). A server
whose clock has whole-second resolution stamps tasks of one second alike, and nothing orders such a
tie: the model holds tasks created one after another at the same ``created_at`` instant as a tie
group, accepts any order of a group and any of its open tasks as the one Complete Task closes, and
then follows the choice the server made. The auto-close rule does not depend on order and stays exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...contract import parse_instant

__all__ = ["MODEL_CLAUSES", "LeadModel", "ModelTask"]

PENDING, COMPLETE = "PENDING", "COMPLETE"
# The rules over sequences of requests that the model judges (with ``rules`` and ``listing``).
MODEL_CLAUSES = frozenset(
    {
        "SF-CREATE-AUTOCLOSE",
        "SF-CREATE-REMINDER-INDEPENDENT",
        "SF-COMPLETE-MOST-RECENT",
        "SF-COMPLETE-RETURNS-CLOSED-TASK",
        "SF-COMPLETE-PERSISTED",
        "SF-COMPLETE-ERR-NO-OPEN-TASK",
        "SF-LIST-NEWEST-FIRST",
        "SF-LIST-OPEN-AND-COMPLETED",
        "SF-LIST-PAGINATION",
    }
)
REMINDER = "REMINDER"


@dataclass
class ModelTask:
    id: Any
    type: str
    status: str
    # The server's created_at as an instant; None (not given, or not a timestamp) ties with nothing.
    created_at: datetime | None = None
    # Why the model holds it COMPLETE: "history", "auto-close" or "complete"; decides which clause a
    # disagreement breaks.
    closed_by: str | None = None

    @property
    def open(self) -> bool:
        return self.status == PENDING

    def tied_with(self, other: ModelTask) -> bool:
        return self.created_at is not None and self.created_at == other.created_at


@dataclass
class LeadModel:
    lead: Any
    tasks: list[ModelTask] = field(default_factory=list)  # oldest first

    @classmethod
    def from_listing(cls, lead: Any, rows_newest_first: list[dict[str, Any]]) -> LeadModel:
        tasks = [
            ModelTask(
                row.get("id"),
                str(row.get("type")),
                str(row.get("task_status")),
                parse_instant(row.get("created_at")),
                None if row.get("task_status") == PENDING else "history",
            )
            for row in reversed(rows_newest_first)
        ]
        return cls(lead, tasks)

    def newest_first(self, listed: Sequence[Mapping[str, Any]] = ()) -> list[ModelTask]:
        """The tasks newest first, each tie group in the order ``listed`` (rows as List Tasks showed
        them, from the first on) gave it: a row of the group at one of the group's places keeps that
        place; the group's other tasks fill the rest newest created first."""
        shown = [row.get("id") for row in listed]
        order: list[ModelTask] = []
        for group in self._ties_newest_first():
            left = list(group)
            places = range(len(order), len(order) + len(group))
            taken = [_take(left, shown[place]) if place < len(shown) else None for place in places]
            rest = iter(left)
            order += [task if task is not None else next(rest) for task in taken]
        return order

    def create(self, task_type: str, answer: Mapping[str, Any]) -> list[ModelTask]:
        """Record a task created as ``task_type`` (as sent: a wrong echo is another clause's business)
        from the server's ``answer``; return the tasks its creation auto-closed."""
        closed = []
        if task_type != REMINDER:
            for task in self.tasks:
                if task.open and task.type != REMINDER:
                    task.status, task.closed_by = COMPLETE, "auto-close"
                    closed.append(task)
        self.tasks.append(
            ModelTask(answer.get("id"), task_type, PENDING, parse_instant(answer.get("created_at")))
        )
        return closed

    def most_recent_open(self) -> list[ModelTask]:
        """What Complete Task may close, newest created first: the most recently created open task
        and the open tasks tied with it."""
        for group in self._ties_newest_first():
            candidates = [task for task in group if task.open]
            if candidates:
                return candidates
        return []

    def complete(self, closed_id: Any) -> ModelTask | None:
        """Record a Complete Task whose answer named ``closed_id``; return the task the model closed.

        The model follows the server whenever it closed an open task (whether that was a documented
        choice is for the caller to judge against ``most_recent_open``), so that later checks judge
        what the server did next; otherwise it closes the most recently created open task. None if
        nothing is open.
        """
        candidates = self.most_recent_open()
        if not candidates:
            return None
        task = next((task for task in self.tasks if task.open and task.id == closed_id), candidates[0])
        task.status, task.closed_by = COMPLETE, "complete"
        return task

    def _ties_newest_first(self) -> list[list[ModelTask]]:
        """Runs of tasks created one after another at the same instant, newest first."""
        groups: list[list[ModelTask]] = []
        for task in reversed(self.tasks):
            if groups and task.tied_with(groups[-1][-1]):
                groups[-1].append(task)
            else:
                groups.append([task])
        return groups


def _take(tasks: list[ModelTask], task_id: Any) -> ModelTask | None:
    """Remove and return the task with ``task_id`` from ``tasks``, if it is there."""
    for index, task in enumerate(tasks):
        if task.id == task_id:
            return tasks.pop(index)
    return None
