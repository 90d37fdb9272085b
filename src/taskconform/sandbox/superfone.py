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
  creation order by position in the lead's history, never by timestamp.
- Closing a task (by Complete Task or by a newer non-reminder) sets ``task_status`` and ``status``
  to COMPLETE, ``updated_by`` to 1 and ``updated_at`` to the time of closing. ``created_by`` is 1;
  ``title`` and ``type_name`` are null and ``notify`` is true on every task.
- Responses are ASCII-escaped JSON so any string a client sent (even a lone surrogate) can be
  echoed without a 5xx; no input produces a 5xx.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import NoReturn

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.options import SandboxOptions

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


def _type_not_available(value: object) -> str:
    """The documented message for an unknown type; it lists every allowed value."""
    return f'type "{value}" is not available for creation. Allowed: {", ".join(TASK_TYPES)}'


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
    assignee_user_id: int
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


# Account A and account B, paired by position with ``SandboxOptions.superfone_keys``.
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


class SuperfoneStore:
    """Leads and tasks of both sandbox accounts.

    Each lead's history is a list that only grows at its end, so a task's position is its creation
    sequence number and "most recent" never depends on timestamps, which can tie. Every
    read-modify-write happens under one lock, so the documented auto-close stays atomic even if
    requests run in parallel. The rules live in small methods so that a named fault can later
    replace exactly one behaviour.
    """

    def __init__(self, keys: tuple[str, str]) -> None:
        self._lock = threading.Lock()
        self._task_ids = itertools.count(FIRST_TASK_ID)
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

    def find_lead(self, org_id: int, lead_id: int | None) -> Lead | None:
        """A lead of another account is reported exactly like a missing one, as documented."""
        lead = None if lead_id is None else self._leads.get(lead_id)
        return lead if lead is not None and lead.org_id == org_id else None

    def create(self, lead: Lead, draft: TaskDraft, now: datetime) -> Task:
        notify_at = draft.notify_at
        if notify_at is None:
            notify_at = self.default_notify_at(draft.type, draft.due_date, now)
        with self._lock:
            if self.closes_other_tasks(draft.type):
                self._close_open_non_reminders(lead, now)
            task = Task(
                id=next(self._task_ids),
                org_id=lead.org_id,
                customer_id=lead.id,
                type=draft.type,
                due_date=draft.due_date,
                notify_at=notify_at,
                assignee_user_id=lead.assignee_user_id,
                created_at=now,
                updated_at=now,
                customer_note=draft.customer_note,
            )
            self._history[lead.id].append(task)
        return task

    def newest_first(self, lead: Lead) -> list[Task]:
        with self._lock:
            return self._history[lead.id][::-1]

    def complete_latest(self, lead: Lead, now: datetime) -> Task | None:
        """Close the most recently created open task, reminders included; None if nothing is open."""
        with self._lock:
            history = self._history[lead.id]
            for position in reversed(range(len(history))):
                if history[position].is_open:
                    history[position] = self.closed(history[position], now)
                    return history[position]
        return None

    def closes_other_tasks(self, task_type: str) -> bool:
        """Creating a non-reminder closes the lead's other open non-reminders; a reminder closes nothing."""
        return task_type != REMINDER

    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        """As documented: REMINDER at due_date, FIRST_CALL immediately, others 10 minutes before."""
        if task_type == REMINDER:
            return due_date
        if task_type == FIRST_CALL:
            return now
        return due_date - DEFAULT_NOTIFY_LEAD_TIME

    def closed(self, task: Task, now: datetime) -> Task:
        """The task as closed at ``now``; ``updated_by`` and ``status`` follow from ``completed``."""
        return replace(task, completed=True, updated_at=now)

    def _close_open_non_reminders(self, lead: Lead, now: datetime) -> None:
        history = self._history[lead.id]
        for position, task in enumerate(history):
            if task.is_open and task.type != REMINDER:
                history[position] = self.closed(task, now)


# --- Wire format ------------------------------------------------------------------------------

_TIMESTAMP = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?:Z|(?P<sign>[+-])(?P<offset_hours>\d{2})(?::?(?P<offset_minutes>[0-5]\d))?)?",
    re.ASCII,
)
_EARLIEST_YEAR = 1000
_LEAD_ID = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")


def _parse_timestamp(value: object) -> datetime | None:
    """An aware UTC instant truncated to milliseconds, or None if ``value`` is not an accepted timestamp."""
    match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    part = match.groupdict()
    offset = timedelta(0)
    if part["sign"] is not None:
        offset = timedelta(hours=int(part["offset_hours"]), minutes=int(part["offset_minutes"] or 0))
        offset = -offset if part["sign"] == "-" else offset
    try:
        local = datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part["hour"]),
            int(part["minute"]),
            int(part["second"] or 0),
            int((part["fraction"] or "0")[:3].ljust(3, "0")) * 1000,
            tzinfo=timezone(offset),
        )
        instant = local.astimezone(UTC)
    except (ValueError, OverflowError):  # impossible fields, an offset of 24h or more, out of range
        return None
    return instant if instant.year >= _EARLIEST_YEAR else None


def _format_timestamp(instant: datetime) -> str:
    """The documented wire form: UTC, milliseconds, ``Z`` (``2026-05-20T15:00:00.000Z``)."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _to_millisecond(instant: datetime) -> datetime:
    """The API's clock has millisecond resolution; comparing finer instants would invent precision."""
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=instant.microsecond // 1000 * 1000)


def _task_json(task: Task) -> dict[str, object]:
    return {
        "id": task.id,
        "org_id": task.org_id,
        "customer_id": task.customer_id,
        "title": None,
        "type": task.type,
        "type_name": None,
        "due_date": _format_timestamp(task.due_date),
        "notify_at": _format_timestamp(task.notify_at),
        "notify": True,
        "task_status": "COMPLETE" if task.completed else "PENDING",
        "status": "COMPLETE" if task.completed else "ACTIVE",
        "assignee_user_id": task.assignee_user_id,
        "created_by": API_USER_ID,
        "updated_by": API_USER_ID if task.completed else None,
        "created_at": _format_timestamp(task.created_at),
        "updated_at": _format_timestamp(task.updated_at),
        "customer_note": task.customer_note,
    }


class _AsciiJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: UTF-8 cannot encode a lone surrogate a client may have sent, and
    echoing it must not turn into a 500."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


class _Rejection(Exception):
    """A documented (or chosen) error answer; raised from validation, rendered by ``_answering``."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


_Handler = Callable[[Request], Awaitable[object]]


def _answering(handler: _Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler's data in the documented success envelope, or its rejection in an error body."""

    async def endpoint(request: Request) -> Response:
        try:
            data = await handler(request)
        except _Rejection as rejection:
            return _AsciiJSONResponse({"message": rejection.message}, status_code=rejection.status_code)
        return _AsciiJSONResponse({"data": data, "message": "success"})

    return endpoint


# --- Request parsing --------------------------------------------------------------------------


def _int_or_none(digits: str) -> int | None:
    """``int()`` refuses strings over 4,300 digits; such a value cannot name anything real."""
    try:
        return int(digits)
    except ValueError:
        return None


def _positive_int(text: str) -> int | None:
    value = _int_or_none(text) if _DIGITS.fullmatch(text) else None
    return value if value is not None and value >= 1 else None


def _reject_json_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON; Python's parser would otherwise accept them.
    raise ValueError(f"{name} is not valid JSON")


def _parse_body(raw: bytes) -> dict[str, object]:
    if not raw.strip(b" \t\r\n"):
        raise _Rejection(400, BODY_EMPTY)
    try:
        body = json.loads(raw, parse_constant=_reject_json_constant)
    except (ValueError, RecursionError):
        raise _Rejection(400, BODY_NOT_JSON) from None
    if not isinstance(body, dict):
        raise _Rejection(400, BODY_NOT_OBJECT)
    if not body:
        raise _Rejection(400, BODY_EMPTY)
    return body


def _parse_draft(body: Mapping[str, object], now: datetime) -> TaskDraft:
    task_type = body.get("type")
    if task_type is None:
        raise _Rejection(400, TYPE_REQUIRED)
    if not isinstance(task_type, str) or task_type not in TASK_TYPES:
        raise _Rejection(400, _type_not_available(task_type))
    if body.get("due_date") is None:
        raise _Rejection(400, DUE_DATE_REQUIRED)
    due_date = _parse_timestamp(body["due_date"])
    if due_date is None:
        raise _Rejection(400, DUE_DATE_NOT_TIMESTAMP)
    notify_at = None
    if body.get("notify_at") is not None:
        notify_at = _parse_timestamp(body["notify_at"])
        if notify_at is None:
            raise _Rejection(400, NOTIFY_AT_NOT_TIMESTAMP)
    customer_note = body.get("customer_note")
    if customer_note is not None and not isinstance(customer_note, str):
        raise _Rejection(400, CUSTOMER_NOTE_NOT_STRING)
    if notify_at is not None and not now < notify_at <= due_date:
        raise _Rejection(400, NOTIFY_AT_OUTSIDE_WINDOW)
    return TaskDraft(task_type, due_date, notify_at, customer_note)


def _parse_page(query: QueryParams) -> tuple[int, int]:
    """``(page, page_size)`` from the query, defaults applied."""
    page_size = DEFAULT_PAGE_SIZE
    if "page_size" in query:
        parsed_size = _positive_int(query["page_size"])
        if parsed_size is None:
            raise _Rejection(400, PAGE_SIZE_NOT_POSITIVE)
        if parsed_size > MAX_PAGE_SIZE:
            raise _Rejection(400, PAGE_SIZE_TOO_LARGE)
        page_size = parsed_size
    page = 1
    if "page" in query:
        parsed_page = _positive_int(query["page"])
        if parsed_page is None:
            raise _Rejection(400, PAGE_NOT_POSITIVE)
        page = parsed_page
    return page, page_size


# --- Endpoints --------------------------------------------------------------------------------


class SuperfoneApi:
    """The three documented endpoints over one store."""

    def __init__(self, store: SuperfoneStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def routes(self, prefix: str) -> list[BaseRoute]:
        tasks = f"{prefix}/enterprise/api/lead/{{lead_id}}/task"
        return [
            Route(tasks, _answering(self.create_task), methods=["POST"]),
            Route(tasks, _answering(self.list_tasks), methods=["GET"]),
            Route(f"{tasks}/complete", _answering(self.complete_task), methods=["POST"]),
        ]

    async def create_task(self, request: Request) -> object:
        lead = self._lead(request)
        now = self._now()
        draft = _parse_draft(_parse_body(await request.body()), now)
        return _task_json(self._store.create(lead, draft, now))

    async def list_tasks(self, request: Request) -> object:
        lead = self._lead(request)
        page, page_size = _parse_page(request.query_params)
        history = self._store.newest_first(lead)
        start = (page - 1) * page_size
        return {
            "rows": [_task_json(task) for task in history[start : start + page_size]],
            "total_pages": -(-len(history) // page_size),
            "current_page": page,
            "page_size": page_size,
            "total_items": len(history),
        }

    async def complete_task(self, request: Request) -> object:
        lead = self._lead(request)
        task = self._store.complete_latest(lead, self._now())
        if task is None:
            raise _Rejection(400, NO_OPEN_TASK)
        return _task_json(task)

    def _lead(self, request: Request) -> Lead:
        """The lead named in the path, checked in the sandbox's precedence: 401, then 400, then 404."""
        org_id = self._store.org_for_key(request.headers.get("x-api-key"))
        if org_id is None:
            raise _Rejection(401, UNAUTHORIZED)
        raw_lead_id = request.path_params["lead_id"]
        if not _LEAD_ID.fullmatch(raw_lead_id):
            raise _Rejection(400, LEAD_ID_NOT_NUMBER)
        lead = self._store.find_lead(org_id, _int_or_none(raw_lead_id))
        if lead is None:
            raise _Rejection(404, LEAD_NOT_FOUND)
        return lead

    def _now(self) -> datetime:
        return _to_millisecond(self._clock())


def superfone_routes(options: SandboxOptions, prefix: str) -> list[BaseRoute]:
    """A fresh store behind the Superfone routes, so every app instance starts from the seed data."""
    return SuperfoneApi(SuperfoneStore(options.superfone_keys), options.now).routes(prefix)
