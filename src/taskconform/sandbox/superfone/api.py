"""Superfone's HTTP layer: Create, List and Complete Task read from the wire and answered on it.

Where the pages are silent the sandbox's choice is an ``undocumented`` entry of
``contracts/superfone.yaml``, cited by its id where the code makes it. Each rule is one small method
(or class attribute), so a named fault or variation (``faults.py``) overrides exactly the one it
changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import ClassVar

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.answers import (
    JSON_ERRORS,
    Handler,
    Rejection,
    answering,
    is_blank,
    parse_json,
    parse_timestamp,
    to_millisecond,
    utc_iso,
)
from taskconform.sandbox.superfone.data import TASK_TYPES, Lead, Task
from taskconform.sandbox.superfone.store import SuperfoneStore, TaskDraft

__all__ = [
    "BODY_EMPTY",
    "DEFAULT_PAGE_SIZE",
    "LEAD_NOT_FOUND",
    "MAX_PAGE_SIZE",
    "NOT_AVAILABLE",
    "NO_OPEN_TASK",
    "PAGE_SIZE_TOO_LARGE",
    "TYPE_REQUIRED",
    "UNAUTHORIZED",
    "SuperfoneApi",
    "integer",
    "parse_instant",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 20
# The API key acts as one integration user; it is the creator and closer of tasks made through it.
API_USER_ID = 1

UNAUTHORIZED = "UnAuthorized, Please Provide Valid API Key"
LEAD_ID_NOT_NUMBER = "lead_id must be a number"
LEAD_NOT_FOUND = "Lead not found"
BODY_EMPTY = "Request body is empty"
TYPE_REQUIRED = "type is required"
NOT_AVAILABLE = 'type "{}" is not available for creation.'
DUE_DATE_REQUIRED = "due_date is required"
PAGE_SIZE_NOT_POSITIVE = "page_size must be a positive integer"
PAGE_SIZE_TOO_LARGE = f"page_size cannot exceed {MAX_PAGE_SIZE}"
NO_OPEN_TASK = "No open task found for this lead"
# The sandbox's choices of message (the ids of the catalogue entries are cited where they are raised).
BODY_NOT_JSON = "Request body is not valid JSON"
BODY_NOT_OBJECT = "Request body must be a JSON object"
DUE_DATE_NOT_TIMESTAMP = "due_date must be an ISO 8601 timestamp"
NOTIFY_AT_NOT_TIMESTAMP = "notify_at must be an ISO 8601 timestamp"
NOTIFY_AT_OUTSIDE_WINDOW = "notify_at must be in the future and at or before due_date"
CUSTOMER_NOTE_NOT_STRING = "customer_note must be a string"
PAGE_NOT_POSITIVE = "page must be a positive integer"

# --- Wire format ------------------------------------------------------------------------------

# A lead_id or page value is a number when it matches this (a choice the catalogue does not list:
# leading zeros are allowed, so ``01001`` is lead 1001; a negative or absurdly long lead is not found).
_INTEGER = re.compile(r"-?[0-9]+")
# Instants must fall in the years 1000–9999 UTC, which keeps "10 minutes before" and the four-digit
# output year well-defined (SF-OPEN-MALFORMED-TIMESTAMP gives the forms).
_EARLIEST_YEAR = 1000


def parse_instant(value: object, *, honour_offset: bool = True) -> datetime | None:
    """An aware UTC instant truncated to milliseconds, or None if ``value`` is not an accepted timestamp."""
    instant = parse_timestamp(value, honour_offset=honour_offset)
    return instant if instant is not None and instant.year >= _EARLIEST_YEAR else None


def _int_or_none(digits: str) -> int | None:
    """``int()`` refuses strings over 4,300 digits; such a value cannot name anything real."""
    try:
        return int(digits)
    except ValueError:
        return None


def integer(text: str) -> int | None:
    """An optionally negative integer in ASCII digits, else None."""
    return _int_or_none(text) if _INTEGER.fullmatch(text) else None


def _task_json(task: Task, timestamp: Callable[[datetime], str]) -> dict[str, object]:
    """SF-OPEN-UNDOCUMENTED-FIELDS and SF-OPEN-CUSTOMER-NOTE-ECHO: the fields of the pages' examples."""
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


# --- Endpoints --------------------------------------------------------------------------------


class SuperfoneApi:
    """The three documented endpoints over one store.

    SF-OPEN-ERROR-PRECEDENCE: 401 key, 400 lead_id format, 404 lead lookup, then the body or query
    (Create: empty body, JSON syntax, JSON object, type, due_date presence then format, notify_at
    format, customer_note, notify_at window; List: page_size, then page). SF-OPEN-RATE-LIMIT: none.
    """

    # Documented "Status Code: 200 OK".
    create_status: ClassVar[int] = 200
    creatable_types: ClassVar[tuple[str, ...]] = TASK_TYPES
    # SF-OPEN-MALFORMED-BODY: a missing, empty or whitespace-only body and ``{}`` are all "empty".
    body_empty: ClassVar[str] = BODY_EMPTY
    type_required: ClassVar[str] = TYPE_REQUIRED
    default_page_size: ClassVar[int] = DEFAULT_PAGE_SIZE
    # "page ... starts at 1, not 0"
    first_page: ClassVar[int] = 1

    def __init__(self, store: SuperfoneStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def routes(self, prefix: str) -> list[BaseRoute]:
        tasks = f"{prefix}/enterprise/api/lead/{{lead_id}}/task"
        return [
            Route(tasks, self._answering(self.create_task, "create", self.create_status), methods=["POST"]),
            Route(tasks, self._answering(self.list_tasks, "list"), methods=["GET"]),
            Route(f"{tasks}/complete", self._answering(self.complete_task, "complete"), methods=["POST"]),
        ]

    async def create_task(self, request: Request) -> object:
        return await self._create(request, self._org(request, "create"))

    async def list_tasks(self, request: Request) -> object:
        lead = self._lead(request, "list")
        page, page_size = self._page(request.query_params)
        tasks = self._store.newest_first(lead)
        total_pages = -(-len(tasks) // page_size)
        if page > max(total_pages, 1):  # page 1 of a lead without tasks exists
            self._page_beyond_last()
        start = self._page_start(page, page_size)
        rows = [self._task(task, "list") for task in tasks[start : start + page_size]]
        return self._list_answer(rows, len(tasks), page, page_size)

    async def complete_task(self, request: Request) -> object:
        # SF-OPEN-COMPLETE-BODY: any request body is ignored.
        lead = self._lead(request, "complete")
        task = self._store.complete_latest(lead, self._now())
        if task is None:
            return self._nothing_to_complete()
        return self._task(task, "complete")

    async def _create(self, request: Request, org_id: int) -> object:
        lead_id = self._lead_id(request, "create")
        now = self._now()
        lead, draft = await self._lead_and_draft(request, org_id, lead_id, now)
        return self._task(await self._store.create(lead, draft, now), "create")

    async def _lead_and_draft(
        self, request: Request, org_id: int, lead_id: int | None, now: datetime
    ) -> tuple[Lead, TaskDraft]:
        """SF-OPEN-ERROR-PRECEDENCE: the lead lookup (404) before the body (400)."""
        lead = self._find_lead(request, org_id, lead_id, "create")
        return lead, self._draft(await request.body(), now)

    def _nothing_to_complete(self) -> object:
        raise Rejection(400, NO_OPEN_TASK)

    # --- The lead of the URL: 401, then 400, then 404 ---

    def _lead(self, request: Request, endpoint: str) -> Lead:
        org_id = self._org(request, endpoint)
        return self._find_lead(request, org_id, self._lead_id(request, endpoint), endpoint)

    def _org(self, request: Request, endpoint: str) -> int:
        """The account of the x-api-key."""
        key = request.headers.get("x-api-key")
        org_id = self._store.org_for_key(key)
        return self._unknown_key(key, endpoint) if org_id is None else org_id

    def _unknown_key(self, key: str | None, endpoint: str) -> int:
        """401 for a missing or unknown key."""
        raise Rejection(401, UNAUTHORIZED)

    def _lead_id(self, request: Request, endpoint: str) -> int | None:
        """The :lead_id as a number (None if too long to name anything); 400 if it is not a number."""
        raw_lead_id = request.path_params["lead_id"]
        if _INTEGER.fullmatch(raw_lead_id):
            return _int_or_none(raw_lead_id)
        raise self._lead_id_not_number(endpoint)

    def _lead_id_not_number(self, endpoint: str) -> Rejection:
        return Rejection(400, LEAD_ID_NOT_NUMBER)

    def _find_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        """The lead if it is one of the account's."""
        lead = self._store.find_lead(org_id, lead_id)
        return self._missing_lead(request, org_id, lead_id, endpoint) if lead is None else lead

    def _missing_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        """404 for an unknown lead and for another account's."""
        raise Rejection(404, LEAD_NOT_FOUND)

    # --- Create Task body ---

    def _draft(self, raw: bytes, now: datetime) -> TaskDraft:
        body = self._body(raw)
        # A ``type`` or ``due_date`` of null counts as missing (a choice the catalogue does not list).
        task_type = body.get("type")
        if task_type is None:
            raise Rejection(400, self.type_required)
        creatable = self._creatable_type(task_type)
        if creatable is None:
            raise Rejection(400, self._type_not_available(task_type))
        due_date = self._due_date(body, now)
        notify_at = None
        if body.get("notify_at") is not None:  # null means absent
            notify_at = parse_instant(body["notify_at"])
            if notify_at is None:
                raise Rejection(400, NOTIFY_AT_NOT_TIMESTAMP)  # SF-OPEN-MALFORMED-TIMESTAMP
        # SF-OPEN-FIELD-TYPES
        customer_note = body.get("customer_note")
        if customer_note is not None and not isinstance(customer_note, str):
            raise Rejection(400, CUSTOMER_NOTE_NOT_STRING)
        if notify_at is not None and not (
            self._after_now(notify_at, now) and self._not_after_due(notify_at, due_date)
        ):
            raise self._outside_notify_window()
        return TaskDraft(creatable, due_date, notify_at, customer_note)

    def _body(self, raw: bytes) -> dict[str, object]:
        """SF-OPEN-MALFORMED-BODY; the Content-Type header is not inspected."""
        if is_blank(raw):
            raise Rejection(400, self.body_empty)
        try:
            body = parse_json(raw)
        except JSON_ERRORS:
            raise self._not_json() from None
        if not isinstance(body, dict):
            raise Rejection(400, BODY_NOT_OBJECT)
        if not body:
            raise Rejection(400, self.body_empty)
        return body

    def _not_json(self) -> Exception:
        """Also JSON the parser cannot represent (NaN/Infinity, integers over 4,300 digits, deep nesting)."""
        return Rejection(400, BODY_NOT_JSON)

    def _creatable_type(self, value: object) -> str | None:
        """The documented type ``value`` names: exactly one of the list, as written ("must be one of")."""
        return value if isinstance(value, str) and value in self.creatable_types else None

    def _type_not_available(self, value: object) -> str:
        """The documented message for an unknown type; it lists every allowed value (a value that is no
        string is written with ``str()``)."""
        return f"{NOT_AVAILABLE.format(value)} Allowed: {', '.join(self.creatable_types)}"

    def _due_date(self, body: Mapping[str, object], now: datetime) -> datetime:
        """SF-OPEN-DUE-DATE-PAST: a due date in the past is accepted."""
        if body.get("due_date") is None:
            raise Rejection(400, DUE_DATE_REQUIRED)
        due_date = self._parse_due_date(body["due_date"])
        if due_date is None:
            raise Rejection(400, DUE_DATE_NOT_TIMESTAMP)  # SF-OPEN-MALFORMED-TIMESTAMP
        return due_date

    def _parse_due_date(self, value: object) -> datetime | None:
        return parse_instant(value)

    # The documented window: now < notify_at <= due_date.

    def _after_now(self, notify_at: datetime, now: datetime) -> bool:
        return now < notify_at

    def _not_after_due(self, notify_at: datetime, due_date: datetime) -> bool:
        return notify_at <= due_date

    def _outside_notify_window(self) -> Rejection:
        return Rejection(400, NOTIFY_AT_OUTSIDE_WINDOW)  # SF-OPEN-NOTIFY-REJECTION

    # --- List Tasks query ---

    def _page(self, query: QueryParams) -> tuple[int, int]:
        """``(page, page_size)`` from the query, defaults applied; page_size is checked first.

        A repeated query parameter: the last wins (a choice the catalogue does not list).
        """
        page_size = self.default_page_size
        if "page_size" in query:
            page_size = self._page_size(query["page_size"])
        page = self.first_page
        if "page" in query:
            page = self._page_number(query["page"])
        return page, page_size

    def _page_size(self, text: str) -> int:
        """A positive integer up to 20 (SF-OPEN-PAGE-SIZE-EDGE)."""
        size = integer(text)
        if size is None or size < 1:
            raise Rejection(400, PAGE_SIZE_NOT_POSITIVE)
        if size > MAX_PAGE_SIZE:
            raise Rejection(400, PAGE_SIZE_TOO_LARGE)
        return size

    def _page_number(self, text: str) -> int:
        """An integer from ``first_page`` on (SF-OPEN-PAGE-ZERO)."""
        page = integer(text)
        if page is None or page < self.first_page:
            raise Rejection(400, PAGE_NOT_POSITIVE)
        return page

    def _page_beyond_last(self) -> None:
        """SF-OPEN-PAGE-BEYOND-LAST: answered with empty rows."""

    def _page_start(self, page: int, page_size: int) -> int:
        return (page - self.first_page) * page_size

    def _list_answer(
        self, rows: list[dict[str, object]], items: int, page: int, page_size: int
    ) -> dict[str, object]:
        return {
            "rows": rows,
            "total_pages": -(-items // page_size),
            "current_page": page,
            "page_size": page_size,
            "total_items": items,
        }

    # --- Responses ---

    def _answering(
        self, handler: Handler, endpoint: str, success_status: int = 200
    ) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a handler's data in the documented success envelope, or its rejection in an error body."""
        return answering(
            handler,
            error_body=self._error_body,
            envelope=lambda data: self._envelope(data, endpoint),
            success_status=success_status,
        )

    def _envelope(self, data: object, endpoint: str) -> dict[str, object]:
        """As every example shows it (SF-<OP>-EXAMPLE-MESSAGE)."""
        return {"data": data, "message": "success"}

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        return {"message": rejection.message}  # SF-OPEN-ERROR-BODY-SHAPE

    def _task(self, task: Task, endpoint: str) -> dict[str, object]:
        """A task as ``endpoint`` answers it."""
        return _task_json(task, self._timestamp)

    def _timestamp(self, instant: datetime) -> str:
        return utc_iso(instant)  # SF-OPEN-TIMESTAMP-SPELLING

    def _now(self) -> datetime:
        """The clock at the millisecond the wire format shows."""
        return to_millisecond(self._clock())
