"""Superfone's documented error rows, each provoked on its own by one request (see ``probes``)."""

from __future__ import annotations

from typing import Any

from ...client import AuthMode
from ...target import Probe
from .api import TASK_TYPES, VALID_BODY, ensure_open_task

__all__ = ["PROBES"]

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


PROBES = (*_per_operation_probes(), *_create_probes(), *_list_probes())
