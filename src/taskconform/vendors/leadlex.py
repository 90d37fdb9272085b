"""LeadLex task API: configuration, authentication, probes and request helpers.

Source document: contracts/seeds/003_37093ce25c986d01.txt (Create Task). The page documents one
operation and no way to read, update or close a task:

- No ``snapshot``: the suite cannot prove that a rejected request wrote nothing.
- No ``created_task``/``cleanup``: the tasks a run creates stay, linked to the configured contacts,
  deals and events (use test records).
- No ``read_operation``: nothing can vet the "missing" contact, a made-up UUID.

Two key roles: the workspace's key with activities:write, and one without it
(``readonly_api_key_env``), which only the 403 probe sends (``Probe.key_option``). Generated
requests never carry assignee_id or company_name (see ``confine``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..checks import body_strings
from ..checks import leadlex as _leadlex_checks  # noqa: F401  (registers its checks)
from ..checks.leadlex import error_code
from ..client import AuthScheme
from ..config import FieldSpec, SectionSpec, env_var, non_empty_string, uuid_list, uuid_string
from ..contract import parse_instant
from ..errors import ConfigError
from ..exchange import Exchange
from ..findings import Verification
from ..probes import AnswerCheck, Probe
from ..target import Target
from . import Pool, Vendor

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "LEADLEX",
    "LINKS",
    "PRIORITIES",
    "STATUSES",
    "create_task",
    "is_success",
    "linked_record",
    "same_date",
    "same_id",
    "task_of",
]

STATUSES = ("open", "in_progress", "completed")
PRIORITIES = ("low", "medium", "high")
LINKS = ("contact_id", "deal_id", "event_id")
# A contact no workspace holds: a name-based (version 5) UUID of a made-up URL, not a record's id.
MISSING_CONTACT = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://taskconform.invalid/leadlex/no-such-contact"))


def _candidate_ids(where: str, value: Any) -> tuple[str, ...]:
    ids = uuid_list(where, value)
    if len(ids) < 2:
        raise ConfigError(f"{where} must list at least two contacts: the ambiguous name matches several")
    return ids


def _optional(parse: Callable[[str, Any], Any]) -> FieldSpec:
    return FieldSpec(parse, required=False)


# Only the key and the contacts are required: the rest lets more clauses run, and each clause that
# needs a key left out is reported not-run, naming it.
SECTION = SectionSpec(
    fields={
        "api_key_env": FieldSpec(env_var),
        "contact_ids": FieldSpec(uuid_list),
        # A key of the same workspace without the activities:write permission.
        "readonly_api_key_env": _optional(env_var),
        "deal_ids": _optional(uuid_list),
        "event_ids": _optional(uuid_list),
        # Contacts of another workspace.
        "foreign_contact_ids": _optional(uuid_list),
        # A name that matches exactly one contact of the workspace, and that contact.
        "unique_contact_name": _optional(non_empty_string),
        "unique_contact_id": _optional(uuid_string),
        # A name that matches several contacts of the workspace, and all of them.
        "ambiguous_contact_name": _optional(non_empty_string),
        "ambiguous_contact_ids": _optional(_candidate_ids),
    },
    secrets=("api_key_env", "readonly_api_key_env"),
    disjoint=(
        ("contact_ids", "foreign_contact_ids"),
        ("ambiguous_contact_ids", "foreign_contact_ids"),
    ),
)

RESPONSE_CLAUSES = {
    "createTask": {
        "documented_status": "LL-CREATE-DOCUMENTED-STATUSES",
        "response_fields": "LL-CREATE-RESPONSE-FIELDS",
        "error_body_shape": "LL-CREATE-ERROR-BODY",
    }
}


# Contacts of the workspace (this worker's share), of another one and of none; deals, events and the
# two configured contact names, which probes name as "{deal}", "{unique_name}"...
POOLS = {
    "own": Pool("contact_ids", shared=True),
    "foreign": Pool("foreign_contact_ids"),
    "missing": Pool(fixed=(MISSING_CONTACT,)),
    "deal": Pool("deal_ids"),
    "event": Pool("event_ids"),
    "unique_name": Pool("unique_contact_name"),
    "ambiguous_name": Pool("ambiguous_contact_name"),
}


# A generated assignee could notify a real person of the workspace; a generated company name could
# link a company the configuration does not name.
_NEVER_GENERATED = ("assignee_id", "company_name")


def confine(target: Target, case: Case, draw: Callable[[list[Any]], Any]) -> None:
    """Generated bodies link configured records only, and name only the configured contact names.

    Each link keeps its kind (a contact_id becomes a contact of ours, of another workspace or of
    none); a contact_name becomes the unique or the ambiguous name, or goes. A body never carries
    both contact_id and contact_name: which of them wins is not documented.
    """
    body = case.body
    if not isinstance(body, dict):
        return
    pools = target.pools()
    kinds = {
        "contact_id": [*pools["own"], *pools["foreign"], *pools["missing"]],
        "deal_id": list(pools["deal"]),
        "event_id": list(pools["event"]),
    }
    for name, pool in kinds.items():
        if name in body:
            if pool:
                body[name] = draw(pool)
            else:
                del body[name]
    if "contact_name" in body:
        contact_name = draw([*pools["unique_name"], *pools["ambiguous_name"], None])
        if contact_name is None:
            del body["contact_name"]
        else:
            body["contact_name"] = contact_name
    for name in _NEVER_GENERATED:
        body.pop(name, None)
    if "contact_id" in body and "contact_name" in body:
        del body[draw(["contact_id", "contact_name"])]


# --- Requests and answers -----------------------------------------------------------------------


def create_task(
    target: Target, verify: Verification, body: Any, *, key_option: str | None = None
) -> Exchange:
    return target.call(verify, "createTask", {}, json_body=body, key_option=key_option)


def is_success(exchange: Exchange) -> bool:
    return 200 <= exchange.status < 300


def task_of(exchange: Exchange) -> dict[str, Any]:
    body = exchange.json()
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def same_id(returned: Any, sent: Any) -> bool:
    """UUIDs compare case-insensitively."""
    return isinstance(returned, str) and isinstance(sent, str) and returned.lower() == sent.lower()


def same_date(returned: Any, day: date) -> bool:
    """A YYYY-MM-DD value comes back as that date: the date itself, or a timestamp written on it.

    How a date-only due_date is represented in the response is not documented; strings are never
    compared.
    """
    parsed = parse_instant(returned)
    return parsed is not None and parsed.date() == day


def linked_record(target: Target, link: str, index: int = 0) -> str:
    """A configured record for ``link`` (contact_id: this worker's share of contacts)."""
    kind = {"contact_id": "own", "deal_id": "deal", "event_id": "event"}[link]
    target.first(kind)
    records = target.pool(kind)
    return str(records[index % len(records)])


# --- Probes -------------------------------------------------------------------------------------


def _error_code_is(code: str) -> AnswerCheck:
    def check(target: Target, exchange: Exchange) -> tuple[bool, str]:
        return error_code(exchange) == code, f"error.code {code!r}"

    return check


def _client_error(target: Target, exchange: Exchange) -> tuple[bool, str]:
    return 400 <= exchange.status < 500, "a client error (4xx); the page gives no status or code for it"


def _ambiguous_with_candidates(target: Target, exchange: Exchange) -> tuple[bool, str]:
    """Where the candidate UUIDs sit in the body is not documented: look in every string of it."""
    candidates = target.option("ambiguous_contact_ids")
    text = "\n".join(body_strings(exchange)).lower()
    found = error_code(exchange) == "ambiguous_reference" and all(c in text for c in candidates)
    return found, f"error.code 'ambiguous_reference' and the candidate UUIDs {', '.join(candidates)}"


_TITLE = "taskconform probe"
_OWN_CONTACT = {"title": _TITLE, "contact_id": "{own}"}

PROBES = (
    Probe(
        "CREATE-missing-title",
        "LL-CREATE-TITLE-REQUIRED",
        "createTask",
        json_body={"contact_id": "{own}", "priority": "low"},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-missing-title-deal-link",
        "LL-CREATE-TITLE-REQUIRED",
        "createTask",
        json_body={"deal_id": "{deal}", "description": "no title"},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-no-parent-link",
        "LL-CREATE-PARENT-LINK-REQUIRED",
        "createTask",
        json_body={"title": _TITLE},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-no-parent-link-documented-fields",
        "LL-CREATE-PARENT-LINK-REQUIRED",
        "createTask",
        json_body={
            "title": _TITLE,
            "description": "every documented field but the links",
            "status": "in_progress",
            "priority": "high",
            "due_date": "2030-01-15",
        },
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-foreign-contact",
        "LL-CREATE-CONTACT-WORKSPACE",
        "createTask",
        json_body={"title": _TITLE, "contact_id": "{foreign}"},
        status=None,
        answer_check=_client_error,
    ),
    Probe(
        "CREATE-unknown-contact",
        "LL-CREATE-CONTACT-WORKSPACE",
        "createTask",
        json_body={"title": _TITLE, "contact_id": "{missing}"},
        status=None,
        answer_check=_client_error,
    ),
    Probe(
        "CREATE-ambiguous-contact-name",
        "LL-CREATE-CONTACT-NAME-AMBIGUOUS",
        "createTask",
        # A deal as well, so the body has a parent link whether or not a name counts as one.
        json_body={"title": _TITLE, "deal_id": "{deal}", "contact_name": "{ambiguous_name}"},
        needs=("ambiguous_contact_ids",),
        answer_check=_ambiguous_with_candidates,
    ),
    Probe(
        "CREATE-without-write-permission",
        "LL-CREATE-PERMISSION",
        "createTask",
        json_body=_OWN_CONTACT,
        key_option="readonly_api_key_env",
        status=403,
        answer_check=_error_code_is("insufficient_permissions"),
    ),
    Probe(
        "CREATE-malformed-json",
        "LL-CREATE-DOCUMENTED-STATUSES",
        "createTask",
        content=b'{"title": "taskconform probe", "contact_id": ',
        status=None,
    ),
    Probe(
        "CREATE-not-an-object",
        "LL-CREATE-DOCUMENTED-STATUSES",
        "createTask",
        content=b'["title", "contact_id"]',
        status=None,
    ),
)

LEADLEX = Vendor(
    name="leadlex",
    spec_file="leadlex-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="header", name="Authorization", prefix="Bearer "),
    key_option="api_key_env",
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    pools=POOLS,
    read_operation=None,
    record_param=None,
    snapshot=None,
    probes=PROBES,
)
