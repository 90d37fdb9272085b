"""A plain-Python model of a Superfone lead's tasks, exactly as the documents describe them.

Recency is the creation order the client observed (or, for history, the documented newest-first
order of List Tasks) — never the task id, whose scheme is undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LeadModel", "ModelTask"]

PENDING, COMPLETE = "PENDING", "COMPLETE"
REMINDER = "REMINDER"


@dataclass
class ModelTask:
    id: Any
    type: str
    status: str
    # Why the model holds it COMPLETE: "history", "auto-close" or "complete"; decides which clause a
    # disagreement breaks.
    closed_by: str | None = None

    @property
    def open(self) -> bool:
        return self.status == PENDING


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
                None if row.get("task_status") == PENDING else "history",
            )
            for row in reversed(rows_newest_first)
        ]
        return cls(lead, tasks)

    def newest_first(self) -> list[ModelTask]:
        return self.tasks[::-1]

    def by_id(self, task_id: Any) -> ModelTask | None:
        return next((task for task in self.tasks if task.id == task_id), None)

    def create(self, task_id: Any, task_type: str) -> list[ModelTask]:
        """Record a created task; return the tasks its creation auto-closed."""
        closed = []
        if task_type != REMINDER:
            for task in self.tasks:
                if task.open and task.type != REMINDER:
                    task.status, task.closed_by = COMPLETE, "auto-close"
                    closed.append(task)
        self.tasks.append(ModelTask(task_id, task_type, PENDING))
        return closed

    def most_recent_open(self) -> ModelTask | None:
        return next((task for task in reversed(self.tasks) if task.open), None)

    def complete(self) -> ModelTask | None:
        task = self.most_recent_open()
        if task is not None:
            task.status, task.closed_by = COMPLETE, "complete"
        return task

    def open_non_reminders(self) -> list[ModelTask]:
        return [task for task in self.tasks if task.open and task.type != REMINDER]
