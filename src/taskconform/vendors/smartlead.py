"""SmartLead master-inbox task API: configuration, authentication, probes and request helpers.

Source document: contracts/seeds/004_e3a480ce000b28b6.txt (``POST /api/v1/master-inbox/create-task``).

The document has one endpoint, which writes, and nothing that reads:

- Records: only the configured ``email_lead_map_ids`` ("own"; each worker takes its share). There is
  no foreign or missing pool: the document names no answer for another account's or an unknown
  email_lead_map_id (SL-OPEN-UNKNOWN-LEAD-MAP-ID), so a probe there would assert nothing, and
  fuzzing never needs one because every generated id is mapped onto the configured ones.
- No ``read_operation``, ``record_param`` or ``snapshot``: a refused request cannot be proven to have
  written nothing, so probes judge the status only.
- No ``created_task``/``cleanup``: no endpoint closes or deletes a task, so the tasks a run creates
  stay on the configured email_lead_map_ids (use test leads).
- The key travels in the query string (``?api_key=``); the redactor masks it, URL-encoded spellings
  included, wherever a URL is printed or stored.

The status of a validation failure may be 400 or 422 (SL-CONTRA-VALIDATION-STATUS); probes for those
take either, through ``answer_check``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..checks import smartlead as _smartlead_checks  # noqa: F401  (registers its checks)
from ..client import AuthMode, AuthScheme
from ..config import FieldSpec, SectionSpec, env_var, id_list
from ..exchange import Exchange
from ..findings import Verification
from ..probes import Probe
from ..target import Target
from . import Pool, Vendor

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = ["OPERATION", "SMARTLEAD", "VALIDATION_STATUSES", "create_task", "lead_map_ids"]

OPERATION = "createTask"
# SL-CONTRA-VALIDATION-STATUS: either documented status answers a validation failure.
VALIDATION_STATUSES = (400, 422)

SECTION = SectionSpec(
    fields={
        "api_key_env": FieldSpec(env_var),
        "email_lead_map_ids": FieldSpec(id_list),
    },
)

RESPONSE_CLAUSES = {
    OPERATION: {
        "documented_status": "SL-CREATE-DOCUMENTED-STATUSES",
        "response_fields": "SL-CREATE-RESPONSE-FIELDS",
        "task_echoes_sent_fields": "SL-CREATE-ECHO",
        "task_keeps_sent_priority": "SL-CREATE-PRIORITY-VALUES",
        "task_priority_defaults_to_medium": "SL-CREATE-PRIORITY-DEFAULT",
        "task_due_date_is_sent_instant": "SL-CREATE-DUE-DATE-INSTANT",
    },
}


def lead_map_ids(target: Target) -> tuple[Any, ...]:
    """This worker's share of the configured email_lead_map_ids."""
    return target.pool("own")


POOLS = {"own": Pool("email_lead_map_ids", shared=True)}


_DIGIT = re.compile(r"\d")  # any Unicode digit: int("١٢٣") is 123


def _confined_id(value: Any, draw: Callable[[list[Any]], Any], ids: list[Any]) -> Any:
    """A generated email_lead_map_id that a lenient server could read as a number becomes a configured
    one; the rest is kept for negative testing.

    Read as numbers by some server: any JSON number; a string with a digit anywhere (``parseInt`` reads
    "123abc" as 123) or a blank one (``Number("")`` is 0); a boolean (``Number(true)`` is 1); such
    values inside an array (``Number([5])`` is 5) or an object. Strings keep their type (a configured
    id as text), a boolean becomes its text, so the request stays as invalid as it was generated.
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return draw(ids)
    if isinstance(value, str):
        return str(draw(ids)) if _DIGIT.search(value) or not value.strip() else value
    if isinstance(value, list):
        return [_confined_id(item, draw, ids) for item in value]
    if isinstance(value, dict):
        return {key: _confined_id(item, draw, ids) for key, item in value.items()}
    return value


def confine(target: Target, case: Case, draw: Callable[[list[Any]], Any]) -> None:
    """Generated bodies name only configured email_lead_map_ids (see ``_confined_id``)."""
    body = case.body
    if isinstance(body, dict) and "email_lead_map_id" in body:
        case.body = {
            **body,
            "email_lead_map_id": _confined_id(body["email_lead_map_id"], draw, [*lead_map_ids(target)]),
        }


def create_task(target: Target, verify: Verification, body: Any, **kwargs: Any) -> Exchange:
    """One create-task request; ``kwargs`` as ``Target.call`` takes them (``content=``, ``auth=``...)."""
    if "content" not in kwargs:
        kwargs["json_body"] = body
    return target.call(verify, OPERATION, {}, **kwargs)


def _validation_status(target: Target, exchange: Exchange) -> tuple[bool, str]:
    return exchange.status in VALIDATION_STATUSES, "400 or 422 (SL-CONTRA-VALIDATION-STATUS)"


_OWN = "{own}"
_NAME = "taskconform probe"
_VALID = {"email_lead_map_id": _OWN, "name": _NAME}


def _rejected(probe_id: str, clause: str, body: Any) -> Probe:
    """A body the document rejects as invalid, with 400 or 422 (no status of its own)."""
    return Probe(
        f"CREATE-{probe_id}", clause, OPERATION, json_body=body, status=None, answer_check=_validation_status
    )


def _probes() -> tuple[Probe, ...]:
    types = "SL-CREATE-ERR-FIELD-TYPES"
    return (
        Probe(
            "CREATE-missing-key",
            "SL-CREATE-ERR-AUTH",
            OPERATION,
            json_body=_VALID,
            auth=AuthMode.MISSING,
            status=401,
        ),
        Probe(
            "CREATE-wrong-key",
            "SL-CREATE-ERR-AUTH",
            OPERATION,
            json_body=_VALID,
            auth=AuthMode.WRONG,
            status=401,
        ),
        _rejected("missing-email-lead-map-id", "SL-CREATE-ERR-LEAD-MAP-ID-REQUIRED", {"name": _NAME}),
        _rejected("missing-name", "SL-CREATE-ERR-NAME-REQUIRED", {"email_lead_map_id": _OWN}),
        _rejected("email-lead-map-id-text", types, {**_VALID, "email_lead_map_id": "abc"}),
        _rejected("email-lead-map-id-object", types, {**_VALID, "email_lead_map_id": {}}),
        _rejected("name-object", types, {**_VALID, "name": {"title": _NAME}}),
        _rejected("name-array", types, {**_VALID, "name": [_NAME]}),
        _rejected("description-object", types, {**_VALID, "description": {"text": "x"}}),
        _rejected("description-array", types, {**_VALID, "description": ["x"]}),
        _rejected("priority-URGENT", "SL-CREATE-ERR-PRIORITY-VALUE", {**_VALID, "priority": "URGENT"}),
        _rejected(
            "due-date-not-a-date", "SL-CREATE-ERR-DUE-DATE-FORMAT", {**_VALID, "due_date": "not-a-date"}
        ),
        # Bodies the document gives no answer of their own (SL-OPEN-EMPTY-BODY): a documented status.
        Probe("CREATE-no-body", "SL-CREATE-DOCUMENTED-STATUSES", OPERATION, status=None),
        Probe("CREATE-empty-object", "SL-CREATE-DOCUMENTED-STATUSES", OPERATION, json_body={}, status=None),
        Probe(
            "CREATE-array-body", "SL-CREATE-DOCUMENTED-STATUSES", OPERATION, json_body=[_VALID], status=None
        ),
    )


SMARTLEAD = Vendor(
    name="smartlead",
    spec_file="smartlead-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="query", name="api_key"),
    key_option="api_key_env",
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    pools=POOLS,
    read_operation=None,
    record_param=None,
    snapshot=None,
    probes=_probes(),
)
