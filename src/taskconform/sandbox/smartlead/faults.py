"""SmartLead's named faults and variations, each a small override of the one method (or value) it changes.

The catalogue entry of each name (``contracts/faults.yaml``, ``contracts/variations.yaml``) says what
it breaks or why it is allowed; ``deviations.py`` says how the overrides are composed into a sandbox.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime

from starlette.requests import Request

from taskconform.sandbox.answers import Crash, Rejection, random_task_ids, to_millisecond
from taskconform.sandbox.deviations import Deviations
from taskconform.sandbox.smartlead.api import BODY_MALFORMED, SmartLeadApi, parse_date_time, required
from taskconform.sandbox.smartlead.data import DEFAULT_PRIORITY, PRIORITIES, SEED_ACCOUNTS
from taskconform.sandbox.smartlead.store import SmartLeadStore, Task

__all__ = ["DEVIATIONS"]

DEVIATIONS = Deviations(SmartLeadStore, SmartLeadApi)
fault, variation = DEVIATIONS.fault, DEVIATIONS.variation

# sl-lenient-types: a numeric string it takes for a number.
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,30}", re.ASCII)


# --- Faults -----------------------------------------------------------------------------------


@fault("sl-wrong-key-accepted")
class WrongKeyAccepted(SmartLeadApi):
    def _unknown_key(self, key: str | None) -> int:
        return 0 if key else super()._unknown_key(key)


@fault("sl-missing-key-400")
class MissingKey400(SmartLeadApi):
    def _unknown_key(self, key: str | None) -> int:
        if key is None:
            raise Rejection(400, "api_key is required")
        return super()._unknown_key(key)


@fault("sl-key-prefix-match")
class KeyPrefixMatch(SmartLeadStore):
    def account_for_key(self, key: str | None) -> int | None:
        account = super().account_for_key(key)
        if account is not None or key is None:
            return account
        begun_by_key = (index for stored, index in self._account_by_key.items() if stored.startswith(key))
        return next(begun_by_key, None)


@fault("sl-header-key-over-query")
class HeaderKeyOverQuery(SmartLeadApi):
    def _key(self, request: Request) -> str | None:
        return request.headers.get("x-api-key") or super()._key(request)


@fault("sl-lead-map-id-not-required")
class LeadMapIdNotRequired(SmartLeadApi):
    def _email_lead_map_id(self, value: object, account: int) -> object:
        return SEED_ACCOUNTS[account][0] if value is None else super()._email_lead_map_id(value, account)


@fault("sl-name-not-required")
class NameNotRequired(SmartLeadApi):
    def _name(self, value: object) -> str:
        return "" if value is None else super()._name(value)


@fault("sl-name-object-stringified")
class NameObjectStringified(SmartLeadApi):
    def _name(self, value: object) -> str:
        return json.dumps(value) if isinstance(value, dict) else super()._name(value)


@fault("sl-unknown-priority-defaulted")
class UnknownPriorityDefaulted(SmartLeadApi):
    def _priority(self, value: object) -> str:
        return DEFAULT_PRIORITY if value is not None and value not in PRIORITIES else super()._priority(value)


@fault("sl-due-date-format-unchecked")
class DueDateFormatUnchecked(SmartLeadApi):
    def _due_date(self, value: object) -> tuple[datetime | None, str | None]:
        if value is not None and self._parse_due_date(value) is None:
            return None, None
        return super()._due_date(value)


@fault("sl-malformed-json-422")
class MalformedJson422(SmartLeadApi):
    def _not_json(self) -> Exception:
        return Rejection(422, BODY_MALFORMED)


@fault("sl-array-body-500")
class ArrayBody500(SmartLeadApi):
    def _not_object(self, body: object) -> Exception:
        return Crash("Internal Server Error") if isinstance(body, list) else super()._not_object(body)


@fault("sl-due-date-required")
class DueDateRequired(SmartLeadApi):
    def _due_date(self, value: object) -> tuple[datetime | None, str | None]:
        if value is None:
            raise self._invalid(required("due_date"), missing=True)
        return super()._due_date(value)


@fault("sl-envelope-without-ok")
class EnvelopeWithoutOk(SmartLeadApi):
    def _envelope(self, data: object) -> dict[str, object]:
        return {key: value for key, value in super()._envelope(data).items() if key != "ok"}


@fault("sl-description-dropped")
class DescriptionDropped(SmartLeadApi):
    def _task(self, task: Task) -> dict[str, object]:
        return {**super()._task(task), "description": None}


@fault("sl-priority-default-low")
class PriorityDefaultLow(SmartLeadApi):
    def _priority(self, value: object) -> str:
        return "LOW" if value is None else super()._priority(value)


@fault("sl-priority-low-stored-medium")
class PriorityLowStoredMedium(SmartLeadApi):
    def _priority(self, value: object) -> str:
        return "MEDIUM" if value == "LOW" else super()._priority(value)


@fault("sl-due-date-timezone-shift")
class DueDateTimezoneShift(SmartLeadApi):
    def _parse_due_date(self, value: object) -> datetime | None:
        return parse_date_time(value, honour_offset=False)


# --- Variations -------------------------------------------------------------------------------


@variation("sl-validation-400")
class Validation400(SmartLeadApi):
    def _validation_status(self, *, missing: bool) -> int:
        return 400


@variation("sl-validation-422")
class Validation422(SmartLeadApi):
    def _validation_status(self, *, missing: bool) -> int:
        return 422


@variation("sl-ids-large-random")
class IdsLargeRandom(SmartLeadStore):
    def _new_task_ids(self) -> Iterator[int]:
        return random_task_ids()


@variation("sl-timestamps-offset")
class TimestampsOffset(SmartLeadApi):
    zulu = False


@variation("sl-due-date-verbatim")
class DueDateVerbatim(SmartLeadApi):
    def _task(self, task: Task) -> dict[str, object]:
        rendered = super()._task(task)
        return rendered if task.due_date_text is None else {**rendered, "due_date": task.due_date_text}


@variation("sl-extra-fields")
class ExtraFields(SmartLeadApi):
    def _envelope(self, data: object) -> dict[str, object]:
        body = super()._envelope(data)
        return {**body, "message": "Task created successfully", "request_id": uuid.uuid4().hex}

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        return {**super()._error_body(rejection), "request_id": uuid.uuid4().hex}

    def _task(self, task: Task) -> dict[str, object]:
        extra = {"status": "PENDING", "assignee_id": None, "meta": {"source": "api", "version": 1}}
        return {**super()._task(task), **extra}


@variation("sl-error-body-nested")
class ErrorBodyNested(SmartLeadApi):
    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        rest = {
            key: value
            for key, value in super()._error_body(rejection).items()
            if key not in ("ok", "message")
        }
        return {
            "success": False,
            "error": {"code": rejection.status_code, "detail": rejection.message},
            **rest,
        }


@variation("sl-absent-optional-omitted")
class AbsentOptionalOmitted(SmartLeadApi):
    def _task(self, task: Task) -> dict[str, object]:
        rendered = super()._task(task)
        return {
            key: value
            for key, value in rendered.items()
            if key not in ("description", "due_date") or value is not None
        }


@variation("sl-lenient-types")
class LenientTypes(SmartLeadApi):
    def _email_lead_map_id(self, value: object, account: int) -> object:
        if isinstance(value, str) and _ASCII_INTEGER.fullmatch(value.strip()):
            return int(value.strip())
        return super()._email_lead_map_id(value, account)

    def _text(self, field: str, value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return super()._text(field, value)


@variation("sl-priority-case-insensitive")
class PriorityCaseInsensitive(SmartLeadApi):
    def _priority(self, value: object) -> str:
        if isinstance(value, str) and value.upper() in PRIORITIES:
            value = value.upper()
        return super()._priority(value)


@variation("sl-past-due-date-rejected")
class PastDueDateRejected(SmartLeadApi):
    def _due_date(self, value: object) -> tuple[datetime | None, str | None]:
        instant, text = super()._due_date(value)
        if instant is not None and instant <= to_millisecond(self._clock()):
            raise self._invalid("due_date must be in the future")
        return instant, text


@fault("sl-api-key-header-accepted")
class ApiKeyHeaderAccepted(SmartLeadApi):
    def _key(self, request: Request) -> str | None:
        key = super()._key(request)
        return request.headers.get("x-api-key") if key is None else key


@fault("sl-api-key-bearer-accepted")
class ApiKeyBearerAccepted(SmartLeadApi):
    def _key(self, request: Request) -> str | None:
        key = super()._key(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if key is None and scheme.lower() == "bearer" else key


@fault("sl-priority-trimmed")
class PriorityTrimmed(SmartLeadApi):
    def _priority(self, value: object) -> str:
        return super()._priority(value.strip() if isinstance(value, str) else value)
