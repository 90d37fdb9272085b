"""LeadLex as the suite talks to it: its configuration section, its records and its requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ...config import FieldSpec, SectionSpec, env_var, non_empty_string, uuid_list, uuid_string
from ...contract import parse_instant
from ...errors import ConfigError
from ...exchange import Exchange
from ...findings import Verification
from ...target import Pool, Target

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "LINKS",
    "MISSING_CONTACT",
    "POOLS",
    "PRIORITIES",
    "SECTION",
    "STATUSES",
    "confine",
    "create_task",
    "linked_record",
    "same_date",
    "same_id",
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
        # A name that matches exactly one company of the workspace (no response field shows which).
        "unique_company_name": _optional(non_empty_string),
    },
    secrets=("api_key_env", "readonly_api_key_env"),
    disjoint=(
        ("contact_ids", "foreign_contact_ids"),
        ("ambiguous_contact_ids", "foreign_contact_ids"),
    ),
)

# Contacts of the workspace (this worker's share), of another one and of none; deals, events, the
# two configured contact names and the company name, which probes name as "{deal}", "{unique_name}"...
POOLS = {
    "own": Pool("contact_ids", shared=True),
    "foreign": Pool("foreign_contact_ids"),
    "missing": Pool(fixed=(MISSING_CONTACT,)),
    "deal": Pool("deal_ids"),
    "event": Pool("event_ids"),
    "unique_name": Pool("unique_contact_name"),
    "ambiguous_name": Pool("ambiguous_contact_name"),
    "unique_company": Pool("unique_company_name"),
}


# A generated assignee could notify a real person of the workspace; a generated company name could
# link a company the configuration does not name.
_NEVER_GENERATED = ("assignee_id", "company_name")


def confine(target: Target, case: Case[Any], draw: Callable[[list[Any]], Any]) -> None:
    """Generated bodies link configured records only, and name only the configured contact names.

    Each link keeps its kind (a contact_id becomes a contact of ours, of another workspace or of
    none); a contact_name becomes the unique or the ambiguous name, or goes. A body never carries
    both contact_id and contact_name: which of them wins is not documented.
    """
    body = case.body
    if not isinstance(body, dict):
        return
    pools = target.pools()
    kinds = {"contact_id": ("own", "foreign", "missing"), "deal_id": ("deal",), "event_id": ("event",)}
    for name, of in kinds.items():
        if name in body:
            if any(pools[kind] for kind in of):
                body[name] = target.drawn(draw, *of)
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
