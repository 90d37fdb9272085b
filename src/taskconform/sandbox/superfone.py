"""Superfone task API sandbox: a reference implementation of Create, List and Complete Task.

The suite needs a server that behaves exactly as the vendor documents say, so that a conformance
failure against it means a bug in the suite, and so that later named faults have a correct baseline
to deviate from. Sources: ``contracts/seeds/000_4d6c4d035359b20d.txt`` (Create Task),
``001_4d090b8340652544.txt`` (List Tasks), ``002_82226e53271469da.txt`` (Complete Task).

Seeded data: account A (org 42) owns leads 1001–1008, account B (org 43) owns leads 2001–2003; every
lead has an assignee. Lead 1001 starts with a completed FIRST_CALL and a pending REMINDER, lead 2001
with a pending FOLLOW_UP_CALL. New task ids count up from 5000 across both accounts.

Choices where the documents are silent:

- Error bodies are ``{"message": "<text>"}``; the documented texts are used verbatim.
- Precedence: 401 auth → 400 ``lead_id`` format → 404 lead lookup → body or query validation.
  Create validates in this order: empty body, JSON syntax, JSON object, ``type``, ``due_date``
  presence then format, ``notify_at`` format, ``customer_note``, ``notify_at`` window. List checks
  ``page_size`` before ``page``.
- ``lead_id`` is a number when it matches ``-?[0-9]+``; a negative or absurdly long one is simply
  not found (404), and leading zeros are allowed (``01001`` is lead 1001).
- ``page`` absent → 1; ``page`` and ``page_size`` must be ASCII digits with a value of at least 1,
  else 400 ``page must be a positive integer`` / ``page_size must be a positive integer`` (a value
  over 4,300 digits is beyond Python's int parsing and counts as not an integer). A page beyond the
  last returns empty rows; no items → ``total_pages`` 0. A repeated query parameter: the last wins.
- A missing body, an empty or whitespace-only body, and ``{}`` are all "Request body is empty".
  The Content-Type header is not inspected.
- Malformed JSON → 400 ``Request body is not valid JSON`` (also for JSON the parser cannot represent:
  ``NaN``/``Infinity`` literals, integers over 4,300 digits, nesting past the recursion limit);
  a JSON value that is not an object → 400 ``Request body must be a JSON object``.
- ``type`` or ``due_date`` given as ``null`` counts as missing. A non-string ``type`` is rendered
  with ``str(value)`` in the "not available" message.
- ``due_date``/``notify_at`` must be strings of the form ``YYYY-MM-DDTHH:MM[:SS[.fraction]]``
  followed by ``Z``, ``±HH:MM``, ``±HHMM``, ``±HH`` or nothing (then UTC); else 400
  ``due_date must be an ISO 8601 timestamp`` / ``notify_at must be an ISO 8601 timestamp``.
  Instants, and the clock, are kept to the millisecond the wire format shows (further digits are
  truncated) and must fall in the years 1000–9999 UTC, which keeps "10 minutes before" and the
  four-digit output year well-defined.
- ``notify_at`` outside ``now < notify_at <= due_date`` → 400
  ``notify_at must be in the future and at or before due_date``; ``notify_at: null`` means absent.
- Due dates in the past are accepted; a default ``notify_at`` that falls in the past is kept.
- ``customer_note`` must be a string or null, else 400 ``customer_note must be a string``; it is
  echoed as the extra task field ``customer_note``. Unknown body fields are ignored.
- Complete Task ignores any request body; it closes the most recently created open task, counting
  creation order by position in the lead's history, never by timestamp. List Tasks orders by the
  same position, so tasks created in the same millisecond are listed (and closed) newest created
  first.
- Closing a task (by Complete Task or by a newer non-reminder) sets ``task_status`` and ``status``
  to COMPLETE, ``updated_by`` to 1 and ``updated_at`` to the time of closing. ``created_by`` is 1;
  ``title`` and ``type_name`` are null and ``notify`` is true on every task.
- Responses are ASCII-escaped JSON so any string a client sent (even a lone surrogate) can be
  echoed without a 5xx; no input produces a 5xx.

Faults and variations (``contracts/faults.yaml``, ``contracts/variations.yaml``): the faithful
behaviour is the default everywhere. A named fault or variation switches the one small method or
value that implements its rule, with a plain ``if "<name>" in self.faults:`` (``self.variations``)
there, or an entry in one of the ``*_FAULTS`` tables below; the catalogue entry says what it changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import re
import threading
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.answers import (
    JSON_ERRORS,
    Crash,
    Handler,
    Rejection,
    answering,
    format_millisecond_z,
    format_utc_offset,
    is_blank,
    parse_json,
    parse_timestamp,
    to_millisecond,
)
from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.vendor import SandboxVendor

__all__ = [
    "FIRST_TASK_ID",
    "SEED_ACCOUNTS",
    "SEED_HISTORY",
    "TASK_TYPES",
    "Lead",
    "SeedAccount",
    "SuperfoneApi",
    "SuperfoneStore",
    "Task",
    "TaskDraft",
    "superfone_routes",
]

# --- Documented vocabulary --------------------------------------------------------------------

REMINDER = "REMINDER"
FIRST_CALL = "FIRST_CALL"
# Order as in the documented "Allowed: ..." list, which the error message reproduces.
TASK_TYPES: tuple[str, ...] = (
    "FOLLOW_UP_CALL",
    FIRST_CALL,
    "CALLBACK_REQUEST",
    "SITE_VISIT",
    REMINDER,
    "BOOKING",
)
DEFAULT_NOTIFY_LEAD_TIME = timedelta(minutes=10)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 20
# The API key acts as one integration user; it is the creator and closer of tasks made through it.
API_USER_ID = 1

UNAUTHORIZED = "UnAuthorized, Please Provide Valid API Key"
LEAD_ID_NOT_NUMBER = "lead_id must be a number"
LEAD_NOT_FOUND = "Lead not found"
BODY_EMPTY = "Request body is empty"
TYPE_REQUIRED = "type is required"
DUE_DATE_REQUIRED = "due_date is required"
PAGE_SIZE_NOT_POSITIVE = "page_size must be a positive integer"
PAGE_SIZE_TOO_LARGE = f"page_size cannot exceed {MAX_PAGE_SIZE}"
NO_OPEN_TASK = "No open task found for this lead"
# Sandbox choices (see the module docstring).
BODY_NOT_JSON = "Request body is not valid JSON"
BODY_NOT_OBJECT = "Request body must be a JSON object"
DUE_DATE_NOT_TIMESTAMP = "due_date must be an ISO 8601 timestamp"
NOTIFY_AT_NOT_TIMESTAMP = "notify_at must be an ISO 8601 timestamp"
NOTIFY_AT_OUTSIDE_WINDOW = "notify_at must be in the future and at or before due_date"
CUSTOMER_NOTE_NOT_STRING = "customer_note must be a string"
PAGE_NOT_POSITIVE = "page must be a positive integer"

# --- Faults and variations that are values or small tables ------------------------------------

# autoclose-race: how long a create yields between reading what to close and closing it.
RACE_WINDOW_SECONDS = 0.02
# A non-numeric :lead_id, per endpoint: the fault that answers it wrongly, and its wrong answer.
_LEAD_ID_FAULTS: dict[str, tuple[str, int, str]] = {
    "create": ("create-lead-id-message", 404, LEAD_NOT_FOUND),
    "list": ("list-lead-id-message", 404, LEAD_NOT_FOUND),
    "complete": ("complete-lead-id-message", 400, "lead_id must be numeric"),
}
# Another account's lead, per endpoint: the fault that lets the request reach it.
_FOREIGN_LEAD_FAULTS: dict[str, str] = {
    "create": "create-foreign-lead-writes",
    "list": "list-foreign-lead-visible",
}
# Faults in how an endpoint renders a task (the stored task stays right): name -> (endpoint, edit).
_TASK_ANSWER_FAULTS: dict[str, tuple[str, Callable[[dict[str, object]], object]]] = {
    "create-task-status-open": ("create", lambda task: task.update(task_status="OPEN")),
    "create-type-not-echoed": ("create", lambda task: task.update(type="FOLLOW_UP_CALL")),
    "create-customer-id-org": ("create", lambda task: task.update(customer_id=task["org_id"])),
    "create-response-missing-created-at": ("create", lambda task: task.pop("created_at")),
    "complete-returns-pending": ("complete", lambda task: task.update(task_status="PENDING")),
    "list-row-id-string": ("list", lambda task: task.update(id=str(task["id"]))),
}


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lead:
    id: int
    org_id: int
    assignee_user_id: int


@dataclass(frozen=True, slots=True)
class Task:
    """One task as stored. Immutable: closing a task replaces it, so a response can be rendered
    outside the store's lock from a consistent snapshot."""

    id: int
    org_id: int
    customer_id: int
    type: str
    due_date: datetime
    notify_at: datetime
    assignee_user_id: int | None  # None only under the fault assignee-lost
    created_at: datetime
    updated_at: datetime
    customer_note: str | None = None
    completed: bool = False

    @property
    def is_open(self) -> bool:
        return not self.completed


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A validated Create Task body; ``notify_at`` is None when the client left it to the default."""

    type: str
    due_date: datetime
    notify_at: datetime | None
    customer_note: str | None


@dataclass(frozen=True, slots=True)
class SeedAccount:
    org_id: int
    lead_assignees: Mapping[int, int]  # lead id -> assignee user id


# Account A and account B, paired by position with ``SandboxOptions.keys["superfone"]``.
SEED_ACCOUNTS: tuple[SeedAccount, SeedAccount] = (
    SeedAccount(
        org_id=42,
        lead_assignees={
            1001: 678,
            1002: 679,
            1003: 680,
            1004: 681,
            1005: 682,
            1006: 683,
            1007: 684,
            1008: 685,
        },
    ),
    SeedAccount(org_id=43, lead_assignees={2001: 901, 2002: 902, 2003: 903}),
)

# Tasks that exist before the first request, in creation order, so the suite meets leads with history.
SEED_HISTORY: tuple[Task, ...] = (
    Task(
        id=4001,
        org_id=42,
        customer_id=1001,
        type=FIRST_CALL,
        due_date=datetime(2025, 3, 3, 10, 0, tzinfo=UTC),
        notify_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
        assignee_user_id=678,
        created_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
        updated_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
        customer_note="Inbound enquiry from the website form.",
        completed=True,
    ),
    Task(
        id=4002,
        org_id=42,
        customer_id=1001,
        type=REMINDER,
        due_date=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        notify_at=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        assignee_user_id=678,
        created_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
        updated_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
    ),
    Task(
        id=4003,
        org_id=43,
        customer_id=2001,
        type="FOLLOW_UP_CALL",
        due_date=datetime(2025, 4, 1, 11, 0, tzinfo=UTC),
        notify_at=datetime(2025, 4, 1, 10, 50, tzinfo=UTC),
        assignee_user_id=901,
        created_at=datetime(2025, 3, 28, 14, 0, tzinfo=UTC),
        updated_at=datetime(2025, 3, 28, 14, 0, tzinfo=UTC),
    ),
)
FIRST_TASK_ID = 5000


# --- Store ------------------------------------------------------------------------------------


def _random_task_ids() -> Iterator[int]:
    """Variation ids-large-random: large, in no order, never reused."""
    rng = random.Random()
    used: set[int] = set()
    while True:
        candidate = rng.randrange(10**12, 10**15)
        if candidate not in used:
            used.add(candidate)
            yield candidate


class SuperfoneStore:
    """Leads and tasks of both sandbox accounts.

    Each lead's history is a list that only grows at its end, so a task's position is its creation
    sequence number and "most recent" never depends on timestamps, which can tie (see
    ``_creation_order`` for the variation that orders by them). Every
    read-modify-write happens under one lock, so the documented auto-close stays atomic even if
    requests run in parallel. The rules live in small methods so that a named fault replaces exactly
    one behaviour.
    """

    def __init__(
        self,
        keys: tuple[str, str],
        faults: frozenset[str] = frozenset(),
        variations: frozenset[str] = frozenset(),
    ) -> None:
        self.faults = faults
        self.variations = variations
        self._lock = threading.Lock()
        self._task_ids = (
            _random_task_ids() if "ids-large-random" in variations else itertools.count(FIRST_TASK_ID)
        )
        self._org_by_key = {key: account.org_id for key, account in zip(keys, SEED_ACCOUNTS, strict=True)}
        self._leads = {
            lead_id: Lead(lead_id, account.org_id, assignee)
            for account in SEED_ACCOUNTS
            for lead_id, assignee in account.lead_assignees.items()
        }
        self._history: dict[int, list[Task]] = {lead_id: [] for lead_id in self._leads}
        for task in SEED_HISTORY:
            self._history[task.customer_id].append(task)

    def org_for_key(self, api_key: str | None) -> int | None:
        return None if api_key is None else self._org_by_key.get(api_key)

    def find_lead(self, org_id: int, lead_id: int | None, *, any_account: bool = False) -> Lead | None:
        """A lead of another account is reported exactly like a missing one, as documented
        (``any_account`` is only for the faults that let a request reach another account's lead)."""
        lead = None if lead_id is None else self._leads.get(lead_id)
        return lead if lead is not None and (any_account or lead.org_id == org_id) else None

    def lead_exists(self, lead_id: int | None) -> bool:
        """Whether any account has this lead."""
        return lead_id in self._leads

    async def create(self, lead: Lead, draft: TaskDraft, now: datetime) -> Task:
        """Close what the new task auto-closes and add it, atomically."""
        with self._lock:
            if "autoclose-race" not in self.faults:
                return self._add(lead, draft, now, self._closed_by(lead, draft.type))
            read = self._closed_by(lead, draft.type)
        # Fault autoclose-race: other creates run between reading what to close and closing it.
        await asyncio.sleep(RACE_WINDOW_SECONDS)
        with self._lock:
            return self._add(lead, draft, now, read)

    def newest_first(self, lead: Lead) -> list[Task]:
        """The lead's list: all its tasks, open and completed, newest first."""
        with self._lock:
            if "list-shows-other-leads" in self.faults:
                tasks = sorted(self._account_tasks(lead.org_id), key=lambda task: task.id)
            else:
                history = self._history[lead.id]
                tasks = [history[position] for position in self._creation_order(history)]
        if "list-hides-completed" in self.faults:
            tasks = [task for task in tasks if task.is_open]
        return tasks if "list-oldest-first" in self.faults else tasks[::-1]

    def has_open_task(self, lead: Lead) -> bool:
        with self._lock:
            return any(task.is_open for task in self._history[lead.id])

    def complete_latest(self, lead: Lead, now: datetime) -> Task | None:
        """Close the most recently created open task, reminders included; None if nothing is open."""
        with self._lock:
            history = self._history[lead.id]
            position = self._position_to_complete(history)
            if position is None:
                return None
            closed = self.closed(history[position], now)
            if "complete-not-persisted" not in self.faults:
                history[position] = closed
            if "complete-closes-all" in self.faults:
                history[:] = [self.closed(task, now) if task.is_open else task for task in history]
            return closed

    def closes_other_tasks(self, task_type: str) -> bool:
        """Creating a non-reminder closes other tasks; creating a reminder closes nothing."""
        if task_type == REMINDER:
            return "reminder-create-autocloses" in self.faults
        return "autoclose-missing" not in self.faults

    def auto_closes(self, task: Task, new_type: str) -> bool:
        """Whether creating a ``new_type`` task closes this open task: every non-reminder does."""
        if "autoclose-closes-reminders" in self.faults:
            return True
        if "autoclose-same-type-only" in self.faults:
            return task.type == new_type
        return task.type != REMINDER

    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        """As documented: REMINDER at due_date, FIRST_CALL immediately, others 10 minutes before."""
        if task_type == REMINDER:
            early = "notify-default-reminder-early" in self.faults
            return due_date - DEFAULT_NOTIFY_LEAD_TIME if early else due_date
        if task_type == FIRST_CALL:
            if "notify-default-first-call-at-due" in self.faults:
                return due_date
            if "first-call-notify-plus-one-second" in self.variations:
                return now + timedelta(seconds=1)
            return now
        if "notify-default-other-5-minutes" in self.faults:
            return due_date - timedelta(minutes=5)
        return due_date - DEFAULT_NOTIFY_LEAD_TIME

    def closed(self, task: Task, now: datetime) -> Task:
        """The task as closed at ``now``; ``updated_by`` and ``status`` follow from ``completed``."""
        return replace(task, completed=True, updated_at=now)

    def _closed_by(self, lead: Lead, new_type: str) -> list[tuple[int, int]]:
        """The open tasks a new ``new_type`` task closes, as (lead id, position in its history)."""
        if not self.closes_other_tasks(new_type):
            return []
        lead_ids = [lead.id]
        if "autoclose-other-leads" in self.faults:
            lead_ids = [other.id for other in self._leads.values() if other.org_id == lead.org_id]
        return [
            (lead_id, position)
            for lead_id in lead_ids
            for position, task in enumerate(self._history[lead_id])
            if task.is_open and self.auto_closes(task, new_type)
        ]

    def _add(self, lead: Lead, draft: TaskDraft, now: datetime, closing: list[tuple[int, int]]) -> Task:
        for lead_id, position in closing:
            task = self._history[lead_id][position]
            if task.is_open:  # under autoclose-race another create may have closed it meanwhile
                self._history[lead_id][position] = self.closed(task, now)
        task = Task(
            id=next(self._task_ids),
            org_id=lead.org_id,
            customer_id=lead.id,
            type=draft.type,
            due_date=draft.due_date,
            notify_at=self._notify_at(draft, now),
            assignee_user_id=None if "assignee-lost" in self.faults else lead.assignee_user_id,
            created_at=now,
            updated_at=now,
            customer_note=draft.customer_note,
        )
        self._history[lead.id].append(task)
        return task

    def _notify_at(self, draft: TaskDraft, now: datetime) -> datetime:
        """An explicit notify_at (already checked against its window) is kept, else the default."""
        if draft.notify_at is not None and "notify-explicit-ignored" not in self.faults:
            return draft.notify_at
        return self.default_notify_at(draft.type, draft.due_date, now)

    def _position_to_complete(self, history: list[Task]) -> int | None:
        """The most recently created open task, reminders included."""
        open_positions = [position for position in self._creation_order(history) if history[position].is_open]
        if "complete-oldest" in self.faults:
            open_positions.reverse()
        if "complete-skips-reminders" in self.faults:
            non_reminders = [position for position in open_positions if history[position].type != REMINDER]
            open_positions = non_reminders or open_positions
        return open_positions[-1] if open_positions else None

    def _creation_order(self, history: list[Task]) -> list[int]:
        """Positions in ``history``, oldest first: by position, never by timestamp, which can tie.

        Variation timestamps-whole-seconds orders by created_at instead, and in a tie counts the first
        created as the newest: the list shows it first, and complete closes it first.
        """
        if "timestamps-whole-seconds" not in self.variations:
            return list(range(len(history)))
        return sorted(range(len(history)), key=lambda position: (history[position].created_at, -position))

    def _account_tasks(self, org_id: int) -> Iterator[Task]:
        """Fault list-shows-other-leads: every task of the account (ids count up in creation order)."""
        for lead in self._leads.values():
            if lead.org_id == org_id:
                yield from self._history[lead.id]


# --- Wire format ------------------------------------------------------------------------------

_EARLIEST_YEAR = 1000
_INTEGER = re.compile(r"-?[0-9]+")


def _parse_timestamp(value: object, *, honour_offset: bool = True) -> datetime | None:
    """An aware UTC instant truncated to milliseconds, or None if ``value`` is not an accepted timestamp.

    ``honour_offset=False`` is the fault due-date-timezone-shift: the local time is taken as UTC.
    Superfone also wants a four-digit year from 1000 on, so "10 minutes before" stays well-defined.
    """
    instant = parse_timestamp(value, honour_offset=honour_offset)
    return instant if instant is not None and instant.year >= _EARLIEST_YEAR else None


def _format_microseconds(instant: datetime) -> str:
    """Variation timestamps-microseconds: ``2026-05-20T15:00:00.123000Z``."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# The documented wire form is ``format_millisecond_z``; variations replace it.
_TIMESTAMP_VARIATIONS: dict[str, Callable[[datetime], str]] = {
    "timestamps-offset-seconds": format_utc_offset,
    "timestamps-microseconds": _format_microseconds,
}


def _task_json(task: Task, timestamp: Callable[[datetime], str] = format_millisecond_z) -> dict[str, object]:
    return {
        "id": task.id,
        "org_id": task.org_id,
        "customer_id": task.customer_id,
        "title": None,
        "type": task.type,
        "type_name": None,
        "due_date": timestamp(task.due_date),
        "notify_at": timestamp(task.notify_at),
        "notify": True,
        "task_status": "COMPLETE" if task.completed else "PENDING",
        "status": "COMPLETE" if task.completed else "ACTIVE",
        "assignee_user_id": task.assignee_user_id,
        "created_by": API_USER_ID,
        "updated_by": API_USER_ID if task.completed else None,
        "created_at": timestamp(task.created_at),
        "updated_at": timestamp(task.updated_at),
        "customer_note": task.customer_note,
    }


# --- Request parsing --------------------------------------------------------------------------


def _int_or_none(digits: str) -> int | None:
    """``int()`` refuses strings over 4,300 digits; such a value cannot name anything real."""
    try:
        return int(digits)
    except ValueError:
        return None


def _integer(text: str) -> int | None:
    """An optionally negative integer in ASCII digits, else None."""
    return _int_or_none(text) if _INTEGER.fullmatch(text) else None


# --- Endpoints --------------------------------------------------------------------------------


class SuperfoneApi:
    """The three documented endpoints over one store."""

    def __init__(
        self,
        store: SuperfoneStore,
        clock: Callable[[], datetime],
        faults: frozenset[str] = frozenset(),
        variations: frozenset[str] = frozenset(),
    ) -> None:
        self._store = store
        self._clock = clock
        self.faults = faults
        self.variations = variations
        self._timestamp = next(
            (render for name, render in _TIMESTAMP_VARIATIONS.items() if name in variations),
            format_millisecond_z,
        )
        self._creatable_types = tuple(
            task_type
            for task_type in TASK_TYPES
            if not (task_type == "SITE_VISIT" and "create-rejects-site-visit" in faults)
        )

    def routes(self, prefix: str) -> list[BaseRoute]:
        tasks = f"{prefix}/enterprise/api/lead/{{lead_id}}/task"
        created = 201 if "create-status-201" in self.faults else 200
        return [
            Route(tasks, self._answering(self.create_task, created), methods=["POST"]),
            Route(tasks, self._answering(self.list_tasks), methods=["GET"]),
            Route(f"{tasks}/complete", self._answering(self.complete_task), methods=["POST"]),
        ]

    async def create_task(self, request: Request) -> object:
        if "create-wrong-key-writes" in self.faults and self._has_wrong_key(request):
            # Fault: the documented 401 is answered, but only after writing as account A.
            with contextlib.suppress(Rejection):
                await self._create(request, SEED_ACCOUNTS[0].org_id)
            raise Rejection(401, UNAUTHORIZED)
        return await self._create(request, self._org(request, "create"))

    async def list_tasks(self, request: Request) -> object:
        lead = self._lead(request, "list")
        page, page_size = self._page(request.query_params)
        # Fault list-unknown-lead-empty lets a lead of no account through: it has no tasks.
        tasks = self._store.newest_first(lead) if self._store.lead_exists(lead.id) else []
        total_pages = -(-len(tasks) // page_size)
        self._check_page_exists(page, total_pages)
        start = self._page_start(page, page_size)
        rows = [self._task(task, "list") for task in tasks[start : start + page_size]]
        if "list-total-pages-floor" in self.faults:
            total_pages = len(tasks) // page_size
        return {
            "rows": rows,
            "total_pages": total_pages,
            "current_page": page - 1 if "list-current-page-zero-based" in self.faults else page,
            "page_size": page_size,
            "total_items": len(rows) if "list-total-items-on-page" in self.faults else len(tasks),
        }

    async def complete_task(self, request: Request) -> object:
        lead = self._lead(request, "complete")
        # Fault complete-requires-body, only where there is something to close ("No open task" stays right).
        wants_body = "complete-requires-body" in self.faults and self._store.has_open_task(lead)
        if wants_body and not (await request.body()).strip():
            raise Rejection(400, BODY_EMPTY)
        task = self._store.complete_latest(lead, self._now())
        if task is None:
            if "complete-no-open-200" in self.faults:
                return None
            raise Rejection(400, NO_OPEN_TASK)
        return self._task(task, "complete")

    async def _create(self, request: Request, org_id: int) -> object:
        lead_id = self._lead_id(request, "create")
        now = self._now()
        if "precedence-validation-before-lead" in self.variations:
            draft = self._draft(await request.body(), now)
            lead = self._find_lead(request, org_id, lead_id, "create")
        else:
            lead = self._find_lead(request, org_id, lead_id, "create")
            draft = self._draft(await request.body(), now)
        return self._task(await self._store.create(lead, draft, now), "create")

    # --- The lead of the URL: 401, then 400, then 404 ---

    def _lead(self, request: Request, endpoint: str) -> Lead:
        org_id = self._org(request, endpoint)
        return self._find_lead(request, org_id, self._lead_id(request, endpoint), endpoint)

    def _org(self, request: Request, endpoint: str) -> int:
        """The account of the x-api-key; 401 for a missing or unknown key."""
        key = request.headers.get("x-api-key")
        org_id = self._store.org_for_key(key)
        if org_id is not None:
            return org_id
        if key and endpoint == "list" and "list-wrong-key-accepted" in self.faults:
            return SEED_ACCOUNTS[0].org_id
        if key is None and endpoint == "create" and "create-missing-key-403" in self.faults:
            raise Rejection(403, UNAUTHORIZED)
        if endpoint == "complete" and "complete-auth-message" in self.faults:
            raise Rejection(401, "Unauthorized")
        raise Rejection(401, UNAUTHORIZED)

    def _has_wrong_key(self, request: Request) -> bool:
        key = request.headers.get("x-api-key")
        return key is not None and self._store.org_for_key(key) is None

    def _lead_id(self, request: Request, endpoint: str) -> int | None:
        """The :lead_id as a number (None if too long to name anything); 400 if it is not a number."""
        raw_lead_id = request.path_params["lead_id"]
        if _INTEGER.fullmatch(raw_lead_id):
            return _int_or_none(raw_lead_id)
        fault, status, message = _LEAD_ID_FAULTS[endpoint]
        if fault in self.faults:
            raise Rejection(status, message)
        raise Rejection(400, LEAD_ID_NOT_NUMBER)

    def _find_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        """The lead if it is one of the account's; 404 for an unknown lead or another account's."""
        any_account = _FOREIGN_LEAD_FAULTS.get(endpoint) in self.faults
        lead = self._store.find_lead(org_id, lead_id, any_account=any_account)
        if lead is not None:
            return lead
        if (
            endpoint == "complete"
            and "complete-unknown-lead-no-open" in self.faults
            and not self._store.lead_exists(lead_id)
        ):
            raise Rejection(400, NO_OPEN_TASK)
        if (
            endpoint == "list"
            and "list-unknown-lead-empty" in self.faults
            and not self._store.lead_exists(lead_id)
        ):
            return Lead(id=lead_id or 0, org_id=org_id, assignee_user_id=0)
        if endpoint == "list" and "not-found-echoes-key" in self.faults:
            raise Rejection(404, f"{LEAD_NOT_FOUND} for key {request.headers.get('x-api-key')}")
        raise Rejection(404, LEAD_NOT_FOUND)

    # --- Create Task body ---

    def _draft(self, raw: bytes, now: datetime) -> TaskDraft:
        body = self._body(raw)
        task_type = body.get("type")
        if task_type is None:
            reworded = "create-type-required-message" in self.faults
            raise Rejection(400, "type must be provided" if reworded else TYPE_REQUIRED)
        if not isinstance(task_type, str) or task_type not in self._creatable_types:
            raise Rejection(400, self._type_not_available(task_type))
        due_date = self._due_date(body, now)
        notify_at = None
        if body.get("notify_at") is not None:
            notify_at = _parse_timestamp(body["notify_at"])
            if notify_at is None:
                raise Rejection(400, NOTIFY_AT_NOT_TIMESTAMP)
        customer_note = body.get("customer_note")
        if customer_note is not None and not isinstance(customer_note, str):
            raise Rejection(400, CUSTOMER_NOTE_NOT_STRING)
        if notify_at is not None and not self._in_notify_window(notify_at, due_date, now):
            if "notify-window-422" in self.variations:
                raise Rejection(422, "notify_at out of range")
            raise Rejection(400, NOTIFY_AT_OUTSIDE_WINDOW)
        return TaskDraft(task_type, due_date, notify_at, customer_note)

    def _body(self, raw: bytes) -> dict[str, object]:
        empty = TYPE_REQUIRED if "create-empty-body-message" in self.faults else BODY_EMPTY
        if is_blank(raw):
            raise Rejection(400, empty)
        try:
            body = parse_json(raw)
        except JSON_ERRORS as error:
            if "malformed-json-500" in self.faults:
                raise Crash(traceback.format_exc()) from error
            invalid = "Invalid JSON" if "malformed-json-other-message" in self.variations else BODY_NOT_JSON
            raise Rejection(400, invalid) from None
        if not isinstance(body, dict):
            raise Rejection(400, BODY_NOT_OBJECT)
        if not body:
            raise Rejection(400, empty)
        return body

    def _type_not_available(self, value: object) -> str:
        """The documented message for an unknown type; it lists every allowed value."""
        message = f'type "{value}" is not available for creation.'
        if "create-unknown-type-no-list" in self.faults:
            return message
        return f"{message} Allowed: {', '.join(self._creatable_types)}"

    def _due_date(self, body: Mapping[str, object], now: datetime) -> datetime:
        if body.get("due_date") is None:
            if "create-due-date-defaulted" in self.faults:
                return now + timedelta(days=1)
            raise Rejection(400, DUE_DATE_REQUIRED)
        honour_offset = "due-date-timezone-shift" not in self.faults
        due_date = _parse_timestamp(body["due_date"], honour_offset=honour_offset)
        if due_date is None:
            raise Rejection(400, DUE_DATE_NOT_TIMESTAMP)
        if due_date <= now and "past-due-date-rejected" in self.variations:
            raise Rejection(400, "due_date must be in the future")
        return due_date

    def _in_notify_window(self, notify_at: datetime, due_date: datetime, now: datetime) -> bool:
        """The documented window: now < notify_at <= due_date."""
        after_now = now < notify_at or "notify-window-past-accepted" in self.faults
        if "notify-window-due-exclusive" in self.faults:
            return after_now and notify_at < due_date
        return after_now and (notify_at <= due_date or "notify-window-after-due-accepted" in self.faults)

    # --- List Tasks query ---

    def _page(self, query: QueryParams) -> tuple[int, int]:
        """``(page, page_size)`` from the query, defaults applied; page_size is checked first."""
        page_size = 10 if "list-default-page-size-10" in self.faults else DEFAULT_PAGE_SIZE
        if "page_size" in query:
            page_size = self._page_size(query["page_size"], page_size)
        page = 0 if "list-page-zero-based" in self.faults else 1
        if "page" in query:
            page = self._page_number(query["page"], page)
        return page, page_size

    def _page_size(self, text: str, default: int) -> int:
        """A positive integer up to 20 (``default`` is only used by a fault)."""
        size = _integer(text)
        if size is None or size < 1:
            if size is not None and "list-page-size-zero-accepted" in self.faults:
                return default
            raise Rejection(400, PAGE_SIZE_NOT_POSITIVE)
        too_large = size >= MAX_PAGE_SIZE if "list-max-page-size-19" in self.faults else size > MAX_PAGE_SIZE
        if too_large:
            if "list-page-size-21-accepted" in self.faults:
                return MAX_PAGE_SIZE
            raise Rejection(400, PAGE_SIZE_TOO_LARGE)
        return size

    def _page_number(self, text: str, first_page: int) -> int:
        """An integer from ``first_page`` on (1; 0 only under the fault list-page-zero-based)."""
        page = _integer(text)
        if page is not None and page < first_page and "page-zero-first-page" in self.variations:
            return first_page
        if page is None or page < first_page:
            raise Rejection(400, PAGE_NOT_POSITIVE)
        return page

    def _check_page_exists(self, page: int, total_pages: int) -> None:
        """A page past the last is answered with empty rows (page 1 of a lead without tasks exists)."""
        if page <= max(total_pages, 1):
            return
        if "list-page-beyond-last-500" in self.faults:
            raise Crash("Internal Server Error")
        if "page-beyond-last-400" in self.variations:
            raise Rejection(400, "page out of range")

    def _page_start(self, page: int, page_size: int) -> int:
        if "list-page-zero-based" in self.faults:
            return page * page_size
        start = (page - 1) * page_size
        return start - 1 if page > 1 and "list-page-overlap" in self.faults else start

    # --- Responses ---

    def _answering(
        self, handler: Handler, success_status: int = 200
    ) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a handler's data in the documented success envelope, or its rejection in an error body."""
        return answering(
            handler, error_body=self._error_body, envelope=self._envelope, success_status=success_status
        )

    def _envelope(self, data: object) -> dict[str, object]:
        body: dict[str, object] = {"data": data, "message": "success"}
        if "extra-fields" in self.variations:
            body["meta"] = {"request_id": uuid.uuid4().hex, "api_version": "2"}
        return body

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        status, message = rejection.status_code, rejection.message
        body: dict[str, object] = {"message": message}
        if "error-body-nested" in self.variations:
            body = {"error": {"status": status, "message": message}}
        if "extra-fields" in self.variations:
            body.update(code=f"E{status}", request_id=uuid.uuid4().hex)
        return body

    def _task(self, task: Task, endpoint: str) -> dict[str, object]:
        """A task as ``endpoint`` answers it."""
        rendered = _task_json(task, self._timestamp)
        if "extra-fields" in self.variations:
            rendered.update(source="api", meta={"channel": "enterprise-api", "version": 2})
        for name, (where, edit) in _TASK_ANSWER_FAULTS.items():
            if name in self.faults and where == endpoint:
                edit(rendered)
        return rendered

    def _now(self) -> datetime:
        """The clock at the millisecond the wire format shows, or at the whole second under the
        variation timestamps-whole-seconds (then every timestamp the server makes is a whole second)."""
        now = to_millisecond(self._clock())
        return now.replace(microsecond=0) if "timestamps-whole-seconds" in self.variations else now


def superfone_routes(options: SandboxOptions, prefix: str) -> list[BaseRoute]:
    """A fresh store behind the Superfone routes, so every app instance starts from the seed data."""
    store = SuperfoneStore(options.keys["superfone"], options.faults, options.variations)
    return SuperfoneApi(store, options.now, options.faults, options.variations).routes(prefix)


MISSING_LEAD = 999_999_999


def target_section(base_url: str) -> str:
    """Account A's leads are ours, account B's foreign; the suite holds account A's key only."""
    ours, theirs = SEED_ACCOUNTS
    assignees = ", ".join(f'"{lead}" = {user}' for lead, user in ours.lead_assignees.items())
    return "\n".join(
        [
            "[superfone]",
            f'base_url = "{base_url}"',
            'api_key_env = "SF_API_KEY"',
            f"lead_ids = [{', '.join(map(str, ours.lead_assignees))}]",
            f"foreign_lead_ids = [{', '.join(map(str, theirs.lead_assignees))}]",
            f"missing_lead_ids = [{MISSING_LEAD}]",
            f"lead_assignees = {{ {assignees} }}",
        ]
    )


SUPERFONE_SANDBOX = SandboxVendor(
    name="superfone",
    prefix="/superfone",
    routes=superfone_routes,
    key_envs=("SF_API_KEY", None),
    target_section=target_section,
)
