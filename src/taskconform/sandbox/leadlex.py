"""LeadLex task API sandbox: a reference implementation of Create Task.

The suite needs a server that behaves exactly as the vendor page says, so that a conformance
failure against it means a bug in the suite, and so that named faults have a correct baseline to
deviate from. Source: ``contracts/seeds/003_37093ce25c986d01.txt`` (Create Task).

Seeded data (ids are readable UUIDs: ``a1`` workspace A, ``b2`` workspace B; then ``c0`` contact,
``d0`` deal, ``e0`` event, ``f0`` company):

- Workspace A: contacts Anna Becker, Lukas Weber, Sophie Fischer, Jonas Wagner, Mia Hoffmann, Felix
  Schulz, Grete Schmidt (the unique name) and two contacts named Hans Müller (the ambiguous name);
  three deals (primary contacts Anna, Lukas, Sophie), three events, companies Müller Bau GmbH and
  Acme Logistics.
- Workspace B: contacts Otto Braun and Grete Schmidt, one deal, one event, company Braun Consulting.
- Key roles (``SandboxOptions.keys["leadlex"]``): workspace A with activities:write, workspace A
  without it (read-only), workspace B with it.

Choices where the page is silent (``undocumented`` in ``contracts/leadlex.yaml``):

- Success is 201 ``{"data": <task>}``. A task is ``id`` (a UUID v4 string), ``title``,
  ``description``, ``status``, ``priority``, ``task_type``, ``due_date``, ``assigned_to_user_id``,
  ``contact_id``, ``deal_id``, ``event_id``, ``company_id``, ``created_date``; unset fields are null
  (priority has no default; links that were not sent stay null).
- Every error is ``{"error": {"code": ..., "message": ...}}``.
- ``Authorization: Bearer <key>`` (the scheme word case-insensitive); a missing, malformed or
  unknown key is 401 ``unauthorized`` "Missing or invalid API key".
- Precedence: 401 key, 403 permission, body syntax, field validation (in the order title,
  description, status, priority, task_type, due_date, assignee_id, contact_id, deal_id, event_id,
  contact_name, company_name), parent link, linked records (contact, deal, event), contact_name,
  company_name. A rejected request stores nothing.
- Body: missing or blank → 400 ``validation_error`` "Request body is empty"; not JSON (also NaN or
  Infinity literals, integers over 4,300 digits, nesting past the recursion limit) → "Request body
  is not valid JSON"; not an object → "Request body must be a JSON object". Content-Type is not
  inspected; unknown fields are ignored; null counts as absent for every optional field.
- A missing, null or blank title is "title is required"; a title of another type "title must be a
  string". status and priority outside their values, a due_date in no accepted form, a field of
  the wrong JSON type and an id that is not a UUID are 400 ``validation_error`` naming the field.
- Parent link: contact_id, deal_id, event_id or contact_name (company_name does not count); an
  orphan is 400 ``validation_error`` with the message of the page's example, verbatim.
- A contact_id, deal_id or event_id that is not a record of the key's workspace (another
  workspace's, or none) is 404 ``not_found`` ("contact_id does not match a contact of your
  workspace", likewise deal and event).
- contact_name is ignored when contact_id is given. Fuzzy matching: names compared without case
  or accents, punctuation as spaces; a name matches when the query's words are prefixes of its
  words, in order; if no name matches so, names at least 85 % similar (difflib) do; a query over
  200 characters matches nothing. One match links that contact; several give 400
  ``ambiguous_reference`` with ``error.candidates`` (the ids, sorted); none gives 400
  ``validation_error`` "contact_name matches no contact of your workspace". company_name is matched
  the same way against the workspace's companies and sets the extra field ``company_id``.
- due_date: ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` followed by ``Z``, ``±HH:MM``,
  ``±HHMM``, ``±HH`` or nothing (then UTC); digits beyond milliseconds are dropped; past dates are
  accepted. A date is returned as sent, a timestamp in UTC with milliseconds and ``Z``.
- created_date: a timestamp in those forms (not a bare date) from 5 calendar years before now (29
  February becomes 28 February) to 24 h after now, both inclusive, is kept and returned as the
  string sent; anything else (absent, null, another form or type, outside the window) is the
  server's now, returned in UTC with milliseconds and ``Z``.
- assignee_id is stored as ``assigned_to_user_id`` without validation; task_type takes any string.
- Responses are ASCII-escaped JSON, so any string a client sent (even a lone surrogate) can be
  echoed; no input produces a 5xx.

Faults and variations (``contracts/faults.yaml``, ``contracts/variations.yaml``, ``vendor: leadlex``):
the faithful behaviour is the default everywhere. A named fault or variation switches the one
small method that implements its rule, with a plain ``if "<name>" in self.faults:``
(``self.variations``) there.
"""

from __future__ import annotations

import difflib
import itertools
import re
import threading
import unicodedata
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn

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
    "LEADLEX_SANDBOX",
    "SEED_WORKSPACES",
    "LeadLexApi",
    "LeadLexStore",
    "Workspace",
    "leadlex_routes",
]

# --- Documented vocabulary --------------------------------------------------------------------

STATUSES = ("open", "in_progress", "completed")
PRIORITIES = ("low", "medium", "high")
DEFAULT_STATUS = "open"
VALIDATION_ERROR = "validation_error"
AMBIGUOUS_REFERENCE = "ambiguous_reference"
INSUFFICIENT_PERMISSIONS = "insufficient_permissions"
# The page's "Orphan-task rejection example", verbatim (the sandbox's choice of message).
ORPHAN_MESSAGE = "At least one parent link (contact_id, company_id, deal_id, or event_id) is required"
PERMISSION_MESSAGE = "Missing activities:write permission"
CREATED_DATE_PAST_YEARS = 5
CREATED_DATE_FUTURE = timedelta(hours=24)
# Sandbox choices (see the module docstring).
UNAUTHORIZED = "unauthorized"
UNAUTHORIZED_MESSAGE = "Missing or invalid API key"
NOT_FOUND = "not_found"
MAX_NAME_QUERY = 200
FUZZY_SIMILARITY = 0.85

# --- Seed data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workspace:
    name: str
    contacts: Mapping[str, str]  # id -> full name
    deals: Mapping[str, str]  # id -> primary contact id (used only by a variation)
    events: tuple[str, ...]
    companies: Mapping[str, str]  # id -> name


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}0000-0000-4000-8000-{n:012d}" for n in range(1, count + 1)]


_A_CONTACTS = _ids("a1c0", 9)
SEED_WORKSPACES: tuple[Workspace, Workspace] = (
    Workspace(
        name="A",
        contacts=dict(
            zip(
                _A_CONTACTS,
                [
                    "Anna Becker",
                    "Lukas Weber",
                    "Sophie Fischer",
                    "Jonas Wagner",
                    "Mia Hoffmann",
                    "Felix Schulz",
                    "Grete Schmidt",
                    "Hans Müller",
                    "Hans Müller",
                ],
                strict=True,
            )
        ),
        deals=dict(zip(_ids("a1d0", 3), _A_CONTACTS[:3], strict=True)),
        events=tuple(_ids("a1e0", 3)),
        companies=dict(zip(_ids("a1f0", 2), ["Müller Bau GmbH", "Acme Logistics"], strict=True)),
    ),
    Workspace(
        name="B",
        contacts=dict(zip(_ids("b2c0", 2), ["Otto Braun", "Grete Schmidt"], strict=True)),
        deals=dict(zip(_ids("b2d0", 1), _ids("b2c0", 1), strict=True)),
        events=tuple(_ids("b2e0", 1)),
        companies=dict(zip(_ids("b2f0", 1), ["Braun Consulting"], strict=True)),
    ),
)
WORKSPACE_A, WORKSPACE_B = SEED_WORKSPACES
UNIQUE_CONTACT_NAME = "Grete Schmidt"
AMBIGUOUS_CONTACT_NAME = "Hans Müller"
# The contacts the suite may link freely: workspace A's, minus the named ones.
PLAIN_CONTACTS = tuple(_A_CONTACTS[:6])


@dataclass(frozen=True, slots=True)
class KeyRole:
    workspace: Workspace
    can_write: bool


# Paired by position with ``SandboxOptions.keys["leadlex"]``.
KEY_ROLES = (KeyRole(WORKSPACE_A, True), KeyRole(WORKSPACE_A, False), KeyRole(WORKSPACE_B, True))


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """A Create Task body that passed field validation; ids still unchecked against the workspace."""

    title: str | None
    description: str | None
    status: str
    priority: str | None
    task_type: str | None
    due_date: date | datetime | None
    assignee_id: str | None
    contact_id: str | None
    deal_id: str | None
    event_id: str | None
    contact_name: str | None
    company_name: str | None
    created_date: object  # as sent: only ever used as a timestamp if it is one


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
    """The tasks created so far; the page documents no way to read them, so nothing else reads this."""

    def __init__(self, variations: frozenset[str] = frozenset()) -> None:
        self._lock = threading.Lock()
        self.tasks: list[Task] = []
        self._ids: Iterator[object] = (
            itertools.count(1)
            if "ll-ids-integer" in variations
            else (str(uuid.uuid4()) for _ in itertools.count())
        )

    def add(self, task: Task) -> Task:
        with self._lock:
            stored = replace(task, id=next(self._ids))
            self.tasks.append(stored)
            return stored


# --- Wire format ------------------------------------------------------------------------------

_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_DATE_ONLY = re.compile(_DATE, re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)


def _parse_date(value: str) -> date | None:
    match = _DATE_ONLY.fullmatch(value)
    if match is None:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _years_before(instant: datetime, years: int) -> datetime:
    try:
        return instant.replace(year=instant.year - years)
    except ValueError:  # 29 February
        return instant.replace(year=instant.year - years, day=28)


def _words(text: str) -> list[str]:
    """Lower-case words without accents: ``Hans Müller-Lüdenscheid`` -> hans, muller, ludenscheid."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.findall(r"[^\W_]+", plain.casefold())


def _words_are_prefixes(query: list[str], name: list[str]) -> bool:
    position = 0
    for word in query:
        while position < len(name) and not name[position].startswith(word):
            position += 1
        if position == len(name):
            return False
        position += 1
    return bool(query)


def fuzzy_matches(query: str, names: Mapping[str, str]) -> list[str]:
    """The ids whose name the query matches (see the module docstring), sorted."""
    if len(query) > MAX_NAME_QUERY:
        return []
    words = _words(query)
    if not words:
        return []
    named = {record: _words(name) for record, name in names.items()}
    found = [record for record, name in named.items() if _words_are_prefixes(words, name)]
    if not found:
        joined = " ".join(words)
        found = [
            record
            for record, name in named.items()
            if difflib.SequenceMatcher(None, joined, " ".join(name)).ratio() >= FUZZY_SIMILARITY
        ]
    return sorted(found)


def _rejection(status: int, code: str, message: str, **extra: object) -> Rejection:
    """An error answer with LeadLex's error ``code`` (and any extra fields of the error body)."""
    return Rejection(status, message, code=code, **extra)


def _invalid(message: str) -> Rejection:
    return _rejection(400, VALIDATION_ERROR, message)


# --- The endpoint -----------------------------------------------------------------------------


class LeadLexApi:
    """Create Task over one store; the rules live in small methods so a fault replaces exactly one."""

    def __init__(
        self,
        store: LeadLexStore,
        keys: tuple[str, ...],
        clock: Callable[[], datetime],
        faults: frozenset[str] = frozenset(),
        variations: frozenset[str] = frozenset(),
    ) -> None:
        self._store = store
        self._roles = dict(zip(keys, KEY_ROLES, strict=True))
        self._clock = clock
        self.faults = faults
        self.variations = variations
        self._timestamp = format_utc_offset if "ll-timestamps-offset" in variations else format_millisecond_z

    def routes(self, prefix: str) -> list[BaseRoute]:
        return [Route(f"{prefix}/v1/tasks", self._answering(self.create_task), methods=["POST"])]

    async def create_task(self, request: Request) -> object:
        role = self._role(request)
        if "ll-precedence-validation-first" in self.variations:
            draft = self._draft(await request.body())
            self._require_write(role)
        else:
            self._require_write(role)
            draft = self._draft(await request.body())
        workspace = role.workspace
        self._require_parent_link(draft)
        contact_id = self._linked_contact(workspace, draft.contact_id)
        deal_id = self._linked(workspace.deals, "deal_id", "deal", draft.deal_id)
        event_id = self._linked(workspace.events, "event_id", "event", draft.event_id)
        contact_id = self._contact_for_name(workspace, draft, contact_id)
        if contact_id is None and deal_id is not None and "ll-deal-link-inherits-contact" in self.variations:
            contact_id = workspace.deals[deal_id]
        company_id = self._company(workspace, draft.company_name)
        now = to_millisecond(self._clock())
        created_date, created_text = self._created_date(draft.created_date, now)
        task = Task(
            id=None,
            workspace=workspace.name,
            title=self._stored_title(draft.title),
            description=draft.description,
            status=draft.status,
            priority=draft.priority,
            task_type=draft.task_type,
            due_date=draft.due_date,
            assigned_to_user_id=draft.assignee_id,
            contact_id=contact_id,
            deal_id=None if contact_id and "ll-deal-link-dropped" in self.faults else deal_id,
            event_id=event_id,
            company_id=company_id,
            created_date=created_date,
            created_date_text=created_text,
        )
        return self._task_json(self._store.add(task))

    # --- Key and permission ---

    def _role(self, request: Request) -> KeyRole:
        """The key's role; 401 (403 under a variation) for a missing, malformed or unknown key."""
        scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
        role = self._roles.get(token.strip()) if scheme.lower() == "bearer" else None
        if role is not None:
            return role
        status = 403 if "ll-missing-key-403" in self.variations else 401
        raise _rejection(status, UNAUTHORIZED, UNAUTHORIZED_MESSAGE)

    def _require_write(self, role: KeyRole) -> None:
        """The documented 403 for a key without activities:write."""
        if role.can_write or "ll-readonly-key-writes" in self.faults:
            return
        if "ll-permission-401" in self.faults:
            raise _rejection(401, UNAUTHORIZED, UNAUTHORIZED_MESSAGE)
        raise _rejection(403, INSUFFICIENT_PERMISSIONS, PERMISSION_MESSAGE)

    # --- Body and fields ---

    def _body(self, raw: bytes) -> dict[str, Any]:
        if is_blank(raw):
            raise _invalid("Request body is empty")
        try:
            body = parse_json(raw)
        except JSON_ERRORS as error:
            if "ll-malformed-json-500" in self.faults:
                raise Crash("Internal Server Error") from error
            raise _invalid("Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _invalid("Request body must be a JSON object")
        return body

    def _draft(self, raw: bytes) -> Draft:
        body = self._body(raw)
        return Draft(
            title=self._title(body.get("title")),
            description=_optional_string(body, "description"),
            status=self._status(body.get("status")),
            priority=self._priority(body.get("priority")),
            task_type=_optional_string(body, "task_type"),
            due_date=self._due_date(body.get("due_date")),
            assignee_id=_optional_string(body, "assignee_id"),
            contact_id=_optional_uuid(body, "contact_id"),
            deal_id=_optional_uuid(body, "deal_id"),
            event_id=_optional_uuid(body, "event_id"),
            contact_name=_optional_string(body, "contact_name"),
            company_name=_optional_string(body, "company_name"),
            created_date=body.get("created_date"),
        )

    def _title(self, value: object) -> str | None:
        """Documented: title is required (400 validation_error)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if "ll-title-optional" in self.faults:
                return None
            code = "missing_field" if "ll-title-missing-code" in self.faults else VALIDATION_ERROR
            raise _rejection(400, code, "title is required")
        if not isinstance(value, str):
            raise _invalid("title must be a string")
        return value

    def _status(self, value: object) -> str:
        """Documented: open (the default), in_progress or completed."""
        if value is None:
            return "in_progress" if "ll-status-default-in-progress" in self.faults else DEFAULT_STATUS
        allowed = [
            s for s in STATUSES if not (s == "completed" and "ll-status-completed-rejected" in self.faults)
        ]
        if value not in allowed:
            raise _invalid(f"status must be one of {', '.join(STATUSES)}")
        return str(value)

    def _priority(self, value: object) -> str | None:
        """Documented: low, medium or high (no default is documented)."""
        if value is None:
            return "medium" if "ll-priority-default-medium" in self.variations else None
        if value not in PRIORITIES:
            raise _invalid(f"priority must be one of {', '.join(PRIORITIES)}")
        return str(value)

    def _due_date(self, value: object) -> date | datetime | None:
        """Documented: ISO 8601 or YYYY-MM-DD."""
        if value is None:
            return None
        if isinstance(value, str):
            day = _parse_date(value)
            if day is not None and "ll-due-date-date-only-rejected" not in self.faults:
                return day
            honour_offset = "ll-due-date-offset-ignored" not in self.faults
            instant = parse_timestamp(value, honour_offset=honour_offset)
            if instant is not None:
                return instant
        raise _invalid("due_date must be an ISO 8601 timestamp or YYYY-MM-DD")

    # --- Links ---

    def _require_parent_link(self, draft: Draft) -> None:
        """Documented: at least one of contact_id, deal_id, event_id; orphans are rejected with 400."""
        links = [draft.contact_id, draft.deal_id, draft.contact_name]
        if "ll-event-link-orphan" not in self.faults:
            links.append(draft.event_id)
        if "ll-company-is-parent-link" in self.variations:
            links.append(draft.company_name)
        if any(link is not None for link in links) or "ll-orphan-accepted" in self.faults:
            return
        raise _rejection(422 if "ll-orphan-422" in self.faults else 400, VALIDATION_ERROR, ORPHAN_MESSAGE)

    def _linked_contact(self, workspace: Workspace, contact_id: str | None) -> str | None:
        """Documented: the contact must belong to the workspace."""
        if contact_id is None or contact_id.lower() in workspace.contacts:
            return None if contact_id is None else contact_id.lower()
        elsewhere = any(contact_id.lower() in other.contacts for other in SEED_WORKSPACES)
        if elsewhere and "ll-foreign-contact-accepted" in self.faults:
            return contact_id.lower()
        if not elsewhere and "ll-unknown-contact-accepted" in self.faults:
            return contact_id.lower()
        self._not_found("contact_id", "contact")

    def _linked(
        self, records: Mapping[str, str] | tuple[str, ...], field: str, kind: str, value: str | None
    ) -> str | None:
        """A deal or event of the workspace (that they must be the workspace's is the sandbox's choice)."""
        if value is None:
            return None
        if value.lower() not in records:
            self._not_found(field, kind)
        return value.lower()

    def _not_found(self, field: str, kind: str) -> NoReturn:
        message = f"{field} does not match a {kind} of your workspace"
        if "ll-foreign-contact-400" in self.variations:
            raise _invalid(message)
        raise _rejection(404, NOT_FOUND, message)

    def _contact_for_name(self, workspace: Workspace, draft: Draft, contact_id: str | None) -> str | None:
        """Documented: contact_name is fuzzy-matched within the workspace and resolved to contact_id."""
        if draft.contact_name is None or "ll-contact-name-ignored" in self.faults:
            return contact_id
        if contact_id is not None and "ll-contact-name-over-id" not in self.variations:
            return contact_id
        contacts = workspace.contacts
        if "ll-contact-name-all-workspaces" in self.faults:
            contacts = {record: name for other in SEED_WORKSPACES for record, name in other.contacts.items()}
        found = fuzzy_matches(draft.contact_name, contacts)
        if len(found) == 1:
            return found[0]
        if not found:
            if "ll-contact-name-no-match-ignored" in self.variations:
                self._require_parent_link(replace(draft, contact_name=None))
                return contact_id
            raise _invalid("contact_name matches no contact of your workspace")
        if "ll-ambiguous-first-candidate" in self.faults:
            return found[0]
        raise self._ambiguous("contact_name", "contacts", found, contacts)

    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        """Documented: 400 ambiguous_reference with candidate UUIDs."""
        code = VALIDATION_ERROR if "ll-ambiguous-validation-code" in self.faults else AMBIGUOUS_REFERENCE
        message = f"{field} matches several {kind}"
        if "ll-ambiguous-no-candidates" in self.faults:
            return _rejection(400, code, message)
        if "ll-ambiguous-candidates-in-message" in self.variations:
            return _rejection(400, code, f"{message}: {', '.join(found)}")
        if "ll-ambiguous-candidates-in-details" in self.variations:
            details = {"candidates": [{"id": record, "name": names[record]} for record in found]}
            return _rejection(400, code, message, details=details)
        return _rejection(400, code, message, candidates=found)

    def _company(self, workspace: Workspace, company_name: str | None) -> str | None:
        """company_name: a fuzzy match among the workspace's companies (all else is the sandbox's choice)."""
        if company_name is None:
            return None
        found = fuzzy_matches(company_name, workspace.companies)
        if len(found) == 1:
            return found[0]
        if not found:
            raise _invalid("company_name matches no company of your workspace")
        raise self._ambiguous("company_name", "companies", found, workspace.companies)

    # --- created_date ---

    def _created_date(self, value: object, now: datetime) -> tuple[datetime | None, str | None]:
        """Documented: honoured verbatim within the last 5 years and up to 24 h ahead, else now; never null.

        Returns the instant and, when honoured, the string as sent.
        """
        if value is None and "ll-created-date-null" in self.faults:
            return None, None
        instant = parse_timestamp(value)
        if value is not None and instant is None and "ll-created-date-malformed-400" in self.variations:
            raise _invalid("created_date must be an ISO 8601 timestamp")
        if instant is None or "ll-created-date-ignored" in self.faults or not self._in_window(instant, now):
            return now, None
        assert isinstance(value, str)
        return instant, None if "ll-created-date-normalised" in self.variations else value

    def _in_window(self, instant: datetime, now: datetime) -> bool:
        if "ll-created-date-window-unbounded" in self.faults:
            return True
        ahead = timedelta(hours=1) if "ll-created-date-future-1h" in self.faults else CREATED_DATE_FUTURE
        return _years_before(now, CREATED_DATE_PAST_YEARS) <= instant <= now + ahead

    # --- Responses ---

    def _stored_title(self, title: str | None) -> str | None:
        if title is not None and "ll-title-ascii-only" in self.faults:
            return "".join(char for char in title if char.isascii())
        return title

    def _due_date_json(self, value: date | datetime | None) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return self._timestamp(value)
        if "ll-due-date-midnight" in self.variations:
            return self._timestamp(datetime(value.year, value.month, value.day, tzinfo=UTC))
        return value.isoformat()

    def _task_json(self, task: Task) -> dict[str, object]:
        rendered: dict[str, object] = {
            "id": task.id,
            "title": task.title,
            "description": task.description,
            "status": task.status,
            "priority": None if "ll-priority-dropped" in self.faults else task.priority,
            "task_type": task.task_type,
            "due_date": self._due_date_json(task.due_date),
            "assigned_to_user_id": task.assigned_to_user_id,
            "contact_id": task.contact_id,
            "deal_id": task.deal_id,
            "event_id": task.event_id,
            "company_id": task.company_id,
            "created_date": task.created_date_text
            or (None if task.created_date is None else self._timestamp(task.created_date)),
        }
        if task.event_id is None and "ll-response-no-event-id" in self.faults:
            del rendered["event_id"]
        if "ll-extra-fields" in self.variations:
            rendered.update(workspace=task.workspace, source="api", tags=[])
        return rendered

    def _error_json(self, rejection: Rejection) -> dict[str, object]:
        error: dict[str, object] = {"code": rejection.code, "message": rejection.message, **rejection.extra}
        if "ll-error-no-message" in self.faults:
            del error["message"]
        if "ll-extra-fields" in self.variations:
            error["request_id"] = uuid.uuid4().hex
        return error if "ll-error-body-flat" in self.faults else {"error": error}

    def _answering(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        success = 200 if "ll-success-200" in self.variations else 201
        return answering(
            handler, error_body=self._error_json, envelope=self._envelope, success_status=success
        )

    def _envelope(self, data: object) -> dict[str, object]:
        body: dict[str, object] = {"data": data}
        if "ll-extra-fields" in self.variations:
            body["meta"] = {"request_id": uuid.uuid4().hex, "api_version": "1"}
        return body


def _optional_string(body: Mapping[str, object], field: str) -> str | None:
    value = body.get(field)
    if value is None or isinstance(value, str):
        return value
    raise _invalid(f"{field} must be a string")


def _optional_uuid(body: Mapping[str, object], field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise _invalid(f"{field} must be a UUID")
    return value


def leadlex_routes(options: SandboxOptions, prefix: str) -> list[BaseRoute]:
    """A fresh store behind the LeadLex route, so every app instance starts from the seed data."""
    store = LeadLexStore(options.variations)
    api = LeadLexApi(store, options.keys["leadlex"], options.now, options.faults, options.variations)
    return api.routes(prefix)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def target_section(base_url: str) -> str:
    """Workspace A's plain contacts are ours, workspace B's foreign; the suite holds A's two keys."""
    ambiguous = [record for record, name in WORKSPACE_A.contacts.items() if name == AMBIGUOUS_CONTACT_NAME]
    unique = [record for record, name in WORKSPACE_A.contacts.items() if name == UNIQUE_CONTACT_NAME]
    return "\n".join(
        [
            "[leadlex]",
            f'base_url = "{base_url}"',
            'api_key_env = "LEADLEX_API_KEY"',
            'readonly_api_key_env = "LEADLEX_READONLY_API_KEY"',
            f"contact_ids = {_toml_list(PLAIN_CONTACTS)}",
            f"deal_ids = {_toml_list(WORKSPACE_A.deals)}",
            f"event_ids = {_toml_list(WORKSPACE_A.events)}",
            f"foreign_contact_ids = {_toml_list(WORKSPACE_B.contacts)}",
            f'unique_contact_name = "{UNIQUE_CONTACT_NAME}"',
            f'unique_contact_id = "{unique[0]}"',
            f'ambiguous_contact_name = "{AMBIGUOUS_CONTACT_NAME}"',
            f"ambiguous_contact_ids = {_toml_list(ambiguous)}",
        ]
    )


LEADLEX_SANDBOX = SandboxVendor(
    name="leadlex",
    prefix="/leadlex",
    routes=leadlex_routes,
    key_envs=("LEADLEX_API_KEY", "LEADLEX_READONLY_API_KEY", None),
    target_section=target_section,
)
