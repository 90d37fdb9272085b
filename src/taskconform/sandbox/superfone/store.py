"""Superfone's leads and tasks, and the documented rules over them: auto-close, complete, the list.

Sources: ``contracts/seeds/000_4d6c4d035359b20d.txt`` (Create Task), ``001_4d090b8340652544.txt``
(List Tasks), ``002_82226e53271469da.txt`` (Complete Task). Each rule is one small method, so a named
fault or variation (``faults.py``) overrides exactly the one it changes.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from taskconform.sandbox.superfone.data import (
    FIRST_CALL,
    FIRST_TASK_ID,
    REMINDER,
    SEED_ACCOUNTS,
    SEED_HISTORY,
    Lead,
    Task,
)

__all__ = ["DEFAULT_NOTIFY_LEAD_TIME", "SuperfoneStore", "TaskDraft"]

DEFAULT_NOTIFY_LEAD_TIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A validated Create Task body; ``notify_at`` is None when the client left it to the default."""

    type: str
    due_date: datetime
    notify_at: datetime | None
    customer_note: str | None


class SuperfoneStore:
    """Leads and tasks of both sandbox accounts.

    Each lead's history is a list that only grows at its end, so a task's position is its creation
    sequence number and "most recent" never depends on timestamps, which can tie (SF-OPEN-TIE-ORDER).
    Every read-modify-write happens under one lock, so the documented auto-close stays atomic even if
    requests run in parallel.
    """

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._task_ids = self._new_task_ids()
        self._org_by_key = {key: account.org_id for key, account in zip(keys, SEED_ACCOUNTS, strict=True)}
        self._leads = {
            lead_id: Lead(lead_id, account.org_id, assignee)
            for account in SEED_ACCOUNTS
            for lead_id, assignee in account.lead_assignees.items()
        }
        self._history: dict[int, list[Task]] = {lead_id: [] for lead_id in self._leads}
        for task in SEED_HISTORY:
            self._history[task.customer_id].append(task)

    def _new_task_ids(self) -> Iterator[int]:
        """SF-OPEN-ID-SCHEME: one counter across both accounts."""
        return itertools.count(FIRST_TASK_ID)

    # --- Leads ---

    def org_for_key(self, api_key: str | None) -> int | None:
        return None if api_key is None else self._org_by_key.get(api_key)

    def lead(self, lead_id: int | None) -> Lead | None:
        """The lead of any account."""
        return None if lead_id is None else self._leads.get(lead_id)

    def find_lead(self, org_id: int, lead_id: int | None) -> Lead | None:
        """The account's lead; another account's is reported exactly like a missing one, as documented."""
        lead = self.lead(lead_id)
        return lead if lead is not None and lead.org_id == org_id else None

    # --- Create Task ---

    async def create(self, lead: Lead, draft: TaskDraft, now: datetime) -> Task:
        """Close what the new task auto-closes and add it, atomically."""
        with self._lock:
            return self._add(lead, draft, now, self._closed_by(lead, draft.type))

    def closes_other_tasks(self, task_type: str) -> bool:
        """Creating a non-reminder closes other tasks; creating a reminder closes nothing."""
        return task_type != REMINDER

    def auto_closes(self, task: Task, new_type: str) -> bool:
        """Whether creating a ``new_type`` task closes this open task: every non-reminder does."""
        return task.type != REMINDER

    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        """As documented: REMINDER at due_date, FIRST_CALL immediately, others 10 minutes before."""
        if task_type == REMINDER:
            return due_date
        if task_type == FIRST_CALL:
            return now
        return due_date - DEFAULT_NOTIFY_LEAD_TIME

    def _closed_by(self, lead: Lead, new_type: str) -> list[tuple[int, int]]:
        """The open tasks a new ``new_type`` task closes, as (lead id, position in its history)."""
        if not self.closes_other_tasks(new_type):
            return []
        return [
            (lead_id, position)
            for lead_id in self._autoclosed_leads(lead)
            for position, task in enumerate(self._history[lead_id])
            if task.is_open and self.auto_closes(task, new_type)
        ]

    def _autoclosed_leads(self, lead: Lead) -> list[int]:
        """The leads whose open tasks a new task on ``lead`` closes: "on the same lead"."""
        return [lead.id]

    def _add(self, lead: Lead, draft: TaskDraft, now: datetime, closing: list[tuple[int, int]]) -> Task:
        for lead_id, position in closing:
            task = self._history[lead_id][position]
            if task.is_open:  # a create that is not atomic (a fault) may have closed it meanwhile
                self._history[lead_id][position] = self.closed(task, now)
        task = Task(
            id=next(self._task_ids),
            org_id=lead.org_id,
            customer_id=lead.id,
            type=draft.type,
            due_date=draft.due_date,
            notify_at=self._notify_at(draft, now),
            assignee_user_id=self._assignee(lead),
            created_at=now,
            updated_at=now,
            customer_note=draft.customer_note,
        )
        self._history[lead.id].append(task)
        return task

    def _notify_at(self, draft: TaskDraft, now: datetime) -> datetime:
        """An explicit notify_at (already checked against its window) is kept, else the default."""
        if draft.notify_at is not None:
            return draft.notify_at
        return self.default_notify_at(draft.type, draft.due_date, now)

    def _assignee(self, lead: Lead) -> int | None:
        """The task "inherits the lead's current assignee"."""
        return lead.assignee_user_id

    # --- List Tasks ---

    def newest_first(self, lead: Lead) -> list[Task]:
        """The lead's list: all its tasks, open and completed, newest first (a lead the store does not
        hold has none)."""
        with self._lock:
            tasks = self._oldest_first(lead)
        return tasks[::-1]

    def _oldest_first(self, lead: Lead) -> list[Task]:
        history = self._history.get(lead.id, [])
        return [history[position] for position in self._creation_order(history)]

    def _creation_order(self, history: list[Task]) -> list[int]:
        """Positions in ``history``, oldest first: by position, never by timestamp (SF-OPEN-TIE-ORDER)."""
        return list(range(len(history)))

    # --- Complete Task ---

    def has_open_task(self, lead: Lead) -> bool:
        with self._lock:
            return any(task.is_open for task in self._history[lead.id])

    def complete_latest(self, lead: Lead, now: datetime) -> Task | None:
        """Close the most recently created open task, reminders included; None if nothing is open."""
        with self._lock:
            history = self._history[lead.id]
            candidates = self._open_positions(history)
            if not candidates:
                return None
            closed = self.closed(history[candidates[-1]], now)
            self._store_completion(history, candidates[-1], closed, now)
            return closed

    def _open_positions(self, history: list[Task]) -> list[int]:
        """The open tasks Complete Task chooses from, the one it closes last: the most recently created."""
        return [position for position in self._creation_order(history) if history[position].is_open]

    def _store_completion(self, history: list[Task], position: int, closed: Task, now: datetime) -> None:
        history[position] = closed

    def closed(self, task: Task, now: datetime) -> Task:
        """The task as closed at ``now``; ``updated_by`` and ``status`` follow from ``completed``."""
        return replace(task, completed=True, updated_at=now)
