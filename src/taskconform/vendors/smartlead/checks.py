"""Response checks only SmartLead needs: a created task against the body that created it.

SmartLead has no read endpoint, so the answer to create-task is the only place a rule about the
created task can be seen. These checks run on every create answer — from the example tests, the
probes and fuzzing alike — and judge a field only where the document fixes its value:

- a value is compared only if it was sent with its documented type (a coerced value is
  SL-OPEN-COERCION), and text only if it is plain (SL-OPEN-TEXT-NORMALISATION);
- priority is compared only if it was one of the documented values, and defaulted only if the
  body had no priority field at all (null is SL-OPEN-NULL-VALUES);
- due_date is compared as an instant, and only if it was sent in whole seconds with an offset
  Python reads (SL-OPEN-TIMESTAMP-SPELLING, SL-OPEN-DUE-DATE-FORMS).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from typing import Any

from ...checks import ResponseContext, documented_status, response_check, response_fields
from ...contract import parse_instant
from ...exchange import Exchange
from ...findings import Verification
from .api import OPERATION

__all__ = [
    "PRIORITIES",
    "RESPONSE_CLAUSES",
    "is_plain_text",
    "sent_body",
    "sent_due_date",
    "task_due_date_is_sent_instant",
    "task_echoes_sent_fields",
    "task_keeps_sent_priority",
    "task_priority_defaults_to_medium",
]

PRIORITIES = ("LOW", "MEDIUM", "HIGH")
DEFAULT_PRIORITY = "MEDIUM"
_UNPLAIN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def sent_body(exchange: Exchange) -> dict[str, Any] | None:
    """The JSON object the request carried, or None (no body, not JSON, not an object)."""
    if exchange.request.body is None:
        return None
    try:
        body = json.loads(exchange.request.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def is_plain_text(value: Any) -> bool:
    """Text a server has no reason to touch: no surrounding whitespace, no control, format, surrogate,
    private-use or unassigned character, and already in Unicode NFC."""
    return (
        isinstance(value, str)
        and value == value.strip()
        and unicodedata.normalize("NFC", value) == value
        and not any(unicodedata.category(char) in _UNPLAIN_CATEGORIES for char in value)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _created(ctx: ResponseContext) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(body sent, task answered) for a success answer to a JSON object body."""
    if not ctx.exchange.succeeded:
        return None
    sent = sent_body(ctx.exchange)
    answer = ctx.exchange.json()
    task = answer.get("data") if isinstance(answer, dict) else None
    if sent is None:
        return None
    return sent, task if isinstance(task, dict) else {}


@response_check
def task_echoes_sent_fields(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """email_lead_map_id, name and description come back as sent."""
    created = _created(ctx)
    if created is None:
        return
    sent, task = created
    if _is_number(sent.get("email_lead_map_id")):
        value = sent["email_lead_map_id"]
        returned = task.get("email_lead_map_id", "(absent)")
        verify.expect(
            clause,
            _is_number(returned) and returned == value,
            f"email_lead_map_id {value!r} as sent",
            f"{returned!r}",
            ctx.exchange,
        )
    for field in ("name", "description"):
        if is_plain_text(sent.get(field)):
            verify.expect(
                clause,
                task.get(field) == sent[field],
                f"{field} {sent[field]!r} as sent",
                f"{task.get(field, '(absent)')!r}",
                ctx.exchange,
            )


@response_check
def task_keeps_sent_priority(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """A documented priority comes back as sent."""
    created = _created(ctx)
    if created is None or created[0].get("priority") not in PRIORITIES:
        return
    sent, task = created
    verify.expect(
        clause,
        task.get("priority") == sent["priority"],
        f"priority {sent['priority']} as sent",
        f"{task.get('priority', '(absent)')!r}",
        ctx.exchange,
    )


@response_check
def task_priority_defaults_to_medium(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """A body without a priority field gives a MEDIUM task."""
    created = _created(ctx)
    if created is None or "priority" in created[0]:
        return
    task = created[1]
    verify.expect(
        clause,
        task.get("priority") == DEFAULT_PRIORITY,
        f"priority {DEFAULT_PRIORITY} (the default; none was sent)",
        f"{task.get('priority', '(absent)')!r}",
        ctx.exchange,
    )


def sent_due_date(sent: dict[str, Any]) -> datetime | None:
    """The instant of the due_date sent, where the document fixes it: a date-time with an offset, in
    whole seconds (no offset, or a finer fraction, is SL-OPEN-DUE-DATE-FORMS / -TIMESTAMP-SPELLING)."""
    text = sent.get("due_date")
    if not isinstance(text, str) or parse_instant(text) is None:
        return None
    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo is not None and instant.microsecond == 0 else None


@response_check
def task_due_date_is_sent_instant(verify: Verification, clause: str, ctx: ResponseContext) -> None:
    """A due_date sent with an offset in whole seconds comes back as the same instant."""
    created = _created(ctx)
    if created is None:
        return
    sent, task = created
    due = sent_due_date(sent)
    if due is None:
        return
    returned = task.get("due_date")
    verify.expect(
        clause,
        parse_instant(returned) == due,
        f"due_date at the instant {due.isoformat()} (sent as {sent['due_date']!r})",
        f"{returned!r}",
        ctx.exchange,
    )


RESPONSE_CLAUSES = {
    OPERATION: {
        documented_status: "SL-CREATE-DOCUMENTED-STATUSES",
        response_fields: "SL-CREATE-RESPONSE-FIELDS",
        task_echoes_sent_fields: "SL-CREATE-ECHO",
        task_keeps_sent_priority: "SL-CREATE-PRIORITY-VALUES",
        task_priority_defaults_to_medium: "SL-CREATE-PRIORITY-DEFAULT",
        task_due_date_is_sent_instant: "SL-CREATE-DUE-DATE-INSTANT",
    },
}
