"""SmartLead's HTTP layer: ``POST /api/v1/master-inbox/create-task`` read from the wire and answered on it.

Source: ``contracts/seeds/004_e3a480ce000b28b6.txt``. Where the page is silent the sandbox's choice is an
``undocumented`` (or ``contradictions``) entry of ``contracts/smartlead.yaml``, cited by its id where
the code makes it. Each rule is one small method (or class attribute), so a named fault or variation
(``faults.py``) overrides exactly the one it changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import ClassVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.answers import (
    JSON_ERRORS,
    Rejection,
    answering,
    instant_from_parts,
    is_blank,
    parse_json,
    shortest_timespec,
    to_millisecond,
    utc_iso,
)
from taskconform.sandbox.smartlead.data import DEFAULT_PRIORITY, PRIORITIES
from taskconform.sandbox.smartlead.store import Draft, SmartLeadStore, Task

__all__ = ["BODY_MALFORMED", "SmartLeadApi", "parse_date_time", "required"]

# The page gives descriptions, not messages; the 401 description doubles as its message.
UNAUTHORIZED = "Invalid or missing API key"
# The sandbox's choices of message (the ids of the catalogue entries are cited where they are raised).
BODY_MALFORMED = "Malformed request body"
BODY_NOT_OBJECT = "Request body must be a JSON object"
LEAD_MAP_ID_NOT_NUMBER = "email_lead_map_id must be a number"
LEAD_MAP_ID_NOT_FOUND = "email_lead_map_id not found"
PRIORITY_INVALID = f"priority must be one of {', '.join(PRIORITIES)}"
DUE_DATE_INVALID = "due_date must be an ISO 8601 date-time"


def required(field: str) -> str:
    return f"{field} is required"


def _not_a_string(field: str) -> str:
    return f"{field} must be a string"


# --- Wire format ------------------------------------------------------------------------------

# SL-OPEN-DUE-DATE-FORMS; the instant must fall in years 1–9999 UTC.
_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?:Z|(?P<sign>[+-])(?P<offset_hours>\d{2}):(?P<offset_minutes>\d{2}))?",
    re.ASCII,
)


def parse_date_time(value: object, *, honour_offset: bool = True) -> datetime | None:
    """An aware UTC instant, microseconds kept (further digits truncated), or None if ``value`` is not
    an accepted date-time."""
    match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    return instant_from_parts(match.groupdict(), honour_offset=honour_offset, fraction_digits=6)


# --- Endpoint ---------------------------------------------------------------------------------


class SmartLeadApi:
    """The one documented endpoint over one store.

    SL-OPEN-ERROR-PRECEDENCE: 401 for the key, then the body's syntax, then ``email_lead_map_id``,
    ``name``, ``description``, ``priority``, ``due_date`` (presence, then type and value), then the
    lookup of the email_lead_map_id among the key's account's ids. SL-OPEN-RATE-LIMIT: none.
    """

    # SL-OPEN-TIMESTAMP-SPELLING: UTC with ``Z``.
    zulu: ClassVar[bool] = True

    def __init__(self, store: SmartLeadStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def routes(self, prefix: str) -> list[BaseRoute]:
        return [Route(f"{prefix}/api/v1/master-inbox/create-task", self._answering(), methods=["POST"])]

    async def create_task(self, request: Request) -> dict[str, object]:
        account = self._account(request)
        draft = self._draft(self._body(await request.body()), account)
        email_lead_map_id = self._store.lead_map_id(account, draft.email_lead_map_id)
        if email_lead_map_id is None:
            raise self._invalid(LEAD_MAP_ID_NOT_FOUND)
        task = self._store.add(draft, email_lead_map_id, to_millisecond(self._clock()))  # SL-OPEN-CREATED-AT
        return self._task(task)

    # --- The key ---

    def _account(self, request: Request) -> int:
        """The account of the key."""
        key = self._key(request)
        account = self._store.account_for_key(key)
        return self._unknown_key(key) if account is None else account

    def _key(self, request: Request) -> str | None:
        """SL-OPEN-KEY-PLACEMENT: the ``api_key`` query parameter only; of two, the last counts."""
        return request.query_params.get("api_key")

    def _unknown_key(self, key: str | None) -> int:
        """A missing, empty or unknown key is 401."""
        raise Rejection(401, UNAUTHORIZED)

    # --- The body ---

    def _body(self, raw: bytes) -> dict[str, object]:
        """SL-OPEN-EMPTY-BODY, SL-OPEN-CONTENT-TYPE."""
        if is_blank(raw):
            return {}
        try:
            body = parse_json(raw)
        except JSON_ERRORS:
            raise self._not_json() from None
        if not isinstance(body, dict):
            raise self._not_object(body)
        return body

    def _not_json(self) -> Exception:
        """Also NaN/Infinity, integers over 4,300 digits, deep nesting and bytes that are not UTF-8."""
        return Rejection(400, BODY_MALFORMED)

    def _not_object(self, body: object) -> Exception:
        return Rejection(400, BODY_NOT_OBJECT)

    def _invalid(self, message: str, *, missing: bool = False) -> Rejection:
        return Rejection(self._validation_status(missing=missing), message)

    def _validation_status(self, *, missing: bool) -> int:
        """SL-CONTRA-VALIDATION-STATUS: 400 for a missing field, 422 else."""
        return 400 if missing else 422

    def _draft(self, body: Mapping[str, object], account: int) -> Draft:
        """The fields in the order they are checked: the first failing one answers. SL-OPEN-NULL-VALUES:
        null counts as absent for every field; SL-OPEN-EXTRA-FIELDS: unknown fields are ignored."""
        email_lead_map_id = self._email_lead_map_id(body.get("email_lead_map_id"), account)
        name = self._name(body.get("name"))
        description = self._description(body.get("description"))
        priority = self._priority(body.get("priority"))
        due_date, due_date_text = self._due_date(body.get("due_date"))
        return Draft(email_lead_map_id, name, description, priority, due_date, due_date_text)

    def _email_lead_map_id(self, value: object, account: int) -> object:
        """A JSON number, not a boolean, not a numeric string (SL-OPEN-COERCION)."""
        if value is None:
            raise self._invalid(required("email_lead_map_id"), missing=True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._invalid(LEAD_MAP_ID_NOT_NUMBER)
        return value

    def _name(self, value: object) -> str:
        if value is None:
            raise self._invalid(required("name"), missing=True)
        return self._text("name", value)

    def _description(self, value: object) -> str | None:
        return None if value is None else self._text("description", value)

    def _text(self, field: str, value: object) -> str:
        """Any string, kept exactly (SL-OPEN-TEXT-LIMITS, SL-OPEN-TEXT-NORMALISATION, SL-OPEN-COERCION)."""
        if isinstance(value, str):
            return value
        raise self._invalid(_not_a_string(field))

    def _priority(self, value: object) -> str:
        """Exactly LOW, MEDIUM or HIGH (SL-OPEN-PRIORITY-CASE)."""
        if value is None:
            return DEFAULT_PRIORITY
        if value not in PRIORITIES:
            raise self._invalid(PRIORITY_INVALID)
        return str(value)

    def _due_date(self, value: object) -> tuple[datetime | None, str | None]:
        """The instant and the text as sent (SL-OPEN-PAST-DUE-DATE: past dates are accepted)."""
        if value is None:
            return None, None
        instant = self._parse_due_date(value)
        if instant is None:
            raise self._invalid(DUE_DATE_INVALID)
        return instant, str(value)

    def _parse_due_date(self, value: object) -> datetime | None:
        return parse_date_time(value)

    # --- Responses ---

    def _answering(self) -> Callable[[Request], Awaitable[Response]]:
        """The documented success envelope, or an error body."""
        return answering(self.create_task, error_body=self._error_body, envelope=self._envelope)

    def _envelope(self, data: object) -> dict[str, object]:
        return {"ok": True, "data": data}

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        return {"ok": False, "message": rejection.message}  # SL-OPEN-ERROR-BODY-SHAPE

    def _task(self, task: Task) -> dict[str, object]:
        """All seven documented fields, null where not sent (SL-OPEN-ABSENT-OPTIONAL-FIELDS); due_date
        with a fraction only where the instant has one, created_at with milliseconds."""
        due_date = task.due_date
        return {
            "id": task.id,
            "email_lead_map_id": task.email_lead_map_id,
            "name": task.name,
            "description": task.description,
            "priority": task.priority,
            "due_date": None
            if due_date is None
            else utc_iso(due_date, shortest_timespec(due_date), zulu=self.zulu),
            "created_at": utc_iso(task.created_at, zulu=self.zulu),
        }
