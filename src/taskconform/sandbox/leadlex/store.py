"""LeadLex's key roles and the tasks created so far; the page documents no way to read them, so nothing
else reads ``LeadLexStore.tasks``."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from taskconform.sandbox.leadlex.data import KEY_ROLES, KeyRole

__all__ = ["LeadLexStore", "Task"]


@dataclass(frozen=True, slots=True)
class Task:
    id: object
    workspace: str
    title: str | None
    description: str | None
    status: str
    priority: str | None
    task_type: str | None
    due_date: date | datetime | None
    assigned_to_user_id: str | None
    contact_id: str | None
    deal_id: str | None
    event_id: str | None
    company_id: str | None
    created_date: datetime | None
    created_date_text: str | None  # the string sent, when it was honoured


class LeadLexStore:
    """Who each key is, and the tasks created so far."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._roles = dict(zip(keys, KEY_ROLES, strict=True))
        self.tasks: list[Task] = []
        self._ids = self._new_ids()

    def _new_ids(self) -> Iterator[object]:
        """LL-OPEN-ID-SCHEME: UUID version 4 strings."""
        return (str(uuid.uuid4()) for _ in itertools.count())

    def role_for_key(self, key: str) -> KeyRole | None:
        return self._roles.get(key)

    def add(self, task: Task) -> Task:
        """The task with its new id. LL-OPEN-REJECTED-WRITES: a rejected request never gets here."""
        with self._lock:
            stored = replace(task, id=next(self._ids))
            self.tasks.append(stored)
            return stored
