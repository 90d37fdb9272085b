"""Create Task: due_date in its two documented forms, and the created_date window.

Instants are compared, never strings: ``2026-05-20T15:00:00Z`` and ``2026-05-20T20:30:00+05:30`` are
the same moment. The suite sends whole seconds. Where "the last 5 years" begins is not documented
(LL-OPEN-CREATED-DATE-EDGES): 5 × 365 days, five calendar years (1,826 or 1,827 days) or 5 × 365.25
days all lie within 1,825 to 1,827 days, so the suite keeps two days outside that span; from the
24-hour edge it keeps half an hour, which no clock drift within the tolerance crosses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from taskconform.contract import parse_instant
from taskconform.findings import Verification
from taskconform.target import Target
from taskconform.vendors.leadlex.api import create_task, linked_record, same_date

pytestmark = pytest.mark.vendor("leadlex")

INDIA = timezone(timedelta(hours=5, minutes=30))
BRAZIL = timezone(timedelta(hours=-3))


def now_whole_seconds() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_zone(moment: datetime, zone: timezone, fraction: bool = False) -> str:
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + (".000" if fraction else "")
    return text + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]


def body_with(target: Target, purpose: str, **fields: Any) -> dict[str, Any]:
    return {
        "title": f"taskconform {purpose} {uuid.uuid4().hex[:8]}",
        "contact_id": linked_record(target, "contact_id"),
        **fields,
    }


# --- due_date ---------------------------------------------------------------------------------

DUE_FORMS: dict[str, Callable[[datetime], str]] = {
    "utc-z": z,
    "offset-plus-05-30": lambda due: in_zone(due, INDIA),
    "offset-minus-03-00-with-milliseconds": lambda due: in_zone(due, BRAZIL, fraction=True),
}


@pytest.mark.clause("LL-CREATE-DUE-DATE-FORMATS")
def test_a_due_date_as_yyyy_mm_dd_is_kept_as_that_date(target: Target, verify: Verification) -> None:
    due = (datetime.now(UTC) + timedelta(days=20)).date()
    exchange = create_task(target, verify, body_with(target, "due date only", due_date=due.isoformat()))
    returned = exchange.data().get("due_date")
    verify.expect(
        "LL-CREATE-DUE-DATE-FORMATS",
        exchange.succeeded and same_date(returned, due),
        f"a 2xx and due_date on {due.isoformat()} (sent as YYYY-MM-DD)",
        f"{exchange.status} {returned!r}",
        exchange,
    )


@pytest.mark.clause("LL-CREATE-DUE-DATE-FORMATS")
@pytest.mark.parametrize("form", sorted(DUE_FORMS))
def test_a_due_date_as_an_iso_8601_timestamp_keeps_its_instant(
    target: Target, verify: Verification, form: str
) -> None:
    due = now_whole_seconds() + timedelta(days=9, hours=3)
    text = DUE_FORMS[form](due)
    exchange = create_task(target, verify, body_with(target, f"due {form}", due_date=text))
    returned = exchange.data().get("due_date")
    verify.expect(
        "LL-CREATE-DUE-DATE-FORMATS",
        exchange.succeeded and parse_instant(returned) == due,
        f"a 2xx and due_date at {z(due)} (sent as {text})",
        f"{exchange.status} {returned!r}",
        exchange,
    )


# --- created_date -----------------------------------------------------------------------------

# The shortest and the longest reading of "the last 5 years", and the margin kept outside them.
FIVE_YEARS_AT_LEAST = timedelta(days=5 * 365)
FIVE_YEARS_AT_MOST = timedelta(days=5 * 365 + 2)
FIVE_YEARS_MARGIN = timedelta(days=2)
# The documented bound ahead, and the margin kept on either side of it.
FUTURE_BOUND = timedelta(hours=24)
FUTURE_MARGIN = timedelta(minutes=30)

# Inside the window: (offset from now, spelling).
HONOURED: dict[str, tuple[timedelta, Callable[[datetime], str]]] = {
    "a-day-ago": (timedelta(days=-1), z),
    "5-years-less-2-days-ago": (-(FIVE_YEARS_AT_LEAST - FIVE_YEARS_MARGIN), z),
    "23-hours-30-ahead": (FUTURE_BOUND - FUTURE_MARGIN, z),
    "an-hour-ago-at-plus-05-30": (timedelta(hours=-1), lambda moment: in_zone(moment, INDIA)),
    "a-week-ago-with-milliseconds": (timedelta(days=-7), lambda moment: in_zone(moment, UTC, fraction=True)),
}


@pytest.mark.clause("LL-CREATE-CREATED-DATE-HONOURED")
@pytest.mark.parametrize("case", sorted(HONOURED))
def test_a_created_date_inside_the_window_is_honoured(
    target: Target, verify: Verification, case: str
) -> None:
    offset, spell = HONOURED[case]
    sent = now_whole_seconds() + offset
    text = spell(sent)
    exchange = create_task(target, verify, body_with(target, f"created {case}", created_date=text))
    returned = exchange.data().get("created_date")
    verify.expect(
        "LL-CREATE-CREATED-DATE-HONOURED",
        exchange.succeeded and parse_instant(returned) == sent,
        f"a 2xx and created_date at {z(sent)} (sent as {text})",
        f"{exchange.status} {returned!r}",
        exchange,
    )


def _outside(case: str, now: datetime, tolerance: timedelta) -> str | None:
    """A created_date outside the window (None: no created_date at all)."""
    return {
        "omitted": None,
        "5-years-and-2-days-ago": z(now - (FIVE_YEARS_AT_MOST + FIVE_YEARS_MARGIN)),
        "24-hours-30-ahead": z(now + FUTURE_BOUND + FUTURE_MARGIN + tolerance),
        "in-2000": "2000-01-01T00:00:00Z",
        "in-2099": "2099-01-01T00:00:00Z",
    }[case]


@pytest.mark.clause("LL-CREATE-CREATED-DATE-NOW")
@pytest.mark.parametrize(
    "case", ["omitted", "5-years-and-2-days-ago", "24-hours-30-ahead", "in-2000", "in-2099"]
)
def test_a_created_date_outside_the_window_or_absent_is_the_time_of_creation(
    target: Target, verify: Verification, case: str
) -> None:
    tolerance = timedelta(seconds=target.settings.clock_tolerance_s)
    sent = _outside(case, now_whole_seconds(), tolerance)
    fields = {} if sent is None else {"created_date": sent}
    before = datetime.now(UTC)
    exchange = create_task(target, verify, body_with(target, f"created {case}", **fields))
    after = datetime.now(UTC)
    returned = exchange.data().get("created_date")
    created = parse_instant(returned)
    verify.expect(
        "LL-CREATE-CREATED-DATE-NOW",
        exchange.succeeded and created is not None and before - tolerance <= created <= after + tolerance,
        f"a 2xx and created_date now, {z(before)} ± {tolerance.total_seconds():g}s (sent: {sent or 'none'})",
        f"{exchange.status} {returned!r}",
        exchange,
    )
