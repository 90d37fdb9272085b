"""Every named fault and variation really changes what the sandbox does, as its catalogue entry says.

Each case below is a short scenario over real HTTP that returns what a client would observe, with two
expected results: the faithful sandbox's, and the one built with the fault (or variation). So each
test shows both that the deviation is visible from outside and that the faithful sandbox does not
show it. The catalogues themselves (``contracts/faults.yaml``, ``contracts/variations.yaml``) are
checked against the clause catalogue at the end. Expected messages are copied from the vendor pages.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import yaml

from taskconform.catalogue import load_catalogue
from taskconform.resources import contract_path
from taskconform.sandbox import SandboxOptions
from taskconform.sandbox.faults import ALL_VENDORS, load_faults, load_variations
from taskconform.sandbox.middleware import MIDDLEWARE_VARIATIONS
from taskconform.sandbox.registry import VENDORS

from .sandbox_harness import Build, CaseRegistry, Scenario, outcome, sandbox_fixtures
from .test_sandbox_superfone import (
    BODY_EMPTY,
    BODY_NOT_JSON,
    DUE,
    DUE_DATE_REQUIRED,
    DUE_TEXT,
    KEY_A,
    KEY_B,
    LEAD_ID_NOT_NUMBER,
    LEAD_NOT_FOUND,
    NO_OPEN_TASK,
    NOTIFY_AT_OUTSIDE_WINDOW,
    NOW,
    NOW_TEXT,
    PAGE_NOT_POSITIVE,
    PAGE_SIZE_NOT_POSITIVE,
    PAGE_SIZE_TOO_LARGE,
    TYPE_REQUIRED,
    UNAUTHORIZED,
    Sandbox,
)

TEN_BEFORE_DUE = "2026-05-20T14:50:00.000Z"
MISSING_LEAD = 999_999_999

NOT_AVAILABLE = 'type "{}" is not available for creation.'
ALLOWED = " Allowed: FOLLOW_UP_CALL, FIRST_CALL, CALLBACK_REQUEST, SITE_VISIT, REMINDER, BOOKING"
SUCCESS = (200, "success")

# One server per module, a fresh app per scenario; the client helper is test_sandbox_superfone.py's.
slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


# --- What a client observes, in short ---------------------------------------------------------


def statuses(sandbox: Sandbox, lead: object) -> list[tuple[str, str]]:
    """``(type, task_status)`` of the lead's rows, as listed (newest first)."""
    return [(row["type"], row["task_status"]) for row in sandbox.rows(lead)]


def page(ids: list[int], current: int, size: int, pages: int, items: int) -> dict[str, object]:
    return {
        "ids": ids,
        "current_page": current,
        "page_size": size,
        "total_pages": pages,
        "total_items": items,
    }


def listing(sandbox: Sandbox, lead: object, params: dict[str, str] | None = None) -> object:
    """The list answer as ``page(...)``, or ``(status, message)`` when it is not a 200."""
    response = sandbox.list(lead, params)
    if response.status_code != 200:
        return outcome(response)
    data = response.json()["data"]
    return page(
        [row["id"] for row in data["rows"]],
        data["current_page"],
        data["page_size"],
        data["total_pages"],
        data["total_items"],
    )


def three_reminders(sandbox: Sandbox, lead: object = 1002) -> None:
    """Tasks 5000, 5001, 5002 on ``lead``; reminders close nothing."""
    for _ in range(3):
        sandbox.task(lead, "REMINDER")


SEEDED_1001 = page([4002, 4001], 1, 20, 1, 2)  # lead 1001's seeded history, listed with the defaults


# --- Registry of cases ------------------------------------------------------------------------

CASES = CaseRegistry()
fault, variation = CASES.fault, CASES.variation
FAULT_CASES, VARIATION_CASES = CASES.faults, CASES.variations


# --- Faults: Create Task, auto-close ----------------------------------------------------------


@fault(
    "autoclose-missing",
    faithful=[("BOOKING", "PENDING"), ("FOLLOW_UP_CALL", "COMPLETE")],
    deviant=[("BOOKING", "PENDING"), ("FOLLOW_UP_CALL", "PENDING")],
)
def follow_up_then_booking(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "BOOKING")
    return statuses(sandbox, 1002)


@fault(
    "autoclose-other-leads",
    faithful=([("FOLLOW_UP_CALL", "PENDING")], [("FOLLOW_UP_CALL", "PENDING")]),
    deviant=([("FOLLOW_UP_CALL", "COMPLETE")], [("FOLLOW_UP_CALL", "PENDING")]),
)
def create_on_a_sibling_lead(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1003, "BOOKING")
    return statuses(sandbox, 1002), [(r["type"], r["task_status"]) for r in sandbox.rows(2001, key=KEY_B)]


@fault(
    "autoclose-same-type-only",
    faithful=[("BOOKING", "PENDING"), ("FOLLOW_UP_CALL", "COMPLETE"), ("FOLLOW_UP_CALL", "COMPLETE")],
    deviant=[("BOOKING", "PENDING"), ("FOLLOW_UP_CALL", "PENDING"), ("FOLLOW_UP_CALL", "COMPLETE")],
)
def two_follow_ups_then_booking(sandbox: Sandbox) -> object:
    for task_type in ["FOLLOW_UP_CALL", "FOLLOW_UP_CALL", "BOOKING"]:
        sandbox.task(1002, task_type)
    return statuses(sandbox, 1002)


def open_non_reminders(sandbox: Sandbox, lead: object) -> int:
    return sum(1 for kind, status in statuses(sandbox, lead) if kind != "REMINDER" and status == "PENDING")


@fault("autoclose-race", faithful=(1, False), deviant=(1, True))
def sequential_then_concurrent_creates(sandbox: Sandbox) -> object:
    """(open non-reminders after 3 sequential creates, several open after 8 concurrent ones?)"""
    for task_type in ["FOLLOW_UP_CALL", "BOOKING", "SITE_VISIT"]:
        sandbox.task(1003, task_type)
    threads = 8
    barrier = threading.Barrier(threads)

    def create(_: int) -> int:
        barrier.wait()
        return sandbox.create(1004, {"type": "CALLBACK_REQUEST", "due_date": DUE}).status_code

    with ThreadPoolExecutor(threads) as pool:
        assert list(pool.map(create, range(threads))) == [200] * threads
    return open_non_reminders(sandbox, 1003), open_non_reminders(sandbox, 1004) > 1


@fault(
    "autoclose-closes-reminders",
    faithful=[("FOLLOW_UP_CALL", "PENDING"), ("REMINDER", "PENDING")],
    deviant=[("FOLLOW_UP_CALL", "PENDING"), ("REMINDER", "COMPLETE")],
)
def reminder_then_follow_up(sandbox: Sandbox) -> object:
    sandbox.task(1002, "REMINDER")
    sandbox.task(1002, "FOLLOW_UP_CALL")
    return statuses(sandbox, 1002)


@fault(
    "reminder-create-autocloses",
    faithful=[("REMINDER", "PENDING"), ("FOLLOW_UP_CALL", "PENDING")],
    deviant=[("REMINDER", "PENDING"), ("FOLLOW_UP_CALL", "COMPLETE")],
)
def follow_up_then_reminder(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "REMINDER")
    return statuses(sandbox, 1002)


# --- Faults: Complete Task --------------------------------------------------------------------


@fault(
    "complete-oldest",
    faithful=("FOLLOW_UP_CALL", [("FOLLOW_UP_CALL", "COMPLETE"), ("REMINDER", "PENDING")]),
    deviant=("REMINDER", [("FOLLOW_UP_CALL", "PENDING"), ("REMINDER", "COMPLETE")]),
)
def complete_after_reminder_and_follow_up(sandbox: Sandbox) -> object:
    sandbox.task(1002, "REMINDER")
    sandbox.task(1002, "FOLLOW_UP_CALL")
    return sandbox.complete(1002).json()["data"]["type"], statuses(sandbox, 1002)


@fault(
    "complete-skips-reminders",
    faithful=["REMINDER", "FOLLOW_UP_CALL"],
    deviant=["FOLLOW_UP_CALL", "REMINDER"],  # the reminder only once no non-reminder is open
)
def complete_twice_after_follow_up_and_reminder(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "REMINDER")
    return [sandbox.complete(1002).json()["data"]["type"] for _ in range(2)]


@fault(
    "complete-not-persisted",
    faithful=("COMPLETE", [("FOLLOW_UP_CALL", "COMPLETE")], NO_OPEN_TASK),
    deviant=("COMPLETE", [("FOLLOW_UP_CALL", "PENDING")], "success"),
)
def complete_one_task_twice(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    answered = sandbox.complete(1002).json()["data"]["task_status"]
    listed = statuses(sandbox, 1002)
    return answered, listed, outcome(sandbox.complete(1002))[1]


@fault(
    "complete-closes-all",
    faithful=("FOLLOW_UP_CALL", [("FOLLOW_UP_CALL", "COMPLETE"), ("REMINDER", "PENDING")]),
    deviant=("FOLLOW_UP_CALL", [("FOLLOW_UP_CALL", "COMPLETE"), ("REMINDER", "COMPLETE")]),
)
def complete_with_two_open(sandbox: Sandbox) -> object:
    return complete_after_reminder_and_follow_up(sandbox)


@fault(
    "complete-returns-pending",
    faithful=("COMPLETE", [("FOLLOW_UP_CALL", "COMPLETE")]),
    deviant=("PENDING", [("FOLLOW_UP_CALL", "COMPLETE")]),
)
def complete_one_task(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    return sandbox.complete(1002).json()["data"]["task_status"], statuses(sandbox, 1002)


@fault(
    "complete-no-open-200",
    faithful=(400, {"message": NO_OPEN_TASK}),
    deviant=(200, {"data": None, "message": "success"}),
)
def complete_without_open_task(sandbox: Sandbox) -> object:
    response = sandbox.complete(1003)
    return response.status_code, response.json()


@fault(
    "complete-requires-body",
    faithful=[(400, NO_OPEN_TASK), SUCCESS, SUCCESS],
    deviant=[(400, NO_OPEN_TASK), (400, BODY_EMPTY), SUCCESS],
)
def complete_with_and_without_body(sandbox: Sandbox) -> object:
    """[no body, nothing open], [no body, two open], [a body, then]."""
    nothing_open = outcome(sandbox.complete(1003))
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "REMINDER")
    return [nothing_open, outcome(sandbox.complete(1002)), outcome(sandbox.complete(1002, content=b"{}"))]


# --- Faults: List Tasks, content and order ----------------------------------------------------


@fault("list-oldest-first", faithful=[5001, 5000], deviant=[5000, 5001])
def list_two_tasks(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "REMINDER")
    return [row["id"] for row in sandbox.rows(1002)]


@fault("list-hides-completed", faithful=page([5001, 5000], 1, 20, 1, 2), deviant=page([5001], 1, 20, 1, 1))
def list_after_auto_close(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1002, "BOOKING")
    return listing(sandbox, 1002)


@fault("list-shows-other-leads", faithful=[1002], deviant=[1003, 1002, 1001, 1001])
def list_with_tasks_on_other_leads(sandbox: Sandbox) -> object:
    sandbox.task(1002, "FOLLOW_UP_CALL")
    sandbox.task(1003, "FOLLOW_UP_CALL")
    assert sandbox.create(2001, {"type": "FOLLOW_UP_CALL", "due_date": DUE}, key=KEY_B).status_code == 200
    return [row["customer_id"] for row in sandbox.rows(1002)]


@fault("list-row-id-string", faithful=("int", "int"), deviant=("str", "int"))
def id_types(sandbox: Sandbox) -> object:
    created = sandbox.task(1002)
    return type(sandbox.rows(1002)[0]["id"]).__name__, type(created["id"]).__name__


# --- Faults: List Tasks, pagination -----------------------------------------------------------


@fault(
    "list-page-zero-based",
    faithful=[page([5002], 1, 1, 3, 3), page([5002], 1, 1, 3, 3), (400, PAGE_NOT_POSITIVE)],
    deviant=[page([5002], 0, 1, 3, 3), page([5001], 1, 1, 3, 3), page([5002], 0, 1, 3, 3)],
)
def first_pages_of_one(sandbox: Sandbox) -> object:
    three_reminders(sandbox)
    return [
        listing(sandbox, 1002, {"page_size": "1"}),
        listing(sandbox, 1002, {"page": "1", "page_size": "1"}),
        listing(sandbox, 1002, {"page": "0", "page_size": "1"}),
    ]


@fault("list-default-page-size-10", faithful=(12, 20, 1), deviant=(10, 10, 2))
def default_page_of_twelve(sandbox: Sandbox) -> object:
    for _ in range(12):
        sandbox.task(1002, "REMINDER")
    data = sandbox.list(1002).json()["data"]
    return len(data["rows"]), data["page_size"], data["total_pages"]


@fault("list-page-size-21-accepted", faithful=(400, PAGE_SIZE_TOO_LARGE), deviant=SEEDED_1001)
def page_size_21(sandbox: Sandbox) -> object:
    return listing(sandbox, 1001, {"page_size": "21"})


@fault(
    "list-max-page-size-19",
    faithful=[SEEDED_1001, SEEDED_1001, page([4002, 4001], 1, 19, 1, 2)],
    deviant=[(400, PAGE_SIZE_TOO_LARGE), SEEDED_1001, page([4002, 4001], 1, 19, 1, 2)],
)
def page_size_20_default_and_19(sandbox: Sandbox) -> object:
    return [
        listing(sandbox, 1001, {"page_size": "20"}),
        listing(sandbox, 1001),
        listing(sandbox, 1001, {"page_size": "19"}),
    ]


@fault(
    "list-page-size-zero-accepted",
    faithful=[(400, PAGE_SIZE_NOT_POSITIVE)] * 3,
    deviant=[SEEDED_1001, SEEDED_1001, (400, PAGE_SIZE_NOT_POSITIVE)],
)
def page_size_zero_negative_and_abc(sandbox: Sandbox) -> object:
    return [listing(sandbox, 1001, {"page_size": size}) for size in ["0", "-3", "abc"]]


def pages_of_two(sandbox: Sandbox) -> object:
    three_reminders(sandbox)
    return [listing(sandbox, 1002, {"page": str(number), "page_size": "2"}) for number in (1, 2)]


PAGES_OF_TWO = [page([5002, 5001], 1, 2, 2, 3), page([5000], 2, 2, 2, 3)]

fault(
    "list-total-pages-floor",
    faithful=PAGES_OF_TWO,
    deviant=[page([5002, 5001], 1, 2, 1, 3), page([5000], 2, 2, 1, 3)],
)(pages_of_two)
fault(
    "list-total-items-on-page",
    faithful=PAGES_OF_TWO,
    deviant=[page([5002, 5001], 1, 2, 2, 2), page([5000], 2, 2, 2, 1)],
)(pages_of_two)
fault(
    "list-page-overlap",
    faithful=PAGES_OF_TWO,
    deviant=[page([5002, 5001], 1, 2, 2, 3), page([5001, 5000], 2, 2, 2, 3)],
)(pages_of_two)
fault(
    "list-current-page-zero-based",
    faithful=PAGES_OF_TWO,
    deviant=[page([5002, 5001], 0, 2, 2, 3), page([5000], 1, 2, 2, 3)],
)(pages_of_two)


def pages_past_the_last(sandbox: Sandbox) -> object:
    """[page 2 of a one-page lead, its page 1, page 1 of a lead without tasks]"""
    return [
        listing(sandbox, 1001, {"page": "2"}),
        listing(sandbox, 1001, {"page": "1"}),
        listing(sandbox, 1003, {"page": "1"}),
    ]


PAGES_PAST_THE_LAST = [page([], 2, 20, 1, 2), SEEDED_1001, page([], 1, 20, 0, 0)]
fault(
    "list-page-beyond-last-500",
    faithful=PAGES_PAST_THE_LAST,
    deviant=[(500, "Internal Server Error"), *PAGES_PAST_THE_LAST[1:]],
)(pages_past_the_last)


# --- Faults: Create Task, the created task ----------------------------------------------------


@fault("create-status-201", faithful=(SUCCESS, 1), deviant=((201, "success"), 1))
def create_status(sandbox: Sandbox) -> object:
    response = sandbox.create(1002, {"type": "FOLLOW_UP_CALL", "due_date": DUE})
    return outcome(response), len(sandbox.rows(1002))


def created_and_listed(field: str, task_type: str = "FOLLOW_UP_CALL") -> Scenario:
    """(the field in the create response, the field as listed afterwards)"""

    def scenario(sandbox: Sandbox) -> object:
        created = sandbox.task(1002, task_type)
        return created.get(field, "<absent>"), sandbox.rows(1002)[0].get(field, "<absent>")

    return scenario


fault("create-task-status-open", faithful=("PENDING", "PENDING"), deviant=("OPEN", "PENDING"))(
    created_and_listed("task_status")
)
fault("create-type-not-echoed", faithful=("BOOKING", "BOOKING"), deviant=("FOLLOW_UP_CALL", "BOOKING"))(
    created_and_listed("type", "BOOKING")
)
fault("create-customer-id-org", faithful=(1002, 1002), deviant=(42, 1002))(created_and_listed("customer_id"))
fault("assignee-lost", faithful=(679, 679), deviant=(None, None))(created_and_listed("assignee_user_id"))
fault(
    "create-response-missing-created-at",
    faithful=(NOW_TEXT, NOW_TEXT),
    deviant=("<absent>", NOW_TEXT),
)(created_and_listed("created_at"))


@fault(
    "create-rejects-site-visit",
    faithful=[SUCCESS, (400, NOT_AVAILABLE.format("CALL") + ALLOWED)],
    deviant=[
        (400, NOT_AVAILABLE.format("SITE_VISIT") + ALLOWED.replace(" SITE_VISIT,", "")),
        (400, NOT_AVAILABLE.format("CALL") + ALLOWED.replace(" SITE_VISIT,", "")),
    ],
)
def create_site_visit_and_unknown_type(sandbox: Sandbox) -> object:
    return [outcome(sandbox.create(1002, {"type": kind, "due_date": DUE})) for kind in ["SITE_VISIT", "CALL"]]


@fault(
    "create-type-any-case",
    faithful=[(400, NOT_AVAILABLE.format(kind) + ALLOWED) for kind in ("follow_up_call", "Reminder")],
    deviant=[(200, "FOLLOW_UP_CALL"), (200, "REMINDER")],
)
def types_in_another_case(sandbox: Sandbox) -> object:
    answers = [
        sandbox.create(1002, {"type": kind, "due_date": DUE}) for kind in ("follow_up_call", "Reminder")
    ]
    return [
        (a.status_code, a.json()["data"]["type"]) if a.status_code == 200 else outcome(a) for a in answers
    ]


@fault("due-date-long-fraction-500", faithful=[200, 200], deviant=[200, 500])
def due_dates_with_six_and_seven_fraction_digits(sandbox: Sandbox) -> object:
    due_dates = ["2030-05-20T15:00:00.123456Z", "2030-05-20T15:00:00.1234567Z"]
    return [sandbox.create(1002, {"type": "REMINDER", "due_date": due}).status_code for due in due_dates]


@fault("create-assignee-from-body", faithful=679, deviant=5)
def an_assignee_in_the_body(sandbox: Sandbox) -> object:
    response = sandbox.create(1002, {"type": "REMINDER", "due_date": DUE, "assignee_user_id": 5})
    return response.json()["data"]["assignee_user_id"]


@fault("create-customer-id-from-body", faithful=(1002, 1, 0), deviant=(1003, 0, 1))
def a_customer_id_in_the_body(sandbox: Sandbox) -> object:
    response = sandbox.create(1002, {"type": "REMINDER", "due_date": DUE, "customer_id": 1003})
    return response.json()["data"]["customer_id"], len(sandbox.rows(1002)), len(sandbox.rows(1003))


@fault(
    "due-date-timezone-shift",
    faithful=[DUE_TEXT, DUE_TEXT, DUE_TEXT],
    deviant=["2026-05-20T20:30:00.000Z", DUE_TEXT, DUE_TEXT],
)
def due_dates_with_offsets(sandbox: Sandbox) -> object:
    spellings = ["2026-05-20T20:30:00+05:30", "2026-05-20T15:00:00Z", "2026-05-20T15:00:00+00:00"]
    return [sandbox.task(1002, "REMINDER", due_date=due)["due_date"] for due in spellings]


# --- Faults: Create Task, notify_at -----------------------------------------------------------


def default_notify_at(*task_types: str) -> Scenario:
    def scenario(sandbox: Sandbox) -> object:
        return [sandbox.task(1002, task_type)["notify_at"] for task_type in task_types]

    return scenario


fault("notify-default-reminder-early", faithful=[DUE_TEXT], deviant=[TEN_BEFORE_DUE])(
    default_notify_at("REMINDER")
)
first_call_notify_at = default_notify_at("FIRST_CALL")
fault("notify-default-first-call-at-due", faithful=[NOW_TEXT], deviant=[DUE_TEXT])(first_call_notify_at)
fault(
    "notify-default-other-5-minutes",
    faithful=[TEN_BEFORE_DUE] * 4,
    deviant=["2026-05-20T14:55:00.000Z"] * 4,
)(default_notify_at("FOLLOW_UP_CALL", "CALLBACK_REQUEST", "SITE_VISIT", "BOOKING"))


@fault(
    "notify-explicit-ignored",
    faithful=("2026-05-20T12:00:00.000Z", "2026-05-20T12:00:00.000Z"),
    deviant=(TEN_BEFORE_DUE, TEN_BEFORE_DUE),
)
def explicit_notify_at(sandbox: Sandbox) -> object:
    created = sandbox.task(1002, notify_at="2026-05-20T12:00:00Z")
    return created["notify_at"], sandbox.rows(1002)[0]["notify_at"]


def notify_window(sandbox: Sandbox) -> object:
    """[in the past, inside, equal to due_date, after due_date]"""
    notify_ats = ["2026-05-19T08:00:00Z", "2026-05-20T12:00:00Z", DUE, "2026-05-20T16:00:00Z"]
    body = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    return [outcome(sandbox.create(1002, {**body, "notify_at": notify_at})) for notify_at in notify_ats]


OUTSIDE = (400, NOTIFY_AT_OUTSIDE_WINDOW)
WINDOW = [OUTSIDE, SUCCESS, SUCCESS, OUTSIDE]
fault("notify-window-past-accepted", faithful=WINDOW, deviant=[SUCCESS, SUCCESS, SUCCESS, OUTSIDE])(
    notify_window
)
fault("notify-window-after-due-accepted", faithful=WINDOW, deviant=[OUTSIDE, SUCCESS, SUCCESS, SUCCESS])(
    notify_window
)
fault("notify-window-due-exclusive", faithful=WINDOW, deviant=[OUTSIDE, SUCCESS, OUTSIDE, OUTSIDE])(
    notify_window
)


# --- Faults: documented errors ----------------------------------------------------------------


def non_numeric_lead_id(sandbox: Sandbox) -> object:
    """[create, list, complete] on lead "abc"."""
    body = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    return [
        outcome(sandbox.create("abc", body)),
        outcome(sandbox.list("abc")),
        outcome(sandbox.complete("abc")),
    ]


NOT_A_NUMBER = (400, LEAD_ID_NOT_NUMBER)
fault(
    "create-lead-id-message",
    faithful=[NOT_A_NUMBER] * 3,
    deviant=[(404, LEAD_NOT_FOUND), NOT_A_NUMBER, NOT_A_NUMBER],
)(non_numeric_lead_id)
fault(
    "list-lead-id-message",
    faithful=[NOT_A_NUMBER] * 3,
    deviant=[NOT_A_NUMBER, (404, LEAD_NOT_FOUND), NOT_A_NUMBER],
)(non_numeric_lead_id)
fault(
    "complete-lead-id-message",
    faithful=[NOT_A_NUMBER] * 3,
    deviant=[NOT_A_NUMBER, NOT_A_NUMBER, (400, "lead_id must be numeric")],
)(non_numeric_lead_id)


@fault(
    "create-empty-body-message",
    faithful=[(400, BODY_EMPTY)] * 3 + [(400, TYPE_REQUIRED)],
    deviant=[(400, TYPE_REQUIRED)] * 4,
)
def empty_bodies_and_missing_type(sandbox: Sandbox) -> object:
    empty = [outcome(sandbox.create(1002, content=content)) for content in [None, b"", b"{}"]]
    return [*empty, outcome(sandbox.create(1002, {"due_date": DUE}))]


@fault("create-type-required-message", faithful=(400, TYPE_REQUIRED), deviant=(400, "type must be provided"))
def missing_type(sandbox: Sandbox) -> object:
    return outcome(sandbox.create(1002, {"due_date": DUE}))


@fault(
    "create-unknown-type-no-list",
    faithful=(400, NOT_AVAILABLE.format("CALL") + ALLOWED),
    deviant=(400, NOT_AVAILABLE.format("CALL")),
)
def unknown_type(sandbox: Sandbox) -> object:
    return outcome(sandbox.create(1002, {"type": "CALL", "due_date": DUE}))


@fault(
    "create-due-date-defaulted",
    faithful=((400, DUE_DATE_REQUIRED), None),
    deviant=(SUCCESS, "2026-05-20T08:30:00.000Z"),
)
def missing_due_date(sandbox: Sandbox) -> object:
    response = sandbox.create(1002, {"type": "FOLLOW_UP_CALL"})
    return outcome(response), (response.json().get("data") or {}).get("due_date")


@fault(
    "create-wrong-key-writes",
    faithful=([(401, UNAUTHORIZED)] * 2, 0),
    deviant=([(401, UNAUTHORIZED)] * 2, 1),
)
def create_with_wrong_and_missing_key(sandbox: Sandbox) -> object:
    body = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    answers = [outcome(sandbox.create(1002, body, key=key)) for key in ["wrong-key", None]]
    return answers, len(sandbox.rows(1002))


@fault(
    "create-missing-key-403",
    faithful=[(401, UNAUTHORIZED)] * 3,
    deviant=[(403, UNAUTHORIZED), (401, UNAUTHORIZED), (401, UNAUTHORIZED)],
)
def create_with_missing_and_wrong_key(sandbox: Sandbox) -> object:
    body = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    return [
        outcome(sandbox.create(1002, body, key=None)),
        outcome(sandbox.create(1002, body, key="wrong-key")),
        outcome(sandbox.list(1002, key=None)),
    ]


@fault(
    "list-wrong-key-accepted",
    faithful=[(401, UNAUTHORIZED)] * 3,
    deviant=[SEEDED_1001, (401, UNAUTHORIZED), (404, LEAD_NOT_FOUND)],
)
def list_with_wrong_and_missing_key(sandbox: Sandbox) -> object:
    return [
        outcome(response) if response.status_code != 200 else listing(sandbox, 1001)
        for response in [
            sandbox.list(1001, key="wrong-key"),
            sandbox.list(1001, key=None),
            sandbox.list(2001, key="wrong-key"),
        ]
    ]


@fault(
    "complete-auth-message",
    faithful=[(401, UNAUTHORIZED)] * 3,
    deviant=[(401, "Unauthorized"), (401, "Unauthorized"), (401, UNAUTHORIZED)],
)
def complete_and_list_without_valid_key(sandbox: Sandbox) -> object:
    return [
        outcome(sandbox.complete(1001, key=None)),
        outcome(sandbox.complete(1001, key="wrong-key")),
        outcome(sandbox.list(1001, key=None)),
    ]


@fault(
    "list-foreign-lead-visible",
    faithful=[(404, LEAD_NOT_FOUND), (404, LEAD_NOT_FOUND)],
    deviant=[page([4003], 1, 20, 1, 1), (404, LEAD_NOT_FOUND)],
)
def list_and_complete_a_foreign_lead(sandbox: Sandbox) -> object:
    return [listing(sandbox, 2001), outcome(sandbox.complete(2001))]


@fault(
    "list-unknown-lead-empty",
    faithful=[(404, LEAD_NOT_FOUND), (404, LEAD_NOT_FOUND)],
    deviant=[page([], 1, 20, 0, 0), (404, LEAD_NOT_FOUND)],
)
def list_an_unknown_and_a_foreign_lead(sandbox: Sandbox) -> object:
    return [listing(sandbox, MISSING_LEAD), listing(sandbox, 2001)]


@fault("create-foreign-lead-writes", faithful=((404, LEAD_NOT_FOUND), 1), deviant=(SUCCESS, 2))
def create_on_a_foreign_lead(sandbox: Sandbox) -> object:
    answer = outcome(sandbox.create(2001, {"type": "REMINDER", "due_date": DUE}))
    return answer, len(sandbox.rows(2001, key=KEY_B))


@fault(
    "complete-unknown-lead-no-open",
    faithful=[(404, LEAD_NOT_FOUND)] * 2,
    deviant=[(400, NO_OPEN_TASK), (404, LEAD_NOT_FOUND)],
)
def complete_unknown_and_foreign_lead(sandbox: Sandbox) -> object:
    return [outcome(sandbox.complete(MISSING_LEAD)), outcome(sandbox.complete(2001))]


@fault(
    "not-found-echoes-key",
    faithful=[{"message": LEAD_NOT_FOUND}] * 3,
    deviant=[
        {"message": f"Lead not found for key {KEY_A}"},
        {"message": LEAD_NOT_FOUND},
        {"message": LEAD_NOT_FOUND},
    ],
)
def not_found_bodies(sandbox: Sandbox) -> object:
    """[list, create, complete] on a lead that does not exist."""
    body = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    responses = [
        sandbox.list(MISSING_LEAD),
        sandbox.create(MISSING_LEAD, body),
        sandbox.complete(MISSING_LEAD),
    ]
    assert [response.status_code for response in responses] == [404] * 3
    return [response.json() for response in responses]


@fault("success-header-echoes-key", faithful=[None, None], deviant=[KEY_A, None])
def debug_key_headers(sandbox: Sandbox) -> object:
    """The X-Debug-Key header of [a success, a 404]."""
    return [
        sandbox.list(1001).headers.get("x-debug-key"),
        sandbox.list(MISSING_LEAD).headers.get("x-debug-key"),
    ]


# --- Faults: literals only the examples show --------------------------------------------------


def life_of_a_task(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The bodies of [create, list, complete] on lead 1002: a FOLLOW_UP_CALL, a BOOKING that closes
    it, then complete (which closes the BOOKING)."""
    created = sandbox.create(1002, {"type": "FOLLOW_UP_CALL", "due_date": DUE})
    sandbox.task(1002, "BOOKING")
    responses = [created, sandbox.list(1002), sandbox.complete(1002)]
    assert [response.status_code for response in responses] == [200] * 3
    return [response.json() for response in responses]


def envelope_messages(sandbox: Sandbox) -> object:
    return [body["message"] for body in life_of_a_task(sandbox)]


def status_words(sandbox: Sandbox) -> object:
    """[created status, (task_status, status) of each listed row, closed status]"""
    created, listed, completed = life_of_a_task(sandbox)
    rows = [(row["task_status"], row["status"]) for row in listed["data"]["rows"]]
    return [created["data"]["status"], rows, completed["data"]["status"]]


def example_only_fields(sandbox: Sandbox) -> object:
    """[created task has org_id, types of the rows' created_by, closed task has updated_at]"""
    created, listed, completed = life_of_a_task(sandbox)
    kinds = sorted({type(row["created_by"]).__name__ for row in listed["data"]["rows"]})
    return ["org_id" in created["data"], kinds, "updated_at" in completed["data"]]


SUCCESSES = ["success"] * 3
fault("create-message-ok", faithful=SUCCESSES, deviant=["ok", "success", "success"])(envelope_messages)
fault("list-message-ok", faithful=SUCCESSES, deviant=["success", "ok", "success"])(envelope_messages)
fault("complete-message-ok", faithful=SUCCESSES, deviant=["success", "success", "ok"])(envelope_messages)
LISTED = [("PENDING", "ACTIVE"), ("COMPLETE", "COMPLETE")]
STATUSES = ["ACTIVE", LISTED, "COMPLETE"]
fault("create-status-pending", faithful=STATUSES, deviant=["PENDING", LISTED, "COMPLETE"])(status_words)
fault(
    "list-status-always-active",
    faithful=STATUSES,
    deviant=["ACTIVE", [("PENDING", "ACTIVE"), ("COMPLETE", "ACTIVE")], "COMPLETE"],
)(status_words)
fault("complete-status-active", faithful=STATUSES, deviant=["ACTIVE", LISTED, "ACTIVE"])(status_words)
FIELDS = [True, ["int"], True]
fault("create-without-org-id", faithful=FIELDS, deviant=[False, ["int"], True])(example_only_fields)
fault("list-created-by-string", faithful=FIELDS, deviant=[True, ["str"], True])(example_only_fields)
fault("complete-without-updated-at", faithful=FIELDS, deviant=[True, ["int"], False])(example_only_fields)


def malformed_json(sandbox: Sandbox) -> object:
    """(status, media type, shows a traceback?, JSON message)"""
    response = sandbox.create(1002, content=b'{"type": "FOLLOW_UP_CALL",')
    media_type = response.headers["content-type"].split(";")[0]
    message = response.json()["message"] if media_type == "application/json" else None
    return response.status_code, media_type, "Traceback (most recent call last)" in response.text, message


MALFORMED_JSON = (400, "application/json", False, BODY_NOT_JSON)
fault("malformed-json-500", faithful=MALFORMED_JSON, deviant=(500, "text/plain", True, None))(malformed_json)


# --- Variations -------------------------------------------------------------------------------


@variation("ids-large-random", faithful=(False, True, True, True), varied=(True, True, False, True))
def ten_ids(sandbox: Sandbox) -> object:
    """(all in 10**12..10**15, distinct, increasing, listed newest first?) for 10 new ids (1 in 10!
    that random ones come out increasing)."""
    ids = [sandbox.task(1002, "REMINDER")["id"] for _ in range(10)]
    listed = [row["id"] for row in sandbox.rows(1002)]
    large = all(isinstance(i, int) and 10**12 <= i < 10**15 for i in ids)
    return large, len(set(ids)) == len(ids), ids == sorted(ids), listed == ids[::-1]


def timestamps(sandbox: Sandbox) -> object:
    """(due_date, created_at, updated_at of a task closed 123 ms later)"""
    created = sandbox.task(1002)
    sandbox.clock.current += timedelta(milliseconds=123)
    closed = sandbox.complete(1002).json()["data"]
    return created["due_date"], created["created_at"], closed["updated_at"]


TIMESTAMPS = (DUE_TEXT, NOW_TEXT, "2026-05-19T08:30:00.123Z")
variation(
    "timestamps-offset-seconds",
    faithful=TIMESTAMPS,
    varied=("2026-05-20T15:00:00+00:00", "2026-05-19T08:30:00+00:00", "2026-05-19T08:30:00.123+00:00"),
)(timestamps)
variation(
    "timestamps-microseconds",
    faithful=TIMESTAMPS,
    varied=("2026-05-20T15:00:00.000000Z", "2026-05-19T08:30:00.000000Z", "2026-05-19T08:30:00.123000Z"),
)(timestamps)


@variation(
    "timestamps-whole-seconds",
    faithful=(("08:30:00.100Z", "08:30:00.300Z"), "ba", ("b", "08:30:00.750Z")),
    varied=(("08:30:00.000Z", "08:30:00.000Z"), "ab", ("a", "08:30:00.000Z")),
)
def tied_tasks(sandbox: Sandbox) -> object:
    """(created_at of reminders a and b made 200 ms apart, the list's order, the task complete closes
    450 ms later and its updated_at)"""
    made = {}
    for name in "ab":
        sandbox.clock.advance(timedelta(milliseconds=100 if name == "a" else 200))
        made[name] = sandbox.task(1002, "REMINDER")
    sandbox.clock.advance(timedelta(milliseconds=450))
    closed = sandbox.complete(1002).json()["data"]
    name_of = {task["id"]: name for name, task in made.items()}
    return (
        tuple(task["created_at"].removeprefix("2026-05-19T") for task in made.values()),
        "".join(name_of[row["id"]] for row in sandbox.rows(1002)),
        (name_of[closed["id"]], closed["updated_at"].removeprefix("2026-05-19T")),
    )


TASK_FIELDS = {
    "id",
    "org_id",
    "customer_id",
    "title",
    "type",
    "type_name",
    "due_date",
    "notify_at",
    "notify",
    "task_status",
    "status",
    "assignee_user_id",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "customer_note",
}


@variation(
    "extra-fields",
    faithful=(["data", "message"], [], ["data", "message"], [], ["message"], BODY_EMPTY),
    varied=(
        ["data", "message", "meta"],
        ["meta", "source"],
        ["data", "message", "meta"],
        ["meta", "source"],
        ["code", "message", "request_id"],
        BODY_EMPTY,
    ),
)
def response_keys(sandbox: Sandbox) -> object:
    """(create's keys, its task's extra keys, list's keys, a row's extra keys, an error's keys and
    message)"""
    created = sandbox.create(1002, {"type": "FOLLOW_UP_CALL", "due_date": DUE}).json()
    listed = sandbox.list(1002).json()
    error = sandbox.create(1002, content=b"").json()
    return (
        sorted(created),
        sorted(set(created["data"]) - TASK_FIELDS),
        sorted(listed),
        sorted(set(listed["data"]["rows"][0]) - TASK_FIELDS),
        sorted(error),
        error["message"],
    )


@variation(
    "error-body-nested",
    faithful=[{"message": BODY_EMPTY}, {"message": UNAUTHORIZED}, {"message": LEAD_NOT_FOUND}],
    varied=[
        {"error": {"status": 400, "message": BODY_EMPTY}},
        {"error": {"status": 401, "message": UNAUTHORIZED}},
        {"error": {"status": 404, "message": LEAD_NOT_FOUND}},
    ],
)
def error_bodies(sandbox: Sandbox) -> object:
    return [
        sandbox.create(1002, content=b"").json(),
        sandbox.list(1002, key=None).json(),
        sandbox.complete(MISSING_LEAD).json(),
    ]


@variation(
    "page-zero-first-page",
    faithful=[(400, PAGE_NOT_POSITIVE)] * 3,
    varied=[SEEDED_1001, SEEDED_1001, (400, PAGE_NOT_POSITIVE)],
)
def page_zero_negative_and_abc(sandbox: Sandbox) -> object:
    return [listing(sandbox, 1001, {"page": number}) for number in ["0", "-2", "abc"]]


variation(
    "page-beyond-last-400",
    faithful=PAGES_PAST_THE_LAST,
    varied=[(400, "page out of range"), *PAGES_PAST_THE_LAST[1:]],
)(pages_past_the_last)
variation(
    "notify-window-422",
    faithful=WINDOW,
    varied=[(422, "notify_at out of range"), SUCCESS, SUCCESS, (422, "notify_at out of range")],
)(notify_window)


@variation(
    "past-due-date-rejected",
    faithful=[SUCCESS, SUCCESS, SUCCESS],
    varied=[(400, "due_date must be in the future")] * 2 + [SUCCESS],
)
def past_present_and_future_due_dates(sandbox: Sandbox) -> object:
    due_dates = ["2026-05-19T08:00:00Z", "2026-05-19T08:30:00Z", DUE]
    return [outcome(sandbox.create(1002, {"type": "REMINDER", "due_date": due})) for due in due_dates]


variation(
    "malformed-json-other-message",
    faithful=MALFORMED_JSON,
    varied=(400, "application/json", False, "Invalid JSON"),
)(malformed_json)


@variation(
    "create-unknown-fields-rejected",
    faithful=[SUCCESS, SUCCESS],
    varied=[SUCCESS, (400, "unknown field: assignee_user_id")],
)
def documented_and_undocumented_fields(sandbox: Sandbox) -> object:
    bodies = [
        {"type": "REMINDER", "due_date": DUE, "customer_note": "n"},
        {"type": "REMINDER", "due_date": DUE, "assignee_user_id": 5},
    ]
    return [outcome(sandbox.create(1002, body)) for body in bodies]


variation("first-call-notify-plus-one-second", faithful=[NOW_TEXT], varied=["2026-05-19T08:30:01.000Z"])(
    first_call_notify_at
)


@variation(
    "rate-limited",
    faithful=([200] * 10, set(), 200),
    varied=([200, 200, 200, 200, 429, 200, 200, 200, 200, 429], {"0"}, 200),
)
def ten_requests_with_health_checks(sandbox: Sandbox) -> object:
    """(statuses of 10 list calls, their Retry-After values, a health check's status); health checks
    between the calls are not counted."""
    responses = []
    for _ in range(10):
        responses.append(sandbox.list(1001))
        assert sandbox.client.get("/healthz").status_code == 200
    retry_after = {r.headers["retry-after"] for r in responses if r.status_code == 429}
    return [r.status_code for r in responses], retry_after, sandbox.client.get("/healthz").status_code


@variation("slow", faithful=False, varied=True)
def every_request_takes_30_ms(sandbox: Sandbox) -> object:
    durations = []
    for call in [lambda: sandbox.list(1001), lambda: sandbox.task(1002), lambda: sandbox.complete(1002)]:
        started = time.monotonic()
        call()
        durations.append(time.monotonic() - started)
    return min(durations) >= 0.03


@variation(
    "gateway",
    faithful=([], 65),
    varied=([(503, "0"), (503, "now"), (429, "soon"), (503, "an hour ago"), (429, None)], 60),
)
def sixty_five_requests_through_a_gateway(sandbox: Sandbox) -> object:
    """(the refusals among 65 list calls as (status, Retry-After, an HTTP-date said as "now" or "an hour
    ago"), how many calls the vendor answered); health checks between the calls are not counted."""
    refused, answered = [], 0
    for _ in range(65):
        response = sandbox.list(1001)
        assert sandbox.client.get("/healthz").status_code == 200
        if response.status_code == 200:
            answered += 1
            continue
        retry_after: str | None = response.headers.get("retry-after")
        if retry_after and retry_after.endswith("GMT"):
            age = time.time() - email.utils.parsedate_to_datetime(retry_after).timestamp()
            retry_after = "now" if -1 < age < 5 else "an hour ago" if 3595 < age < 3605 else retry_after
        refused.append((response.status_code, retry_after))
    return refused, answered


@variation(
    "precedence-validation-before-lead",
    faithful=[
        (404, LEAD_NOT_FOUND),
        (404, LEAD_NOT_FOUND),
        (404, LEAD_NOT_FOUND),
        (401, UNAUTHORIZED),
        NOT_A_NUMBER,
    ],
    varied=[
        (400, BODY_EMPTY),
        (400, TYPE_REQUIRED),
        (404, LEAD_NOT_FOUND),
        (401, UNAUTHORIZED),
        NOT_A_NUMBER,
    ],
)
def unknown_lead_and_bad_body(sandbox: Sandbox) -> object:
    """[unknown lead + empty body, + no type, + valid body], [wrong key + both], [non-numeric + empty]"""
    valid = {"type": "FOLLOW_UP_CALL", "due_date": DUE}
    return [
        outcome(sandbox.create(MISSING_LEAD, content=b"")),
        outcome(sandbox.create(2001, {"due_date": DUE})),
        outcome(sandbox.create(MISSING_LEAD, valid)),
        outcome(sandbox.create(MISSING_LEAD, content=b"", key="wrong-key")),
        outcome(sandbox.create("abc", content=b"")),
    ]


# --- The tests --------------------------------------------------------------------------------


test_fault_is_observable_and_absent_from_the_faithful_sandbox, test_variation_is_observable = CASES.tests()


def test_every_superfone_and_all_vendor_catalogue_entry_has_a_case() -> None:
    """Other vendors' faults and variations have their cases in their own test modules."""
    assert set(FAULT_CASES) == {f.name for f in load_faults() if f.vendor == "superfone"}
    assert set(VARIATION_CASES) == {
        v.name for v in load_variations() if v.vendor in ("superfone", ALL_VENDORS)
    }


def test_rate_limit_counts_per_app(build: Build) -> None:
    sandbox = build(variations=frozenset({"rate-limited"}))
    assert [sandbox.list(1001).status_code for _ in range(4)] == [200] * 4
    sandbox = build(variations=frozenset({"rate-limited"}))  # a new app starts counting afresh
    assert [sandbox.list(1001).status_code for _ in range(5)] == [200] * 4 + [429]


# --- The catalogue files ----------------------------------------------------------------------


def _raw(file_name: str) -> list[dict[str, Any]]:
    return yaml.safe_load(contract_path(file_name).read_text(encoding="utf-8"))


def test_catalogue_files_parse_with_exactly_the_documented_keys() -> None:
    assert all(set(entry) == {"name", "vendor", "clause", "quote", "fault"} for entry in _raw("faults.yaml"))
    assert all(set(entry) == {"name", "vendor", "what", "allowed_by"} for entry in _raw("variations.yaml"))
    assert len(load_faults()) == len(_raw("faults.yaml")) > 0
    assert len(load_variations()) == len(_raw("variations.yaml")) > 0


def test_names_are_unique_across_both_files() -> None:
    names = [entry["name"] for entry in [*_raw("faults.yaml"), *_raw("variations.yaml")]]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize("entry", load_faults(), ids=lambda entry: entry.name)
def test_fault_breaks_a_quoted_sentence_of_an_existing_clause(entry: Any) -> None:
    catalogue = load_catalogue(entry.vendor)
    assert entry.clause in catalogue.clause_ids
    assert entry.quote in catalogue.clause(entry.clause).quote
    assert entry.fault.strip() and "\n" not in entry.fault


@pytest.mark.parametrize("entry", load_variations(), ids=lambda entry: entry.name)
def test_variation_says_why_it_is_allowed(entry: Any) -> None:
    vendors = ["superfone"] if entry.vendor == ALL_VENDORS else [entry.vendor]
    known_ids = {
        item.id
        for vendor in vendors
        for item in (
            *load_catalogue(vendor).clauses,
            *load_catalogue(vendor).undocumented,
            *load_catalogue(vendor).contradictions,
        )
    }
    cited = re.findall(r"\b[A-Z]{2}-[A-Z0-9-]*[A-Z0-9]\b", entry.allowed_by)
    assert set(cited) <= known_ids
    assert entry.what.strip() and entry.allowed_by.strip()


def _catalogued(entries: Any, vendor: str) -> set[str]:
    return {entry.name for entry in entries if entry.vendor == vendor}


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda vendor: vendor.name)
def test_a_vendor_builds_exactly_its_catalogued_names(vendor: Any) -> None:
    """A name only the catalogue knows would be refused; a name only the code knows, undocumented."""
    assert vendor.deviations.fault_names == _catalogued(load_faults(), vendor.name)
    assert vendor.deviations.variation_names == _catalogued(load_variations(), vendor.name)


def test_every_vendor_variations_are_the_middleware() -> None:
    assert set(MIDDLEWARE_VARIATIONS) == _catalogued(load_variations(), ALL_VENDORS)
    assert not _catalogued(load_faults(), ALL_VENDORS)


# --- Options ----------------------------------------------------------------------------------


def test_options_take_known_names_as_any_collection() -> None:
    options = SandboxOptions(faults={"autoclose-missing"}, variations=["slow"])  # type: ignore[arg-type]
    assert options.faults == frozenset({"autoclose-missing"})
    assert options.variations == frozenset({"slow"})
    assert SandboxOptions().variations == frozenset()


@pytest.mark.parametrize(
    ("field", "known_example"), [("faults", "autoclose-missing"), ("variations", "ids-large-random")]
)
def test_unknown_names_raise_listing_the_known_ones(field: str, known_example: str) -> None:
    with pytest.raises(ValueError, match=r"unknown .*'autoclose-mising'") as raised:
        SandboxOptions(**{field: frozenset({"autoclose-mising", known_example})})
    assert known_example in str(raised.value)


def test_faults_are_not_variations() -> None:
    with pytest.raises(ValueError, match="'slow'"):
        SandboxOptions(faults=frozenset({"slow"}))
    with pytest.raises(ValueError, match="'autoclose-missing'"):
        SandboxOptions(variations=frozenset({"autoclose-missing"}))


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError, match="not the string"):
        SandboxOptions(faults="autoclose-missing")  # type: ignore[arg-type]
