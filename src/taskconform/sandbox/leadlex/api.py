"""LeadLex's HTTP layer: Create Task read from the wire, checked against the workspace, answered on it.

Source: ``contracts/seeds/003_37093ce25c986d01.txt``. Where the page is silent the sandbox's choice is
an ``undocumented`` (or ``contradictions``) entry of ``contracts/leadlex.yaml``, cited by its id where
the code makes it. Each rule is one small method (or class attribute), so a named fault or variation
(``faults.py``) overrides exactly the one it changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, NoReturn

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
from taskconform.sandbox.leadlex.data import KeyRole, Workspace
from taskconform.sandbox.leadlex.matching import fuzzy_matches
from taskconform.sandbox.leadlex.store import LeadLexStore, Task

__all__ = [
    "PRIORITIES",
    "STATUS_INVALID",
    "TITLE_REQUIRED",
    "UNAUTHORIZED",
    "UNAUTHORIZED_MESSAGE",
    "VALIDATION_ERROR",
    "Draft",
    "LeadLexApi",
    "coded_rejection",
    "invalid",
    "is_missing_title",
    "not_found_message",
]

STATUSES = ("open", "in_progress", "completed")
PRIORITIES = ("low", "medium", "high")
DEFAULT_STATUS = "open"
VALIDATION_ERROR = "validation_error"
AMBIGUOUS_REFERENCE = "ambiguous_reference"
INSUFFICIENT_PERMISSIONS = "insufficient_permissions"
# The page's "Orphan-task rejection example", verbatim (LL-OPEN-MESSAGES).
ORPHAN_MESSAGE = "At least one parent link (contact_id, company_id, deal_id, or event_id) is required"
PERMISSION_MESSAGE = "Missing activities:write permission"
CREATED_DATE_PAST_YEARS = 5
CREATED_DATE_FUTURE = timedelta(hours=24)
# The sandbox's choices (LL-OPEN-AUTH-FAILURE, LL-OPEN-FOREIGN-CONTACT-ANSWER, LL-OPEN-INVALID-VALUES).
UNAUTHORIZED = "unauthorized"
UNAUTHORIZED_MESSAGE = "Missing or invalid API key"
NOT_FOUND = "not_found"
TITLE_REQUIRED = "title is required"
STATUS_INVALID = f"status must be one of {', '.join(STATUSES)}"


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


def coded_rejection(status: int, code: str, message: str, **extra: object) -> Rejection:
    """An error answer with LeadLex's error ``code`` (and any extra fields of the error body)."""
    return Rejection(status, message, code=code, **extra)


def invalid(message: str) -> Rejection:
    return coded_rejection(400, VALIDATION_ERROR, message)


def not_found_message(field: str, kind: str) -> str:
    return f"{field} does not match a {kind} of your workspace"


def is_missing_title(value: object) -> bool:
    """A missing, null or blank title (LL-OPEN-INVALID-VALUES)."""
    return value is None or (isinstance(value, str) and not value.strip())


# --- Wire format ------------------------------------------------------------------------------

_DATE_ONLY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})", re.ASCII)
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


def _optional_string(body: Mapping[str, object], field: str) -> str | None:
    """LL-OPEN-ASSIGNEE and LL-OPEN-TASK-TYPE: any string."""
    value = body.get(field)
    if value is None or isinstance(value, str):
        return value
    raise invalid(f"{field} must be a string")


def _optional_uuid(body: Mapping[str, object], field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise invalid(f"{field} must be a UUID")
    return value


# --- The endpoint -----------------------------------------------------------------------------


class LeadLexApi:
    """Create Task over one store.

    LL-OPEN-ERROR-PRECEDENCE: 401 key, 403 permission, body syntax, field validation (in the order of
    ``_draft``), parent link, linked records (contact, deal, event), contact_name, company_name.
    LL-OPEN-LIMITS, LL-OPEN-RATE-LIMIT: none.
    """

    success_status: ClassVar[int] = 201  # LL-OPEN-SUCCESS-STATUS

    def __init__(self, store: LeadLexStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def routes(self, prefix: str) -> list[BaseRoute]:
        return [Route(f"{prefix}/v1/tasks", self._answering(self.create_task), methods=["POST"])]

    async def create_task(self, request: Request) -> object:
        role = self._role(request)
        draft = self._permitted_draft(role, await request.body())
        workspace = role.workspace
        self._require_parent_link(draft)
        contact_id = self._linked_contact(workspace, draft.contact_id)
        deal_id = self._linked(workspace.deals, "deal_id", "deal", draft.deal_id)
        event_id = self._linked(workspace.events, "event_id", "event", draft.event_id)
        contact_id = self._contact_for_name(workspace, draft, contact_id)
        contact_id, deal_id = self._links(workspace, contact_id, deal_id)
        company_id = self._company(workspace, draft.company_name)
        now = to_millisecond(self._clock())
        created_date, created_text = self._created_date(draft.created_date, now)
        task = Task(
            id=None,
            workspace=workspace.name,
            title=draft.title,
            description=draft.description,
            status=draft.status,
            priority=draft.priority,
            task_type=draft.task_type,
            due_date=draft.due_date,
            assigned_to_user_id=draft.assignee_id,
            contact_id=contact_id,
            deal_id=deal_id,
            event_id=event_id,
            company_id=company_id,
            created_date=created_date,
            created_date_text=created_text,
        )
        return self._task_json(self._store.add(task))

    # --- Key and permission ---

    def _role(self, request: Request) -> KeyRole:
        """Documented: ``Authorization: Bearer <key>``; a request without a key in that form is refused."""
        header = request.headers.get("authorization")
        if header is None:
            return self._without_authorization()
        credentials = self._bearer_credentials(header)
        if credentials is None:
            raise self._not_bearer()
        role = self._store.role_for_key(self._bearer_token(credentials))
        if role is None:
            raise self._unknown_key()
        return role

    def _without_authorization(self) -> KeyRole:
        """No Authorization header: no key, so no permission; refused like an unknown key."""
        raise self._unknown_key()

    def _bearer_credentials(self, header: str) -> str | None:
        """What follows the scheme word Bearer, in any letter case (LL-OPEN-AUTH-FAILURE); None for
        another scheme word, or none."""
        scheme, _, credentials = header.strip().partition(" ")
        return credentials if scheme.lower() == "bearer" else None

    def _not_bearer(self) -> Rejection:
        """Another scheme word, or none: refused like an unknown key (LL-OPEN-AUTH-FAILURE)."""
        return self._unknown_key()

    def _bearer_token(self, credentials: str) -> str:
        """The key is the whole token: a key followed by more text is no key."""
        return credentials.strip()

    def _unknown_key(self) -> Rejection:
        """A missing, malformed or unknown key (LL-OPEN-AUTH-FAILURE)."""
        return coded_rejection(401, UNAUTHORIZED, UNAUTHORIZED_MESSAGE)

    def _permitted_draft(self, role: KeyRole, raw: bytes) -> Draft:
        """LL-OPEN-ERROR-PRECEDENCE: the permission (403) before the body (400)."""
        self._require_write(role)
        return self._draft(raw)

    def _require_write(self, role: KeyRole) -> None:
        """The documented 403 for a key without activities:write."""
        if not role.can_write:
            raise coded_rejection(403, INSUFFICIENT_PERMISSIONS, PERMISSION_MESSAGE)

    # --- Body and fields ---

    def _body(self, raw: bytes) -> dict[str, Any]:
        """LL-OPEN-MALFORMED-BODY; LL-OPEN-UNKNOWN-FIELDS: unknown fields are ignored."""
        if is_blank(raw):
            raise invalid("Request body is empty")
        try:
            body = parse_json(raw)
        except JSON_ERRORS:
            raise self._not_json() from None
        if not isinstance(body, dict):
            raise invalid("Request body must be a JSON object")
        return body

    def _not_json(self) -> Exception:
        """Also NaN or Infinity literals, integers over 4,300 digits, nesting past the recursion limit."""
        return invalid("Request body is not valid JSON")

    def _draft(self, raw: bytes) -> Draft:
        """The fields in the order they are checked (LL-OPEN-INVALID-VALUES: null counts as absent for
        every optional field)."""
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
        if is_missing_title(value):
            raise coded_rejection(400, VALIDATION_ERROR, TITLE_REQUIRED)
        if not isinstance(value, str):
            raise invalid("title must be a string")
        return value

    def _status(self, value: object) -> str:
        """Documented: open (the default), in_progress or completed."""
        if value is None:
            return DEFAULT_STATUS
        if value not in STATUSES:
            raise invalid(STATUS_INVALID)
        return str(value)

    def _priority(self, value: object) -> str | None:
        """Documented: low, medium or high (LL-OPEN-PRIORITY-DEFAULT: no default)."""
        if value is None:
            return None
        if value not in PRIORITIES:
            raise invalid(f"priority must be one of {', '.join(PRIORITIES)}")
        return str(value)

    def _due_date(self, value: object) -> date | datetime | None:
        """Documented: ISO 8601 or YYYY-MM-DD (LL-OPEN-DUE-DATE-FORMS)."""
        if value is None:
            return None
        if isinstance(value, str):
            day = self._parse_due_day(value)
            if day is not None:
                return day
            instant = self._parse_due_instant(value)
            if instant is not None:
                return instant
        raise invalid("due_date must be an ISO 8601 timestamp or YYYY-MM-DD")

    def _parse_due_day(self, value: str) -> date | None:
        return _parse_date(value)

    def _parse_due_instant(self, value: str) -> datetime | None:
        return parse_timestamp(value)

    # --- Links ---

    def _require_parent_link(self, draft: Draft) -> None:
        """Documented: at least one of contact_id, deal_id, event_id; orphans are rejected with 400."""
        if any(link is not None for link in self._parent_links(draft).values()):
            return
        raise self._orphan()

    def _parent_links(self, draft: Draft) -> dict[str, str | None]:
        """LL-OPEN-NAME-AS-PARENT-LINK: contact_name counts; LL-CONTRA-ORPHAN-COMPANY-ID: a company not."""
        return {
            "contact_id": draft.contact_id,
            "deal_id": draft.deal_id,
            "contact_name": draft.contact_name,
            "event_id": draft.event_id,
        }

    def _orphan(self) -> Rejection:
        return coded_rejection(400, VALIDATION_ERROR, ORPHAN_MESSAGE)

    def _linked_contact(self, workspace: Workspace, contact_id: str | None) -> str | None:
        """Documented: the contact must belong to the workspace."""
        if contact_id is None or contact_id.lower() in workspace.contacts:
            return None if contact_id is None else contact_id.lower()
        self._not_found("contact_id", "contact")

    def _linked(
        self, records: Mapping[str, str] | tuple[str, ...], field: str, kind: str, value: str | None
    ) -> str | None:
        """A deal or event of the workspace (LL-OPEN-DEAL-EVENT-OWNERSHIP)."""
        if value is None:
            return None
        if value.lower() not in records:
            self._not_found(field, kind)
        return value.lower()

    def _not_found(self, field: str, kind: str) -> NoReturn:
        """LL-OPEN-FOREIGN-CONTACT-ANSWER: another workspace's record, or none, is 404 not_found."""
        raise coded_rejection(404, NOT_FOUND, not_found_message(field, kind))

    def _contact_for_name(self, workspace: Workspace, draft: Draft, contact_id: str | None) -> str | None:
        """Documented: contact_name is fuzzy-matched within the workspace and resolved to contact_id."""
        if draft.contact_name is None or not self._resolves_name(contact_id):
            return contact_id
        contacts = self._named_contacts(workspace)
        found = fuzzy_matches(draft.contact_name, contacts)
        if len(found) == 1:
            return found[0]
        if not found:
            return self._no_contact_named(draft, contact_id)
        return self._several_contacts_named(found, contacts)

    def _resolves_name(self, contact_id: str | None) -> bool:
        """LL-OPEN-CONTACT-ID-AND-NAME: contact_name is ignored when contact_id is given."""
        return contact_id is None

    def _named_contacts(self, workspace: Workspace) -> Mapping[str, str]:
        return workspace.contacts

    def _no_contact_named(self, draft: Draft, contact_id: str | None) -> str | None:
        """LL-OPEN-CONTACT-NAME-NO-MATCH."""
        raise invalid("contact_name matches no contact of your workspace")

    def _several_contacts_named(self, found: list[str], contacts: Mapping[str, str]) -> str | None:
        raise self._ambiguous("contact_name", "contacts", found, contacts)

    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        """Documented: 400 ambiguous_reference with candidate UUIDs (LL-OPEN-AMBIGUOUS-CANDIDATES)."""
        return coded_rejection(400, AMBIGUOUS_REFERENCE, f"{field} matches several {kind}", candidates=found)

    def _links(
        self, workspace: Workspace, contact_id: str | None, deal_id: str | None
    ) -> tuple[str | None, str | None]:
        """The contact and deal as stored: as linked (LL-OPEN-IMPLIED-LINKS: nothing is implied)."""
        return contact_id, deal_id

    def _company(self, workspace: Workspace, company_name: str | None) -> str | None:
        """LL-OPEN-COMPANY-NAME: a fuzzy match among the workspace's companies."""
        if company_name is None:
            return None
        found = fuzzy_matches(company_name, workspace.companies)
        if len(found) == 1:
            return found[0]
        if not found:
            raise invalid("company_name matches no company of your workspace")
        raise self._ambiguous("company_name", "companies", found, workspace.companies)

    # --- created_date ---

    def _created_date(self, value: object, now: datetime) -> tuple[datetime | None, str | None]:
        """Documented: honoured verbatim within the last 5 years and up to 24 h ahead, else now; never null.

        Returns the instant and, when honoured, the string as sent. LL-OPEN-CREATED-DATE-MALFORMED: a
        value that is no timestamp (a bare date included) is now, too.
        """
        instant = parse_timestamp(value)
        if instant is None or not self._in_window(instant, now):
            return now, None
        assert isinstance(value, str)
        return instant, value

    def _in_window(self, instant: datetime, now: datetime) -> bool:
        """LL-OPEN-CREATED-DATE-EDGES: both bounds inclusive."""
        return _years_before(now, CREATED_DATE_PAST_YEARS) <= instant <= now + CREATED_DATE_FUTURE

    # --- Responses ---

    def _timestamp(self, instant: datetime) -> str:
        return utc_iso(instant)  # LL-OPEN-TIMESTAMP-SPELLING

    def _due_date_json(self, value: date | datetime | None) -> str | None:
        """LL-OPEN-DUE-DATE-REPRESENTATION: a date as sent, a timestamp in UTC."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return self._timestamp(value)
        return value.isoformat()

    def _task_json(self, task: Task) -> dict[str, object]:
        """LL-OPEN-UNDOCUMENTED-FIELDS: also description, task_type and company_id; unset fields null."""
        return {
            "id": task.id,
            "title": task.title,
            "description": task.description,
            "status": task.status,
            "priority": task.priority,
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

    def _error_json(self, rejection: Rejection) -> dict[str, object]:
        return self._error_body(self._error_object(rejection))

    def _error_object(self, rejection: Rejection) -> dict[str, object]:
        return {"code": rejection.code, "message": rejection.message, **rejection.extra}

    def _error_body(self, error: dict[str, object]) -> dict[str, object]:
        """Every error is ``{"error": {"code": ..., "message": ...}}``."""
        return {"error": error}

    def _answering(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return answering(
            handler, error_body=self._error_json, envelope=self._envelope, success_status=self.success_status
        )

    def _envelope(self, data: object) -> dict[str, object]:
        return {"data": data}
