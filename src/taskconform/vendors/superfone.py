"""Superfone Enterprise task API: configuration, authentication, probes and request helpers.

Source documents: contracts/seeds/000 (Create Task), 001 (List Tasks), 002 (Complete Task).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..checks import superfone as _superfone_checks  # noqa: F401  (registers its checks)
from ..client import AuthMode, AuthScheme
from ..config import FieldSpec, SectionSpec, assignee_table, env_var, id_list, optional_id_list
from ..contract import parse_instant
from ..exchange import Exchange
from ..findings import Verification
from ..probes import Probe
from ..target import Target
from . import Pool, Vendor

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "NON_REMINDER_TYPES",
    "SUPERFONE",
    "TASK_TYPES",
    "complete_task",
    "create_task",
    "list_page",
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
        "foreign_lead_ids": FieldSpec(optional_id_list, required=False, default=()),
        "missing_lead_ids": FieldSpec(id_list, required=False),
        "lead_assignees": FieldSpec(assignee_table, required=False, default={}),
    },
    disjoint=(
        ("lead_ids", "foreign_lead_ids"),
        ("lead_ids", "missing_lead_ids"),
        ("foreign_lead_ids", "missing_lead_ids"),
    ),
)


def _clauses(prefix: str, fields: str, belongs: str | None) -> dict[str, str]:
    clauses = {
        "documented_status": f"SF-{prefix}-DOCUMENTED-STATUSES",
        "unauthorized_uses_documented_message": f"SF-{prefix}-ERR-AUTH",
        "not_found_uses_documented_message": f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
        "response_fields": fields,
    }
    if belongs:
        clauses["tasks_belong_to_lead"] = belongs
    return clauses


RESPONSE_CLAUSES = {
    "createTask": _clauses("CREATE", "SF-CREATE-RESPONSE-FIELDS", "SF-CREATE-CUSTOMER-ID"),
    "listTasks": _clauses("LIST", "SF-LIST-RESPONSE-FIELDS", "SF-LIST-SINGLE-LEAD"),
    "completeTask": _clauses(
        "COMPLETE", "SF-COMPLETE-RETURNS-CLOSED-TASK", "SF-COMPLETE-RETURNS-CLOSED-TASK"
    ),
}


POOLS = {
    "own": Pool("lead_ids", shared=True),
    "foreign": Pool("foreign_lead_ids"),
    # Without the key, an id no real account reaches; the user has not vouched for it (see session).
    "missing": Pool("missing_lead_ids", fixed=(DEFAULT_MISSING_LEAD,)),
}


_NUMERIC = re.compile(r"^\s*[-+]?[0-9.eE]+\s*$")
_UNSAFE_IN_PATH = re.compile(r"[0-9/\\.%?#\s]")


def confine(target: Target, case: Case, draw: Callable[[list[Any]], Any]) -> None:
    """Generated lead ids go to configured, foreign or missing leads only.

    A non-numeric id is kept for negative testing, minus digits (a lenient server might read "12ab" as
    lead 12) and path syntax (a slash would address another route).
    """
    path_params = case.path_parameters
    value = path_params.get("lead_id")
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMERIC.match(value)):
        path_params["lead_id"] = draw([*target.pool("own"), *target.pool("foreign"), *target.pool("missing")])
    elif value is not None:
        path_params["lead_id"] = _UNSAFE_IN_PATH.sub("", str(value)) or "x"


def list_page(
    target: Target, verify: Verification, lead: Any, page: Any = None, page_size: Any = None
) -> Exchange:
    params = {k: v for k, v in (("page", page), ("page_size", page_size)) if v is not None}
    return target.call(verify, "listTasks", {"lead_id": lead}, params=params)


def list_tasks(target: Target, verify: Verification, lead: Any, page_size: int = 20) -> list[dict[str, Any]]:
    """Every task of the lead, newest first, by walking all pages."""
    tasks: list[dict[str, Any]] = []
    page = 1
    while True:
        exchange = list_page(target, verify, lead, page, page_size)
        data = _data(exchange)
        rows = data.get("rows") or []
        tasks += rows
        if not rows or page >= int(data.get("total_pages") or 0):
            return tasks
        page += 1


def create_task(target: Target, verify: Verification, lead: Any, body: Any) -> Exchange:
    return target.call(verify, "createTask", {"lead_id": lead}, json_body=body)


def complete_task(target: Target, verify: Verification, lead: Any) -> Exchange:
    return target.call(verify, "completeTask", {"lead_id": lead})


def _data(exchange: Exchange) -> dict[str, Any]:
    body = exchange.json()
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def created_task(
    operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
) -> tuple[Any, Any] | None:
    if operation_id != "createTask" or not 200 <= exchange.status < 300:
        return None
    task_id = _data(exchange).get("id")
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
            if _data(exchange).get("id") not in closable:
                break
            closed[lead].append(_data(exchange).get("id"))
    return closed


def snapshot(target: Target, verify: Verification, lead: Any) -> Any:
    """The newest page and the total: any created or completed task changes one of them."""
    data = _data(list_page(target, verify, lead, 1, 20))
    rows = [
        (row.get("id"), row.get("task_status")) for row in data.get("rows") or [] if isinstance(row, dict)
    ]
    return data.get("total_items"), rows


def ensure_open_task(target: Target, verify: Verification, lead: Any) -> None:
    """A complete that should be refused must have something it could wrongly close."""
    create_task(target, verify, lead, {"type": "REMINDER", "due_date": VALID_BODY["due_date"]})


_AUTH_MESSAGE = "UnAuthorized, Please Provide Valid API Key"
_LEAD = {pool: {"lead_id": "{" + pool + "}"} for pool in ("own", "foreign", "missing")}


def _probe(*args: Any, **kwargs: Any) -> Probe:
    """Superfone probes address a lead in the path: a configured one unless the probe names another."""
    kwargs.setdefault("path_params", _LEAD["own"])
    return Probe(*args, **kwargs)


_OPS = (("CREATE", "createTask", VALID_BODY), ("LIST", "listTasks", None), ("COMPLETE", "completeTask", None))


def _per_operation_probes() -> list[Probe]:
    probes: list[Probe] = []
    for prefix, operation, body in _OPS:
        payload = {"json_body": body} if body is not None else {}
        writes = operation != "listTasks"
        prepare = ensure_open_task if operation == "completeTask" else None
        probes += [
            _probe(
                f"{prefix}-non-numeric-lead-id",
                f"SF-{prefix}-ERR-LEAD-ID-NUMBER",
                operation,
                path_params={"lead_id": "not-a-lead"},
                message="lead_id must be a number",
                **payload,
            ),
            _probe(
                f"{prefix}-missing-key",
                f"SF-{prefix}-ERR-AUTH",
                operation,
                auth=AuthMode.MISSING,
                status=401,
                message=_AUTH_MESSAGE,
                writes_nothing=writes,
                prepare=prepare,
                **payload,
            ),
            _probe(
                f"{prefix}-wrong-key",
                f"SF-{prefix}-ERR-AUTH",
                operation,
                auth=AuthMode.WRONG,
                status=401,
                message=_AUTH_MESSAGE,
                writes_nothing=writes,
                prepare=prepare,
                **payload,
            ),
            _probe(
                f"{prefix}-unknown-lead",
                f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
                operation,
                path_params=_LEAD["missing"],
                status=404,
                message="Lead not found",
                **payload,
            ),
            _probe(
                f"{prefix}-foreign-lead",
                f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
                operation,
                path_params=_LEAD["foreign"],
                status=404,
                message="Lead not found",
                **payload,
            ),
        ]
    return probes


def _create_probes() -> list[Probe]:
    unknown = "NOT_A_TASK_TYPE"
    return [
        _probe(
            "CREATE-no-body",
            "SF-CREATE-ERR-BODY-EMPTY",
            "createTask",
            message="Request body is empty",
            writes_nothing=True,
        ),
        _probe(
            "CREATE-empty-body",
            "SF-CREATE-ERR-BODY-EMPTY",
            "createTask",
            content=b"",
            message="Request body is empty",
            writes_nothing=True,
        ),
        _probe(
            "CREATE-missing-type",
            "SF-CREATE-ERR-TYPE-REQUIRED",
            "createTask",
            json_body={"due_date": VALID_BODY["due_date"]},
            message="type is required",
            writes_nothing=True,
        ),
        _probe(
            "CREATE-unknown-type",
            "SF-CREATE-ERR-TYPE-UNKNOWN",
            "createTask",
            json_body={**VALID_BODY, "type": unknown},
            message_prefix=f'type "{unknown}" is not available for creation. Allowed: ',
            message_mentions=TASK_TYPES,
            writes_nothing=True,
        ),
        _probe(
            "CREATE-malformed-json",
            "SF-CREATE-DOCUMENTED-STATUSES",
            "createTask",
            content=b'{"type": "FOLLOW_UP_CALL", "due_date": ',
            status=None,
            writes_nothing=True,
        ),
        _probe(
            "CREATE-missing-due-date",
            "SF-CREATE-ERR-DUE-DATE-REQUIRED",
            "createTask",
            json_body={"type": "FOLLOW_UP_CALL"},
            message="due_date is required",
            writes_nothing=True,
        ),
    ]


def _list_probes() -> list[Probe]:
    invalid = "page_size must be a positive integer"
    too_big = "page_size cannot exceed 20"
    return [
        # "Use 20 or smaller": the bound itself is accepted.
        _probe(
            "LIST-page-size-20",
            "SF-LIST-ERR-PAGE-SIZE-MAX",
            "listTasks",
            params={"page_size": "20"},
            status=200,
        ),
        *(
            _probe(
                f"LIST-page-size-{value}",
                "SF-LIST-ERR-PAGE-SIZE-INVALID",
                "listTasks",
                params={"page_size": value},
                message=invalid,
            )
            for value in ("abc", "0", "-1")
        ),
        *(
            _probe(
                f"LIST-page-size-{value}",
                "SF-LIST-ERR-PAGE-SIZE-MAX",
                "listTasks",
                params={"page_size": value},
                message=too_big,
            )
            for value in ("21", "100")
        ),
    ]


SUPERFONE = Vendor(
    name="superfone",
    spec_file="superfone-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="header", name="x-api-key"),
    key_option="api_key_env",
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    record_param="lead_id",
    pools=POOLS,
    read_operation="listTasks",
    snapshot=snapshot,
    created_task=created_task,
    cleanup=cleanup,
    probes=(*_per_operation_probes(), *_create_probes(), *_list_probes()),
)
