"""Create Task: valid bodies are created as sent, and a body that is not JSON is a 400.

SmartLead has no read endpoint, so what a created task holds is judged on the create answer itself,
by the response checks of ``checks/smartlead.py`` that run on every create answer (these tests,
the probes and fuzzing): echo of email_lead_map_id, name and description, the priority kept or
defaulted to MEDIUM, the due_date instant. The tests here send the requests that exercise those
rules — the document's example, each priority, no priority, due dates in several ISO 8601 spellings
— and check the status the document gives a valid body.

Due dates lie in the future and are sent in whole seconds: whether past due dates are accepted, and
the precision kept, are undocumented (SL-OPEN-PAST-DUE-DATE, SL-OPEN-TIMESTAMP-SPELLING).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from taskconform.exchange import Exchange
from taskconform.findings import Verification
from taskconform.target import Target
from taskconform.vendors.smartlead.api import create_task, lead_map_ids

pytestmark = pytest.mark.vendor("smartlead")

PRIORITIES = ("LOW", "MEDIUM", "HIGH")
# The document's example, as sent in its cURL call (its due date is replaced by a future one).
EXAMPLE_NAME = "Follow up on enterprise proposal"
EXAMPLE_DESCRIPTION = "Send pricing breakdown for 50-seat plan"


def due_in(days: int) -> datetime:
    """A future instant in whole seconds."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def iso_z(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead_map_id(smartlead: Target, index: int = 0) -> Any:
    ids = lead_map_ids(smartlead)
    return ids[index % len(ids)]


def answer(exchange: Exchange) -> str:
    return f"{exchange.status} {exchange.response.text[:300]}"


def create_valid(
    smartlead: Target, verify: Verification, body: dict[str, Any], accepted_by: str | None = None
) -> Exchange:
    """Send a valid body: the document answers it 200 (``accepted_by``: a clause promising acceptance)."""
    exchange = create_task(smartlead, verify, body)
    verify.expect(
        "SL-CREATE-SUCCESS-STATUS", exchange.status == 200, "200 for a valid body", answer(exchange), exchange
    )
    if accepted_by is not None:
        verify.expect(accepted_by, exchange.succeeded, "accepted (2xx)", answer(exchange), exchange)
    return exchange


@pytest.mark.clause(
    "SL-CREATE-SUCCESS-STATUS",
    "SL-CREATE-RESPONSE-FIELDS",
    "SL-CREATE-ECHO",
    "SL-CREATE-PRIORITY-VALUES",
    "SL-CREATE-DUE-DATE-INSTANT",
)
def test_the_documented_example_is_created_as_sent(smartlead: Target, verify: Verification) -> None:
    body = {
        "email_lead_map_id": lead_map_id(smartlead),
        "name": EXAMPLE_NAME,
        "description": EXAMPLE_DESCRIPTION,
        "priority": "HIGH",
        "due_date": iso_z(due_in(14)),
    }
    create_valid(smartlead, verify, body)


@pytest.mark.clause(
    "SL-CREATE-SUCCESS-STATUS", "SL-CREATE-RESPONSE-FIELDS", "SL-CREATE-ECHO", "SL-CREATE-PRIORITY-DEFAULT"
)
def test_a_body_with_only_the_required_fields_is_created(smartlead: Target, verify: Verification) -> None:
    create_valid(
        smartlead,
        verify,
        {"email_lead_map_id": lead_map_id(smartlead, 1), "name": "taskconform: required only"},
    )


@pytest.mark.clause("SL-CREATE-SUCCESS-STATUS", "SL-CREATE-PRIORITY-VALUES")
@pytest.mark.parametrize("priority", PRIORITIES)
def test_each_documented_priority_is_kept(smartlead: Target, verify: Verification, priority: str) -> None:
    body = {
        "email_lead_map_id": lead_map_id(smartlead),
        "name": f"taskconform: priority {priority}",
        "description": "taskconform",
        "priority": priority,
        "due_date": iso_z(due_in(2)),
    }
    create_valid(smartlead, verify, body, accepted_by="SL-CREATE-PRIORITY-VALUES")


@pytest.mark.clause("SL-CREATE-SUCCESS-STATUS", "SL-CREATE-PRIORITY-DEFAULT")
def test_priority_defaults_to_medium(smartlead: Target, verify: Verification) -> None:
    body = {
        "email_lead_map_id": lead_map_id(smartlead),
        "name": "taskconform: no priority",
        "description": "taskconform",
        "due_date": iso_z(due_in(3)),
    }
    create_valid(smartlead, verify, body)


@pytest.mark.clause("SL-CREATE-SUCCESS-STATUS", "SL-CREATE-ECHO")
def test_text_in_any_script_is_kept(smartlead: Target, verify: Verification) -> None:
    body = {
        "email_lead_map_id": lead_map_id(smartlead, 2),
        "name": "Rückruf – Angebot für 東京 ✓",
        "description": "Ελληνικά, русский, עברית, 😀",
    }
    create_valid(smartlead, verify, body)


def spelled(instant: datetime, spelling: str) -> str:
    """``instant`` in one ISO 8601 spelling: Z, .000Z, or an offset such as +05:30."""
    if spelling in ("Z", ".000Z"):
        return iso_z(instant).removesuffix("Z") + spelling
    sign, hours, minutes = spelling[0], int(spelling[1:3]), int(spelling[4:6])
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    return (instant.astimezone(UTC) + offset).strftime("%Y-%m-%dT%H:%M:%S") + spelling


@pytest.mark.clause("SL-CREATE-DUE-DATE-INSTANT")
@pytest.mark.parametrize("spelling", ["Z", ".000Z", "+00:00", "+05:30", "-08:00"])
def test_due_date_keeps_its_instant_in_any_iso_spelling(
    smartlead: Target, verify: Verification, spelling: str
) -> None:
    due = due_in(5)
    text = spelled(due, spelling)
    body = {"email_lead_map_id": lead_map_id(smartlead), "name": f"taskconform: due {text}", "due_date": text}
    exchange = create_task(smartlead, verify, body)
    verify.expect(
        "SL-CREATE-DUE-DATE-INSTANT",
        exchange.succeeded,
        f"due_date {text} (ISO 8601) accepted (2xx)",
        answer(exchange),
        exchange,
    )


MALFORMED = {
    "truncated": b'{"email_lead_map_id": 2433664091, "name": "Follow up"',
    "trailing-comma": b'{"name": "Follow up",}',
    "single-quotes": b"{'name': 'Follow up'}",
    "form-encoded": b"name=Follow+up",
}


@pytest.mark.clause("SL-CREATE-ERR-MALFORMED-BODY")
@pytest.mark.parametrize("content", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_json_body_that_is_not_json_is_400(smartlead: Target, verify: Verification, content: bytes) -> None:
    exchange = create_task(
        smartlead, verify, None, content=content, headers={"Content-Type": "application/json"}
    )
    verify.expect(
        "SL-CREATE-ERR-MALFORMED-BODY",
        exchange.status == 400,
        "400 for a malformed request body",
        answer(exchange),
        exchange,
    )
