"""LeadLex's named faults and variations, each a small override of the one method (or value) it changes.

The catalogue entry of each name (``contracts/faults.yaml``, ``contracts/variations.yaml``) says what
it breaks or why it is allowed; ``deviations.py`` says how the overrides are composed into a sandbox.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import NoReturn

from taskconform.sandbox.answers import Crash, Rejection, parse_timestamp, shortest_timespec, utc_iso
from taskconform.sandbox.deviations import Deviations
from taskconform.sandbox.leadlex.api import (
    PRIORITIES,
    STATUS_INVALID,
    TITLE_REQUIRED,
    UNAUTHORIZED,
    UNAUTHORIZED_MESSAGE,
    VALIDATION_ERROR,
    Draft,
    LeadLexApi,
    coded_rejection,
    invalid,
    is_missing_title,
    not_found_message,
)
from taskconform.sandbox.leadlex.data import KEY_ROLES, SEED_WORKSPACES, KeyRole, Workspace
from taskconform.sandbox.leadlex.store import LeadLexStore, Task

__all__ = ["DEVIATIONS"]

DEVIATIONS = Deviations(LeadLexStore, LeadLexApi)
fault, variation = DEVIATIONS.fault, DEVIATIONS.variation


# What a faulty server takes a request without a valid key for: workspace A's writing key.
_WRITING_ROLE = KEY_ROLES[0]
# ll-unknown-key-accepted: the documented shape of a key, all a faulty server checks.
_KEY_SHAPE = re.compile(r"wbk_[0-9a-f]+", re.ASCII)


def _in_some_workspace(contact_id: str) -> bool:
    return any(contact_id.lower() in workspace.contacts for workspace in SEED_WORKSPACES)


# --- Faults: title and parent links -----------------------------------------------------------


@fault("ll-title-optional")
class TitleOptional(LeadLexApi):
    def _title(self, value: object) -> str | None:
        return None if is_missing_title(value) else super()._title(value)


@fault("ll-title-missing-code")
class TitleMissingCode(LeadLexApi):
    def _title(self, value: object) -> str | None:
        if is_missing_title(value):
            raise coded_rejection(400, "missing_field", TITLE_REQUIRED)
        return super()._title(value)


@fault("ll-orphan-accepted")
class OrphanAccepted(LeadLexApi):
    def _require_parent_link(self, draft: Draft) -> None:
        pass


@fault("ll-orphan-422")
class Orphan422(LeadLexApi):
    def _orphan(self) -> Rejection:
        orphan = super()._orphan()
        return coded_rejection(422, VALIDATION_ERROR, orphan.message)


@fault("ll-event-link-orphan")
class EventLinkOrphan(LeadLexApi):
    def _parent_links(self, draft: Draft) -> dict[str, str | None]:
        return {field: link for field, link in super()._parent_links(draft).items() if field != "event_id"}


@fault("ll-deal-link-dropped")
class DealLinkDropped(LeadLexApi):
    def _links(
        self, workspace: Workspace, contact_id: str | None, deal_id: str | None
    ) -> tuple[str | None, str | None]:
        contact_id, deal_id = super()._links(workspace, contact_id, deal_id)
        return contact_id, None if contact_id else deal_id


# --- Faults: contacts -------------------------------------------------------------------------


@fault("ll-foreign-contact-accepted")
class ForeignContactAccepted(LeadLexApi):
    def _linked_contact(self, workspace: Workspace, contact_id: str | None) -> str | None:
        if contact_id is not None and _in_some_workspace(contact_id):
            return contact_id.lower()
        return super()._linked_contact(workspace, contact_id)


@fault("ll-unknown-contact-accepted")
class UnknownContactAccepted(LeadLexApi):
    def _linked_contact(self, workspace: Workspace, contact_id: str | None) -> str | None:
        if contact_id is not None and not _in_some_workspace(contact_id):
            return contact_id.lower()
        return super()._linked_contact(workspace, contact_id)


@fault("ll-contact-name-ignored")
class ContactNameIgnored(LeadLexApi):
    def _resolves_name(self, contact_id: str | None) -> bool:
        return False


@fault("ll-contact-name-all-workspaces")
class ContactNameAllWorkspaces(LeadLexApi):
    def _named_contacts(self, workspace: Workspace) -> Mapping[str, str]:
        return {record: name for other in SEED_WORKSPACES for record, name in other.contacts.items()}


@fault("ll-ambiguous-first-candidate")
class AmbiguousFirstCandidate(LeadLexApi):
    def _several_contacts_named(self, found: list[str], contacts: Mapping[str, str]) -> str | None:
        return found[0]


@fault("ll-ambiguous-no-candidates")
class AmbiguousNoCandidates(LeadLexApi):
    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        ambiguous = super()._ambiguous(field, kind, found, names)
        return Rejection(ambiguous.status_code, ambiguous.message, code=ambiguous.code)


@fault("ll-ambiguous-validation-code")
class AmbiguousValidationCode(LeadLexApi):
    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        ambiguous = super()._ambiguous(field, kind, found, names)
        return Rejection(ambiguous.status_code, ambiguous.message, code=VALIDATION_ERROR, **ambiguous.extra)


# --- Faults: fields of the created task -------------------------------------------------------


@fault("ll-title-ascii-only")
class TitleAsciiOnly(LeadLexApi):
    def _title(self, value: object) -> str | None:
        title = super()._title(value)
        return None if title is None else "".join(char for char in title if char.isascii())


@fault("ll-status-default-in-progress")
class StatusDefaultInProgress(LeadLexApi):
    def _status(self, value: object) -> str:
        return "in_progress" if value is None else super()._status(value)


@fault("ll-status-completed-rejected")
class StatusCompletedRejected(LeadLexApi):
    def _status(self, value: object) -> str:
        if value == "completed":
            raise invalid(STATUS_INVALID)
        return super()._status(value)


@fault("ll-priority-dropped")
class PriorityDropped(LeadLexApi):
    def _task_json(self, task: Task) -> dict[str, object]:
        return {**super()._task_json(task), "priority": None}


@fault("ll-due-date-date-only-rejected")
class DueDateDateOnlyRejected(LeadLexApi):
    def _parse_due_day(self, value: str) -> date | None:
        return None


@fault("ll-due-date-offset-ignored")
class DueDateOffsetIgnored(LeadLexApi):
    def _parse_due_instant(self, value: str) -> datetime | None:
        return parse_timestamp(value, honour_offset=False)


# --- Faults: created_date ---------------------------------------------------------------------


@fault("ll-created-date-ignored")
class CreatedDateIgnored(LeadLexApi):
    def _in_window(self, instant: datetime, now: datetime) -> bool:
        return False


@fault("ll-created-date-future-1h")
class CreatedDateFuture1h(LeadLexApi):
    def _in_window(self, instant: datetime, now: datetime) -> bool:
        return super()._in_window(instant, now) and instant <= now + timedelta(hours=1)


@fault("ll-created-date-window-unbounded")
class CreatedDateWindowUnbounded(LeadLexApi):
    def _in_window(self, instant: datetime, now: datetime) -> bool:
        return True


@fault("ll-created-date-null")
class CreatedDateNull(LeadLexApi):
    def _created_date(self, value: object, now: datetime) -> tuple[datetime | None, str | None]:
        return (None, None) if value is None else super()._created_date(value, now)


# --- Faults: key and permission ---------------------------------------------------------------


@fault("ll-readonly-key-writes")
class ReadonlyKeyWrites(LeadLexApi):
    def _require_write(self, role: KeyRole) -> None:
        pass


@fault("ll-permission-401")
class Permission401(LeadLexApi):
    def _require_write(self, role: KeyRole) -> None:
        if not role.can_write:
            raise coded_rejection(401, UNAUTHORIZED, UNAUTHORIZED_MESSAGE)


@fault("ll-missing-key-accepted")
class MissingKeyAccepted(LeadLexApi):
    def _without_authorization(self) -> KeyRole:
        return _WRITING_ROLE


@fault("ll-any-scheme-accepted")
class AnySchemeAccepted(LeadLexApi):
    def _bearer_credentials(self, header: str) -> str | None:
        return header.strip().partition(" ")[2]


@fault("ll-unknown-key-accepted")
class UnknownKeyAccepted(LeadLexStore):
    def role_for_key(self, key: str) -> KeyRole | None:
        role = super().role_for_key(key)
        return _WRITING_ROLE if role is None and _KEY_SHAPE.fullmatch(key) else role


@fault("ll-key-prefix-match")
class KeyPrefixMatch(LeadLexStore):
    def role_for_key(self, key: str) -> KeyRole | None:
        begun_by_key = (role for stored, role in self._roles.items() if stored.startswith(key))
        return super().role_for_key(key) or next(begun_by_key, None)


@fault("ll-token-cut-at-space")
class TokenCutAtSpace(LeadLexApi):
    def _bearer_token(self, credentials: str) -> str:
        return super()._bearer_token(credentials).partition(" ")[0]


# --- Faults: answers --------------------------------------------------------------------------


@fault("ll-error-body-flat")
class ErrorBodyFlat(LeadLexApi):
    def _error_body(self, error: dict[str, object]) -> dict[str, object]:
        return error


@fault("ll-orphan-message-other")
class OrphanMessageOther(LeadLexApi):
    def _orphan(self) -> Rejection:
        return coded_rejection(400, VALIDATION_ERROR, "A parent link is required")


@fault("ll-error-no-message")
class ErrorNoMessage(LeadLexApi):
    def _error_object(self, rejection: Rejection) -> dict[str, object]:
        return {key: value for key, value in super()._error_object(rejection).items() if key != "message"}


@fault("ll-response-no-event-id")
class ResponseNoEventId(LeadLexApi):
    def _task_json(self, task: Task) -> dict[str, object]:
        rendered = super()._task_json(task)
        if task.event_id is None:
            del rendered["event_id"]
        return rendered


@fault("ll-malformed-json-500")
class MalformedJson500(LeadLexApi):
    def _not_json(self) -> Exception:
        return Crash("Internal Server Error")


# --- Variations -------------------------------------------------------------------------------


@variation("ll-success-200")
class Success200(LeadLexApi):
    success_status = 200


@variation("ll-ids-integer")
class IdsInteger(LeadLexStore):
    def _new_ids(self) -> Iterator[object]:
        return itertools.count(1)


@variation("ll-extra-fields")
class ExtraFields(LeadLexApi):
    def _task_json(self, task: Task) -> dict[str, object]:
        return {**super()._task_json(task), "workspace": task.workspace, "source": "api", "tags": []}

    def _error_object(self, rejection: Rejection) -> dict[str, object]:
        return {**super()._error_object(rejection), "request_id": uuid.uuid4().hex}

    def _envelope(self, data: object) -> dict[str, object]:
        return {**super()._envelope(data), "meta": {"request_id": uuid.uuid4().hex, "api_version": "1"}}


@variation("ll-timestamps-offset")
class TimestampsOffset(LeadLexApi):
    def _timestamp(self, instant: datetime) -> str:
        return utc_iso(instant, shortest_timespec(instant), zulu=False)


@variation("ll-created-date-normalised")
class CreatedDateNormalised(LeadLexApi):
    def _created_date(self, value: object, now: datetime) -> tuple[datetime | None, str | None]:
        instant, _ = super()._created_date(value, now)
        return instant, None


@variation("ll-due-date-midnight")
class DueDateMidnight(LeadLexApi):
    def _due_date_json(self, value: date | datetime | None) -> str | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return self._timestamp(datetime(value.year, value.month, value.day, tzinfo=UTC))
        return super()._due_date_json(value)


@variation("ll-missing-key-403")
class MissingKey403(LeadLexApi):
    def _unknown_key(self) -> Rejection:
        return coded_rejection(403, UNAUTHORIZED, UNAUTHORIZED_MESSAGE)


@variation("ll-malformed-authorization-400")
class MalformedAuthorization400(LeadLexApi):
    def _not_bearer(self) -> Rejection:
        return coded_rejection(400, "invalid_request", "Authorization must be Bearer and one key")

    def _bearer_token(self, credentials: str) -> str:
        token = super()._bearer_token(credentials)
        if not token or any(char.isspace() for char in token):
            raise self._not_bearer()
        return token


@variation("ll-ambiguous-candidates-in-details")
class AmbiguousCandidatesInDetails(LeadLexApi):
    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        ambiguous = super()._ambiguous(field, kind, found, names)
        details = {"candidates": [{"id": record, "name": names[record]} for record in found]}
        return Rejection(ambiguous.status_code, ambiguous.message, code=ambiguous.code, details=details)


@variation("ll-ambiguous-candidates-in-message")
class AmbiguousCandidatesInMessage(LeadLexApi):
    def _ambiguous(self, field: str, kind: str, found: list[str], names: Mapping[str, str]) -> Rejection:
        ambiguous = super()._ambiguous(field, kind, found, names)
        return Rejection(
            ambiguous.status_code, f"{ambiguous.message}: {', '.join(found)}", code=ambiguous.code
        )


@variation("ll-foreign-contact-400")
class ForeignContact400(LeadLexApi):
    def _not_found(self, field: str, kind: str) -> NoReturn:
        raise invalid(not_found_message(field, kind))


@variation("ll-priority-default-medium")
class PriorityDefaultMedium(LeadLexApi):
    def _priority(self, value: object) -> str | None:
        return "medium" if value is None else super()._priority(value)


@variation("ll-created-date-malformed-400")
class CreatedDateMalformed400(LeadLexApi):
    def _created_date(self, value: object, now: datetime) -> tuple[datetime | None, str | None]:
        if value is not None and parse_timestamp(value) is None:
            raise invalid("created_date must be an ISO 8601 timestamp")
        return super()._created_date(value, now)


@variation("ll-precedence-validation-first")
class PrecedenceValidationFirst(LeadLexApi):
    def _permitted_draft(self, role: KeyRole, raw: bytes) -> Draft:
        draft = self._draft(raw)
        self._require_write(role)
        return draft


@variation("ll-company-is-parent-link")
class CompanyIsParentLink(LeadLexApi):
    def _parent_links(self, draft: Draft) -> dict[str, str | None]:
        return {**super()._parent_links(draft), "company_name": draft.company_name}


@variation("ll-contact-name-no-match-ignored")
class ContactNameNoMatchIgnored(LeadLexApi):
    def _no_contact_named(self, draft: Draft, contact_id: str | None) -> str | None:
        """Ignored: the task needs another parent link."""
        self._require_parent_link(replace(draft, contact_name=None))
        return contact_id


@variation("ll-contact-name-over-id")
class ContactNameOverId(LeadLexApi):
    def _resolves_name(self, contact_id: str | None) -> bool:
        return True


@variation("ll-deal-link-inherits-contact")
class DealLinkInheritsContact(LeadLexApi):
    def _links(
        self, workspace: Workspace, contact_id: str | None, deal_id: str | None
    ) -> tuple[str | None, str | None]:
        if contact_id is None and deal_id is not None:
            contact_id = workspace.deals[deal_id]
        return super()._links(workspace, contact_id, deal_id)


@fault("ll-priority-any-case-kept-as-sent")
class PriorityAnyCaseKeptAsSent(LeadLexApi):
    def _priority(self, value: object) -> str | None:
        if isinstance(value, str) and value.strip().lower() in PRIORITIES:
            return value
        return super()._priority(value)


@variation("ll-priority-any-case-stored-lower")
class PriorityAnyCaseStoredLower(LeadLexApi):
    def _priority(self, value: object) -> str | None:
        if isinstance(value, str) and value.strip().lower() in PRIORITIES:
            value = value.strip().lower()
        return super()._priority(value)
