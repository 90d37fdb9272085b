"""SmartLead's accounts and the tasks created on them.

There is no read endpoint, so created tasks are kept only to be faithful (``SmartLeadStore.tasks``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from taskconform.sandbox.smartlead.data import FIRST_TASK_ID, SEED_ACCOUNTS

__all__ = ["Draft", "SmartLeadStore", "Task"]


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    email_lead_map_id: int
    name: str
    description: str | None
    priority: str
    due_date: datetime | None
    due_date_text: str | None  # as the client spelled it
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated body; ``email_lead_map_id`` is still the value sent, looked up afterwards."""

    email_lead_map_id: object
    name: str
    description: str | None
    priority: str
    due_date: datetime | None
    due_date_text: str | None


class SmartLeadStore:
    """Both accounts' email_lead_map_ids and every task created on them, behind one lock."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._account_by_key = {key: index for index, key in enumerate(keys)}
        self._task_ids = self._new_task_ids()
        self.tasks: list[Task] = []

    def _new_task_ids(self) -> Iterator[int]:
        """SL-OPEN-ID-SCHEME: one counter across both accounts."""
        return itertools.count(FIRST_TASK_ID)

    def account_for_key(self, key: str | None) -> int | None:
        return None if key is None else self._account_by_key.get(key)

    def lead_map_id(self, account: int, value: object) -> int | None:
        """The account's id equal to ``value`` (a JSON number), or None: another account's is unknown
        (SL-OPEN-UNKNOWN-LEAD-MAP-ID)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return next((known for known in SEED_ACCOUNTS[account] if known == value), None)

    def add(self, draft: Draft, email_lead_map_id: int, now: datetime) -> Task:
        """SL-OPEN-DUPLICATES: every request creates a task."""
        with self._lock:
            task = Task(
                id=next(self._task_ids),
                email_lead_map_id=email_lead_map_id,
                name=draft.name,
                description=draft.description,
                priority=draft.priority,
                due_date=draft.due_date,
                due_date_text=draft.due_date_text,
                created_at=now,
            )
            self.tasks.append(task)
            return task
