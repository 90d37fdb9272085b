"""SmartLead's documented error rows, each provoked on its own by one request (see ``probes``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...client import AuthMode
from ...exchange import Exchange
from ...probes import KeyProbe
from ...target import NO_BODY, Probe, Target
from .api import KEY_PARAMETER, OPERATION, VALIDATION_STATUSES

__all__ = ["PROBES"]


def _validation_status(target: Target, exchange: Exchange) -> tuple[bool, str]:
    return exchange.status in VALIDATION_STATUSES, "400 or 422 (SL-CONTRA-VALIDATION-STATUS)"


_OWN = "{own}"
_NAME = "taskconform probe"
_VALID = {"email_lead_map_id": _OWN, "name": _NAME}


def _key_in_headers(key: str) -> Mapping[str, str]:
    """The account's key where other APIs take it; whether SmartLead takes it there when the query has
    no api_key is SL-OPEN-KEY-PLACEMENT, but never over a wrong api_key."""
    return {"X-API-Key": key, "Authorization": f"Bearer {key}"}


def _rejected(probe_id: str, clause: str, body: Any) -> Probe:
    """A body the document rejects as invalid, with 400 or 422 (no status of its own)."""
    return Probe(
        f"CREATE-{probe_id}", clause, OPERATION, json_body=body, status=None, answer_check=_validation_status
    )


def _probes() -> tuple[Probe, ...]:
    types = "SL-CREATE-ERR-FIELD-TYPES"
    lead_map_id_required = "SL-CREATE-ERR-LEAD-MAP-ID-REQUIRED"
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
        Probe(
            "CREATE-empty-key",
            "SL-CREATE-ERR-AUTH",
            OPERATION,
            json_body=_VALID,
            auth=AuthMode.MISSING,
            params={KEY_PARAMETER: ""},
            status=401,
        ),
        KeyProbe(
            "CREATE-key-in-headers-instead-of-the-query",
            "SL-CREATE-ERR-AUTH",
            OPERATION,
            json_body=_VALID,
            auth=AuthMode.MISSING,
            headers=_key_in_headers,
            status=401,
        ),
        KeyProbe(
            "CREATE-wrong-key-beside-the-key-in-headers",
            "SL-CREATE-ERR-AUTH",
            OPERATION,
            json_body=_VALID,
            auth=AuthMode.WRONG,
            headers=_key_in_headers,
            status=401,
        ),
        _rejected("missing-email-lead-map-id", lead_map_id_required, {"name": _NAME}),
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
        # Bodies without an email_lead_map_id field: read as missing fields or as a malformed body, each
        # reading is 400 or 422 (which one is SL-OPEN-EMPTY-BODY) — never a 401, the key is the account's.
        _rejected("no-body", lead_map_id_required, NO_BODY),
        _rejected("empty-object", lead_map_id_required, {}),
        _rejected("array-body", lead_map_id_required, [_VALID]),
    )


PROBES = _probes()
