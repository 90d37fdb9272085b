"""SmartLead master-inbox sandbox: a reference implementation of ``POST /api/v1/master-inbox/create-task``.

The suite needs a server that behaves exactly as the vendor page says, so that a conformance failure
against it means a bug in the suite, and so that named faults have a correct baseline to deviate
from. Source: ``contracts/seeds/004_e3a480ce000b28b6.txt``.

Seeded data: account A owns the email_lead_map_ids 2433664091–2433664098 (the page's example id and
seven more, so parallel workers each get their own), account B owns 3122000001–3122000003. Task ids
count up from 1000 across both accounts. There is no read endpoint, so created tasks are kept only
to be faithful (``SmartLeadStore.tasks``).

Choices where the page is silent (``undocumented`` and ``contradictions`` of contracts/smartlead.yaml):

- Error bodies are ``{"ok": false, "message": "<text>"}``.
- 400 or 422 (SL-CONTRA-VALIDATION-STATUS): 400 for a missing required field and for a body that is
  not JSON or not a JSON object; 422 for a wrong type or a value outside the documented ones.
- Precedence: 401 for the key, then the body's syntax, then ``email_lead_map_id``, ``name``,
  ``description``, ``priority``, ``due_date`` in that order (presence, then type and value), then
  the lookup of the email_lead_map_id among the key's account's ids.
- The key is the ``api_key`` query parameter only (headers are ignored); of two, the last counts.
  A missing, empty or unknown key is 401 "Invalid or missing API key".
- No body, an empty or whitespace-only body and ``{}`` are read as ``{}``. The Content-Type header
  is not inspected. Malformed JSON (also ``NaN``/``Infinity`` literals, integers over 4,300 digits,
  nesting past the recursion limit, bytes that are not UTF-8) is 400 "Malformed request body"; a
  JSON value that is not an object is 400 "Request body must be a JSON object".
- ``null`` counts as absent for every field. Unknown body fields are ignored.
- ``email_lead_map_id`` must be a JSON number (not a boolean, not a numeric string) equal to one of
  the account's ids, else 422 "email_lead_map_id must be a number" / "email_lead_map_id not found"
  (another account's id, 0, negative or fractional ones included). The answer carries the id as an
  integer.
- ``name`` and ``description`` must be strings (any string, the empty one included, kept exactly);
  else 422 "<field> must be a string".
- ``priority`` must be exactly LOW, MEDIUM or HIGH (letter case matters), else 422 "priority must be
  one of LOW, MEDIUM, HIGH"; absent means MEDIUM.
- ``due_date`` must be ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` followed by ``Z``, ``±HH:MM`` or nothing
  (then UTC), naming an instant in years 1–9999 UTC, else 422 "due_date must be an ISO 8601
  date-time". Past due dates are accepted. Microseconds are kept (further digits truncated).
- A task answers with all seven documented fields; ``description`` and ``due_date`` are null when
  not sent. ``due_date`` is rendered in UTC with ``Z`` and a fraction only where the instant has
  one; ``created_at`` is the clock at creation with milliseconds and ``Z``.
- Responses are ASCII-escaped JSON, so any string a client sent (even a lone surrogate) can be
  echoed without a 5xx; no input produces a 5xx.

Faults and variations (``contracts/faults.yaml``, ``contracts/variations.yaml``, names ``sl-…``): the
faithful behaviour is the default everywhere. A named fault or variation switches the one small
method or value that implements its rule, with a plain ``if "<name>" in self.faults:``
(``self.variations``) there; the catalogue entry says what it changes.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.answers import (
    JSON_ERRORS,
    Crash,
    Rejection,
    answering,
    instant_from_parts,
    is_blank,
    parse_json,
    to_millisecond,
)
from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.vendor import SandboxVendor

__all__ = [
    "FIRST_TASK_ID",
    "PRIORITIES",
    "SEED_ACCOUNTS",
    "SMARTLEAD_SANDBOX",
    "SmartLeadApi",
    "SmartLeadStore",
    "Task",
    "smartlead_routes",
]

# --- Documented vocabulary --------------------------------------------------------------------

PRIORITIES: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH")
DEFAULT_PRIORITY = "MEDIUM"
# The page gives descriptions, not messages; the 401 description doubles as its message.
UNAUTHORIZED = "Invalid or missing API key"
# Sandbox choices (see the module docstring).
BODY_MALFORMED = "Malformed request body"
BODY_NOT_OBJECT = "Request body must be a JSON object"
LEAD_MAP_ID_NOT_NUMBER = "email_lead_map_id must be a number"
LEAD_MAP_ID_NOT_FOUND = "email_lead_map_id not found"
PRIORITY_INVALID = f"priority must be one of {', '.join(PRIORITIES)}"
DUE_DATE_INVALID = "due_date must be an ISO 8601 date-time"

# Account A's and account B's email_lead_map_ids, paired by position with SandboxOptions.keys["smartlead"].
SEED_ACCOUNTS: tuple[tuple[int, ...], tuple[int, ...]] = (
    tuple(range(2433664091, 2433664099)),
    (3122000001, 3122000002, 3122000003),
)
FIRST_TASK_ID = 1000


def _required(field: str) -> str:
    return f"{field} is required"


def _not_a_string(field: str) -> str:
    return f"{field} must be a string"


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    email_lead_map_id: int
    name: str
    description: str | None
    priority: str
    due_date: datetime | None
    due_date_text: str | None  # as the client spelled it (variation sl-due-date-verbatim)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _Draft:
    """A validated body; ``email_lead_map_id`` is still the value sent, looked up afterwards."""

    email_lead_map_id: object
    name: str
    description: str | None
    priority: str
    due_date: datetime | None
    due_date_text: str | None


def _random_task_ids() -> Iterator[int]:
    """Variation sl-ids-large-random: large, in no order, never reused."""
    rng = random.Random()
    used: set[int] = set()
    while True:
        candidate = rng.randrange(10**12, 10**15)
        if candidate not in used:
            used.add(candidate)
            yield candidate


class SmartLeadStore:
    """Both accounts' email_lead_map_ids and every task created on them, behind one lock."""

    def __init__(self, keys: tuple[str, str], variations: frozenset[str] = frozenset()) -> None:
        self._lock = threading.Lock()
        self._account_by_key = {key: index for index, key in enumerate(keys)}
        self._task_ids = (
            _random_task_ids() if "sl-ids-large-random" in variations else itertools.count(FIRST_TASK_ID)
        )
        self.tasks: list[Task] = []

    def account_for_key(self, key: str | None) -> int | None:
        return None if key is None else self._account_by_key.get(key)

    def lead_map_id(self, account: int, value: object) -> int | None:
        """The account's id equal to ``value`` (a JSON number), or None: another account's is unknown."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return next((known for known in SEED_ACCOUNTS[account] if known == value), None)

    def add(self, draft: _Draft, email_lead_map_id: int, now: datetime) -> Task:
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


# --- Wire format ------------------------------------------------------------------------------

_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?:Z|(?P<sign>[+-])(?P<offset_hours>\d{2}):(?P<offset_minutes>\d{2}))?",
    re.ASCII,
)
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,30}", re.ASCII)


def _parse_date_time(value: object, *, honour_offset: bool = True) -> datetime | None:
    """An aware UTC instant, or None if ``value`` is not an accepted date-time.

    ``honour_offset=False`` is the fault sl-due-date-timezone-shift: the local time is taken as UTC.
    """
    match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    return instant_from_parts(match.groupdict(), honour_offset=honour_offset, fraction_digits=6)


def _format_instant(instant: datetime, *, offset: bool = False, timespec: str | None = None) -> str:
    """UTC ISO 8601: ``Z`` (or ``+00:00`` under sl-timestamps-offset), a fraction only if there is one."""
    if timespec is None:
        micro = instant.microsecond
        timespec = "seconds" if micro == 0 else "milliseconds" if micro % 1000 == 0 else "microseconds"
    utc = instant.astimezone(UTC)
    if offset:
        return utc.isoformat(timespec=timespec)
    return utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


# --- Endpoint ---------------------------------------------------------------------------------


class SmartLeadApi:
    """The one documented endpoint over one store."""

    def __init__(
        self,
        store: SmartLeadStore,
        clock: Callable[[], datetime],
        faults: frozenset[str] = frozenset(),
        variations: frozenset[str] = frozenset(),
    ) -> None:
        self._store = store
        self._clock = clock
        self.faults = faults
        self.variations = variations

    def routes(self, prefix: str) -> list[BaseRoute]:
        return [Route(f"{prefix}/api/v1/master-inbox/create-task", self._answering(), methods=["POST"])]

    async def create_task(self, request: Request) -> dict[str, object]:
        account = self._account(request)
        draft = self._draft(self._body(await request.body()), account)
        email_lead_map_id = self._store.lead_map_id(account, draft.email_lead_map_id)
        if email_lead_map_id is None:
            raise self._invalid(LEAD_MAP_ID_NOT_FOUND)
        task = self._store.add(draft, email_lead_map_id, to_millisecond(self._clock()))
        return self._task(task)

    # --- The key ---

    def _account(self, request: Request) -> int:
        """The account of the api_key query parameter; 401 for a missing or unknown key."""
        key = request.query_params.get("api_key")
        if key is None and "sl-api-key-header-accepted" in self.variations:
            key = request.headers.get("x-api-key")
        account = self._store.account_for_key(key)
        if account is not None:
            return account
        if key and "sl-wrong-key-accepted" in self.faults:
            return 0
        if key is None and "sl-missing-key-400" in self.faults:
            raise Rejection(400, "api_key is required")
        raise Rejection(401, UNAUTHORIZED)

    # --- The body ---

    def _body(self, raw: bytes) -> dict[str, object]:
        if is_blank(raw):
            return {}
        try:
            body = parse_json(raw)
        except JSON_ERRORS:
            raise Rejection(422 if "sl-malformed-json-422" in self.faults else 400, BODY_MALFORMED) from None
        if isinstance(body, list) and "sl-array-body-500" in self.faults:
            raise Crash("Internal Server Error")
        if not isinstance(body, dict):
            raise Rejection(400, BODY_NOT_OBJECT)
        return body

    def _invalid(self, message: str, *, missing: bool = False) -> Rejection:
        """A validation failure: 400 for a missing field, 422 else (SL-CONTRA-VALIDATION-STATUS)."""
        status = 400 if missing else 422
        if "sl-validation-400" in self.variations:
            status = 400
        if "sl-validation-422" in self.variations:
            status = 422
        return Rejection(status, message)

    def _draft(self, body: Mapping[str, object], account: int) -> _Draft:
        """The fields in the order they are checked: the first failing one answers."""
        email_lead_map_id = self._email_lead_map_id(body, account)
        name = self._name(body)
        description = self._description(body)
        priority = self._priority(body)
        due_date, due_date_text = self._due_date(body)
        return _Draft(email_lead_map_id, name, description, priority, due_date, due_date_text)

    def _email_lead_map_id(self, body: Mapping[str, object], account: int) -> object:
        value = body.get("email_lead_map_id")
        if value is None:
            if "sl-lead-map-id-not-required" in self.faults:
                return SEED_ACCOUNTS[account][0]
            raise self._invalid(_required("email_lead_map_id"), missing=True)
        if (
            isinstance(value, str)
            and "sl-lenient-types" in self.variations
            and _ASCII_INTEGER.fullmatch(value.strip())
        ):
            return int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._invalid(LEAD_MAP_ID_NOT_NUMBER)
        return value

    def _name(self, body: Mapping[str, object]) -> str:
        value = body.get("name")
        if value is None:
            if "sl-name-not-required" in self.faults:
                return ""
            raise self._invalid(_required("name"), missing=True)
        if isinstance(value, dict) and "sl-name-object-stringified" in self.faults:
            return json.dumps(value)
        return self._text("name", value)

    def _description(self, body: Mapping[str, object]) -> str | None:
        value = body.get("description")
        return None if value is None else self._text("description", value)

    def _text(self, field: str, value: object) -> str:
        if isinstance(value, str):
            return value
        lenient = "sl-lenient-types" in self.variations
        if lenient and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self._invalid(_not_a_string(field))

    def _priority(self, body: Mapping[str, object]) -> str:
        value = body.get("priority")
        if value is None:
            return "LOW" if "sl-priority-default-low" in self.faults else DEFAULT_PRIORITY
        if isinstance(value, str) and "sl-priority-case-insensitive" in self.variations:
            value = value.upper() if value.upper() in PRIORITIES else value
        if value not in PRIORITIES:
            if "sl-unknown-priority-defaulted" in self.faults:
                return DEFAULT_PRIORITY
            raise self._invalid(PRIORITY_INVALID)
        if value == "LOW" and "sl-priority-low-stored-medium" in self.faults:
            return "MEDIUM"
        return str(value)

    def _due_date(self, body: Mapping[str, object]) -> tuple[datetime | None, str | None]:
        value = body.get("due_date")
        if value is None:
            if "sl-due-date-required" in self.faults:
                raise self._invalid(_required("due_date"), missing=True)
            return None, None
        honour_offset = "sl-due-date-timezone-shift" not in self.faults
        instant = _parse_date_time(value, honour_offset=honour_offset)
        if instant is None:
            if "sl-due-date-format-unchecked" in self.faults:
                return None, None
            raise self._invalid(DUE_DATE_INVALID)
        if instant <= to_millisecond(self._clock()) and "sl-past-due-date-rejected" in self.variations:
            raise self._invalid("due_date must be in the future")
        return instant, str(value)

    # --- Responses ---

    def _answering(self) -> Callable[[Request], Awaitable[Response]]:
        """The documented success envelope, or an error body."""
        return answering(self.create_task, error_body=self._error_body, envelope=self._envelope)

    def _envelope(self, data: object) -> dict[str, object]:
        body: dict[str, object] = {"ok": True, "data": data}
        if "sl-envelope-without-ok" in self.faults:
            del body["ok"]
        if "sl-extra-fields" in self.variations:
            body["message"] = "Task created successfully"
            body["request_id"] = uuid.uuid4().hex
        return body

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        status, message = rejection.status_code, rejection.message
        body: dict[str, object] = {"ok": False, "message": message}
        if "sl-error-body-nested" in self.variations:
            body = {"success": False, "error": {"code": status, "detail": message}}
        if "sl-extra-fields" in self.variations:
            body["request_id"] = uuid.uuid4().hex
        return body

    def _task(self, task: Task) -> dict[str, object]:
        offset = "sl-timestamps-offset" in self.variations
        due_date = None if task.due_date is None else _format_instant(task.due_date, offset=offset)
        if task.due_date_text is not None and "sl-due-date-verbatim" in self.variations:
            due_date = task.due_date_text
        rendered: dict[str, object] = {
            "id": task.id,
            "email_lead_map_id": task.email_lead_map_id,
            "name": task.name,
            "description": None if "sl-description-dropped" in self.faults else task.description,
            "priority": task.priority,
            "due_date": due_date,
            "created_at": _format_instant(task.created_at, offset=offset, timespec="milliseconds"),
        }
        if "sl-absent-optional-omitted" in self.variations:
            rendered = {
                k: v for k, v in rendered.items() if not (k in ("description", "due_date") and v is None)
            }
        if "sl-extra-fields" in self.variations:
            rendered.update(status="PENDING", assignee_id=None, meta={"source": "api", "version": 1})
        return rendered


def smartlead_routes(options: SandboxOptions, prefix: str) -> list[BaseRoute]:
    """A fresh store behind the SmartLead route, so every app instance starts from the seed data."""
    store = SmartLeadStore(options.keys["smartlead"], options.variations)
    return SmartLeadApi(store, options.now, options.faults, options.variations).routes(prefix)


def target_section(base_url: str) -> str:
    """Account A's ids are the configured ones; the suite holds account A's key only."""
    ours, _ = SEED_ACCOUNTS
    return "\n".join(
        [
            "[smartlead]",
            f'base_url = "{base_url}"',
            'api_key_env = "SMARTLEAD_API_KEY"',
            f"email_lead_map_ids = [{', '.join(map(str, ours))}]",
        ]
    )


SMARTLEAD_SANDBOX = SandboxVendor(
    name="smartlead",
    prefix="/smartlead",
    routes=smartlead_routes,
    key_envs=("SMARTLEAD_API_KEY", None),
    target_section=target_section,
)
