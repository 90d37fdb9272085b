"""Superfone's documented error rows, each provoked on its own by one request (see ``probes``)."""

from __future__ import annotations

from typing import Any

from ...checks import body_strings
from ...client import AuthMode
from ...exchange import Exchange
from ...target import AnswerCheck, Probe, Target
from .api import TASK_TYPES, VALID_BODY, ensure_open_task

__all__ = ["PROBES"]

_AUTH_MESSAGE = "UnAuthorized, Please Provide Valid API Key"
_BODY_EMPTY = "Request body is empty"
_TYPE_REQUIRED = "type is required"
_DUE_DATE_REQUIRED = "due_date is required"
# A numeric lead id longer than any integer type holds (and than Python's int() reads, 4,300 digits),
# in a URL well inside the 8,000 octets RFC 9110 recommends every recipient take.
_OVERLONG_LEAD_ID = "9" * 4301
_LEAD = {pool: {"lead_id": "{" + pool + "}"} for pool in ("own", "foreign", "missing")}


def _says_one_of(*messages: str) -> AnswerCheck:
    """The body carries one of ``messages``: the rows a request falls under at once, whichever the
    target checks first (SF-OPEN-ERROR-PRECEDENCE)."""

    def check(target: Target, exchange: Exchange) -> tuple[bool, str]:
        return bool(body_strings(exchange) & set(messages)), f"one of the messages {', '.join(messages)}"

    return check


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
            # The same border seen from the other side: another account's key does not reach our lead
            # (runs where the configuration names that key; the lead is ours, so a faulty write lands
            # on a record the run may write to anyway).
            _probe(
                f"{prefix}-own-lead-other-account-key",
                f"SF-{prefix}-ERR-LEAD-NOT-FOUND",
                operation,
                key_option="other_account_api_key_env",
                status=404,
                message="Lead not found",
                writes_nothing=writes,
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
            message=_BODY_EMPTY,
            writes_nothing=True,
        ),
        _probe(
            "CREATE-empty-body",
            "SF-CREATE-ERR-BODY-EMPTY",
            "createTask",
            content=b"",
            message=_BODY_EMPTY,
            writes_nothing=True,
        ),
        # ``{}`` lacks type (and due_date), and may count as an empty body: every row it falls under
        # is a 400.
        _probe(
            "CREATE-empty-object",
            "SF-CREATE-ERR-TYPE-REQUIRED",
            "createTask",
            json_body={},
            answer_check=_says_one_of(_BODY_EMPTY, _TYPE_REQUIRED, _DUE_DATE_REQUIRED),
            writes_nothing=True,
        ),
        _probe(
            "CREATE-missing-type",
            "SF-CREATE-ERR-TYPE-REQUIRED",
            "createTask",
            json_body={"due_date": VALID_BODY["due_date"]},
            message=_TYPE_REQUIRED,
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
            message=_DUE_DATE_REQUIRED,
            writes_nothing=True,
        ),
    ]


def _list_probes() -> list[Probe]:
    invalid = "page_size must be a positive integer"
    too_big = "page_size cannot exceed 20"
    return [
        # A number that names no lead: 404, or 400 from a server that takes it for no number; never
        # a 5xx (the operation's documented statuses judge it).
        _probe(
            "LIST-overlong-lead-id",
            "SF-LIST-DOCUMENTED-STATUSES",
            "listTasks",
            path_params={"lead_id": _OVERLONG_LEAD_ID},
            status=None,
        ),
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
