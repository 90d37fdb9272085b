"""Superfone as the suite talks to it: its configuration section, its records and its requests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...config import FieldSpec, SectionSpec, assignee_table, env_var, id_list, optional_id_list
from ...contract import parse_instant
from ...exchange import Exchange
from ...findings import Verification
from ...target import Pool, Read, Snapshot, Target

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "DEFAULT_MISSING_LEAD",
    "NON_REMINDER_TYPES",
    "POOLS",
    "SECTION",
    "SNAPSHOT",
    "TASK_TYPES",
    "VALID_BODY",
    "cleanup",
    "complete_task",
    "confine",
    "create_task",
    "created_task",
    "ensure_open_task",
    "list_page",
    "list_pages",
    "list_tasks",
]

TASK_TYPES = ("FOLLOW_UP_CALL", "FIRST_CALL", "CALLBACK_REQUEST", "SITE_VISIT", "REMINDER", "BOOKING")
NON_REMINDER_TYPES = tuple(t for t in TASK_TYPES if t != "REMINDER")
# The largest 32-bit id: a lead no real account reaches, and a number every id column can hold.
DEFAULT_MISSING_LEAD = 2_147_483_647
VALID_BODY = {"type": "FOLLOW_UP_CALL", "due_date": "2030-05-20T15:00:00Z"}

SECTION = SectionSpec(
    fields={
        "api_key_env": FieldSpec(env_var),
        "lead_ids": FieldSpec(id_list),
        # A key of another account (the one the foreign leads belong to, say): only the probes that
        # check it does not reach our leads send it.
        "other_account_api_key_env": FieldSpec(env_var, required=False),
        "foreign_lead_ids": FieldSpec(optional_id_list, required=False, default=()),
        "missing_lead_ids": FieldSpec(id_list, required=False),
        "lead_assignees": FieldSpec(assignee_table, required=False, default={}),
    },
    secrets=("api_key_env", "other_account_api_key_env"),
    disjoint=(
        ("lead_ids", "foreign_lead_ids"),
        ("lead_ids", "missing_lead_ids"),
        ("foreign_lead_ids", "missing_lead_ids"),
    ),
)


POOLS = {
    "own": Pool("lead_ids", shared=True),
    "foreign": Pool("foreign_lead_ids"),
    # Without the key, an id no real account reaches; the user has not vouched for it (see session).
    "missing": Pool("missing_lead_ids", fixed=(DEFAULT_MISSING_LEAD,)),
}


_NUMERIC = re.compile(r"^\s*[-+]?[0-9.eE]+\s*$")
_UNSAFE_IN_PATH = re.compile(r"[0-9/\\.%?#\s]")


def confine(target: Target, case: Case[Any], draw: Callable[[list[Any]], Any]) -> None:
    """Generated lead ids go to configured, foreign or missing leads only.

    A non-numeric id is kept for negative testing, minus digits (a lenient server might read "12ab" as
    lead 12) and path syntax (a slash would address another route).
    """
    path_params = case.path_parameters
    value = path_params.get("lead_id")
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMERIC.match(value)):
        path_params["lead_id"] = target.drawn(draw, "own", "foreign", "missing")
    elif value is not None:
        path_params["lead_id"] = _UNSAFE_IN_PATH.sub("", str(value)) or "x"


def list_page(
    target: Target, verify: Verification, lead: Any, page: Any = None, page_size: Any = None
) -> Exchange:
    params = {k: v for k, v in (("page", page), ("page_size", page_size)) if v is not None}
    return target.call(verify, "listTasks", {"lead_id": lead}, params=params)


def list_pages(
    target: Target, verify: Verification, leads_pages: Sequence[tuple[Any, int, int]]
) -> Iterator[Exchange]:
    """Pages (lead, page, page size) read at once, each judged when the caller takes it
    (``Target.read_all``): for reads between which nothing is written."""
    reads = [
        Read("listTasks", {"lead_id": lead}, {"page": page, "page_size": size})
        for lead, page, size in leads_pages
    ]
    return target.read_all(verify, reads)


def list_tasks(target: Target, verify: Verification, lead: Any, page_size: int = 20) -> list[dict[str, Any]]:
    """Every task of the lead, newest first, by walking all pages."""
    tasks: list[dict[str, Any]] = []
    page = 1
    while True:
        exchange = list_page(target, verify, lead, page, page_size)
        data = exchange.data()
        rows = data.get("rows") or []
        tasks += rows
        if not rows or page >= int(data.get("total_pages") or 0):
            return tasks
        page += 1


def create_task(target: Target, verify: Verification, lead: Any, body: Any) -> Exchange:
    return target.call(verify, "createTask", {"lead_id": lead}, json_body=body)


def complete_task(target: Target, verify: Verification, lead: Any) -> Exchange:
    return target.call(verify, "completeTask", {"lead_id": lead})


def created_task(
    operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
) -> tuple[Any, Any] | None:
    if operation_id != "createTask" or not exchange.succeeded:
        return None
    task_id = exchange.data().get("id")
    return None if task_id is None else (path_params.get("lead_id"), task_id)


def cleanup(target: Target, verify: Verification, created: Mapping[Any, set[Any]]) -> dict[Any, list[Any]]:
    """Complete closes the most recent open task, so close while that task is one the run created:
    never a task the lead held before the run. A task created in the same instant may be closed in
    its place (ties have no order), so a tie with a task the run did not create stops it too."""
    closed: dict[Any, list[Any]] = {}
    for lead, ids in created.items():
        closed[lead] = []
        for _ in range(len(ids)):
            open_tasks = [t for t in list_tasks(target, verify, lead) if t.get("task_status") == "PENDING"]
            newest = parse_instant(open_tasks[0].get("created_at")) if open_tasks else None
            closable = [t.get("id") for t in open_tasks if parse_instant(t.get("created_at")) == newest]
            if not open_tasks or not all(task_id in ids for task_id in closable):
                break
            exchange = complete_task(target, verify, lead)
            if exchange.data().get("id") not in closable:
                break
            closed[lead].append(exchange.data().get("id"))
    return closed


def _newest_page(exchange: Exchange) -> Any:
    """The newest page and the total: any created or completed task changes one of them."""
    data = exchange.data()
    rows = [
        (row.get("id"), row.get("task_status")) for row in data.get("rows") or [] if isinstance(row, dict)
    ]
    return data.get("total_items"), rows


SNAPSHOT = Snapshot("listTasks", {"page": 1, "page_size": 20}, _newest_page)


def ensure_open_task(target: Target, verify: Verification, lead: Any) -> None:
    """A complete that should be refused must have something it could wrongly close."""
    create_task(target, verify, lead, {"type": "REMINDER", "due_date": VALID_BODY["due_date"]})
