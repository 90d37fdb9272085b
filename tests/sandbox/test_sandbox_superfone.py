"""The Superfone sandbox does what the vendor pages say, and what ``contracts/superfone.yaml`` gives as
its choices.

Sources: ``contracts/seeds/000_4d6c4d035359b20d.txt`` (Create Task), ``001_4d090b8340652544.txt``
(List Tasks), ``002_82226e53271469da.txt`` (Complete Task). Every test goes through real HTTP to a
uvicorn server on loopback, as the suite itself will. Expected messages are copied from the pages,
not imported from the sandbox, so a typo there fails here.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import taskconform
from taskconform.sandbox import (
    DEFAULT_KEYS,
    SandboxOptions,
    create_app,
    serve_in_thread,
    utc_now,
)
from taskconform.sandbox.server import _bind

from .sandbox_harness import AppSlot, SandboxBase, sandbox_fixtures

KEY_A, KEY_B = DEFAULT_KEYS["superfone"]
NOW = datetime(2026, 5, 19, 8, 30, tzinfo=UTC)
NOW_TEXT = "2026-05-19T08:30:00.000Z"
DUE = "2026-05-20T15:00:00Z"
DUE_TEXT = "2026-05-20T15:00:00.000Z"
NON_REMINDER_TYPES = ["FOLLOW_UP_CALL", "FIRST_CALL", "CALLBACK_REQUEST", "SITE_VISIT", "BOOKING"]
ALLOWED = "Allowed: FOLLOW_UP_CALL, FIRST_CALL, CALLBACK_REQUEST, SITE_VISIT, REMINDER, BOOKING"

# Documented messages, verbatim from the pages' "Error Responses" tables.
UNAUTHORIZED = "UnAuthorized, Please Provide Valid API Key"
LEAD_ID_NOT_NUMBER = "lead_id must be a number"
LEAD_NOT_FOUND = "Lead not found"
BODY_EMPTY = "Request body is empty"
TYPE_REQUIRED = "type is required"
DUE_DATE_REQUIRED = "due_date is required"
PAGE_SIZE_NOT_POSITIVE = "page_size must be a positive integer"
PAGE_SIZE_TOO_LARGE = "page_size cannot exceed 20"
NO_OPEN_TASK = "No open task found for this lead"
# The sandbox's own messages where the pages are silent.
BODY_NOT_JSON = "Request body is not valid JSON"
BODY_NOT_OBJECT = "Request body must be a JSON object"
DUE_DATE_NOT_TIMESTAMP = "due_date must be an ISO 8601 timestamp"
NOTIFY_AT_NOT_TIMESTAMP = "notify_at must be an ISO 8601 timestamp"
NOTIFY_AT_OUTSIDE_WINDOW = "notify_at must be in the future and at or before due_date"
CUSTOMER_NOTE_NOT_STRING = "customer_note must be a string"
PAGE_NOT_POSITIVE = "page must be a positive integer"


def type_not_available(rendered: str) -> str:
    return f'type "{rendered}" is not available for creation. {ALLOWED}'


# --- Harness ----------------------------------------------------------------------------------


class Sandbox(SandboxBase):
    """A client of the Superfone routes, speaking account A unless told otherwise."""

    def create(
        self,
        lead: object,
        body: object = None,
        *,
        key: str | None = KEY_A,
        content: bytes | None = None,
    ) -> httpx.Response:
        """``body`` is sent as JSON; ``content`` as raw bytes (neither: no body at all)."""
        return self.client.post(task_path(lead), json=body, content=content, headers=auth(key))

    def task(self, lead: object, task_type: str = "FOLLOW_UP_CALL", **fields: object) -> dict[str, Any]:
        """Create a task that must succeed, and return its ``data``."""
        response = self.create(lead, {"type": task_type, "due_date": DUE, **fields})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def list(
        self, lead: object, params: dict[str, str] | str | None = None, *, key: str | None = KEY_A
    ) -> httpx.Response:
        return self.client.get(task_path(lead), params=params, headers=auth(key))

    def rows(self, lead: object, *, key: str = KEY_A) -> list[dict[str, Any]]:
        response = self.list(lead, key=key)
        assert response.status_code == 200, response.text
        return response.json()["data"]["rows"]

    def complete(
        self, lead: object, *, key: str | None = KEY_A, content: bytes | None = None
    ) -> httpx.Response:
        return self.client.post(f"{task_path(lead)}/complete", content=content, headers=auth(key))


def task_path(lead: object) -> str:
    return f"/superfone/enterprise/api/lead/{lead}/task"


def auth(key: str | None) -> dict[str, str]:
    return {} if key is None else {"x-api-key": key}


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (status, {"message": message})


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "success"
    return body["data"]


slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


# --- Server, app and options ------------------------------------------------------------------


def test_serve_in_thread_binds_a_free_loopback_port_and_stops() -> None:
    with serve_in_thread(create_app(SandboxOptions())) as server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(f"{server.base_url}/healthz").json() == {"ok": True}
        with pytest.raises(OSError):  # the port really is taken while the server runs
            serve_in_thread(create_app(SandboxOptions()), port=server.port)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/healthz")


def test_responses_are_not_held_back_by_nagle() -> None:
    """Without TCP_NODELAY on the server's sockets every response waits ~40 ms for a delayed ACK;
    asyncio sets it on accepted sockets only when the listening socket says it is TCP."""
    with _bind("127.0.0.1", 0) as listening:
        assert listening.proto == socket.IPPROTO_TCP


def test_serve_forever_serves_until_ctrl_c() -> None:
    """Run as the CLI would, in a process of its own: it reports its address and exits 0 on SIGINT."""
    source_root = str(Path(taskconform.__file__).resolve().parent.parent)
    python_path = [source_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}
    code = (
        "from taskconform.sandbox import SandboxOptions, create_app, serve_forever\n"
        "serve_forever(create_app(SandboxOptions()), '127.0.0.1', 0)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(20, process.kill)  # a server that never starts must not hang the run
    watchdog.start()
    try:
        assert process.stderr is not None
        url = None
        for line in process.stderr:
            found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                url = found.group(1)
                break
        assert url is not None, "serve_forever never reported its address"
        assert httpx.get(f"{url}/healthz").json() == {"ok": True}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_healthz(sandbox: Sandbox) -> None:
    response = sandbox.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_each_app_has_its_own_state(sandbox: Sandbox) -> None:
    sandbox.task(1002)
    assert len(sandbox.rows(1002)) == 1
    sandbox.slot.app = create_app(SandboxOptions(now=sandbox.clock))
    assert sandbox.rows(1002) == []
    assert sandbox.task(1002)["id"] == 5000


def test_options_defaults() -> None:
    options = SandboxOptions()
    assert options.keys["superfone"] == ("sf-sandbox-account-a", "sf-sandbox-account-b")
    assert options.faults == frozenset()
    assert abs(options.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert utc_now().tzinfo is not None


def test_options_refuse_identical_keys() -> None:
    with pytest.raises(ValueError, match="superfone needs 2 different API keys"):
        SandboxOptions(keys={"superfone": ("same", "same")})


def test_configured_keys_replace_the_defaults(sandbox: Sandbox) -> None:
    sandbox.slot.app = create_app(SandboxOptions(keys={"superfone": ("key-a", "key-b")}, now=sandbox.clock))
    assert_error(sandbox.list(1001, key=KEY_A), 401, UNAUTHORIZED)
    assert sandbox.list(1001, key="key-a").status_code == 200
    assert sandbox.list(2001, key="key-b").status_code == 200


# --- Authentication, lead_id and lead lookup (all three endpoints) ----------------------------

ENDPOINTS = ["create", "list", "complete"]
VALID_BODY = {"type": "FOLLOW_UP_CALL", "due_date": DUE}


def call(sandbox: Sandbox, endpoint: str, lead: object, key: str | None = KEY_A) -> httpx.Response:
    if endpoint == "create":
        return sandbox.create(lead, VALID_BODY, key=key)
    if endpoint == "list":
        return sandbox.list(lead, key=key)
    return sandbox.complete(lead, key=key)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "key",
    [None, "", "wrong-key", "SF-SANDBOX-ACCOUNT-A", "sf-sandbox-account-a-extra", KEY_A[:-1]],
    ids=["missing", "empty", "wrong", "case-changed", "suffixed", "truncated"],
)
def test_missing_or_invalid_key_is_401(sandbox: Sandbox, endpoint: str, key: str | None) -> None:
    assert_error(call(sandbox, endpoint, 1001, key), 401, UNAUTHORIZED)
    assert [row["id"] for row in sandbox.rows(1001)] == [4002, 4001]  # nothing created or completed


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "lead",
    ["abc", "12a", "1.5", "1e3", "+1001", "0x3E9", "%201001", "1001%0A", "%00", "%EF%BC%91", "%FF"],
)
def test_non_numeric_lead_id_is_400(sandbox: Sandbox, endpoint: str, lead: str) -> None:
    assert_error(call(sandbox, endpoint, lead), 400, LEAD_ID_NOT_NUMBER)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("lead", "key"),
    [(999999999, KEY_A), (-1001, KEY_A), (0, KEY_A), ("9" * 5000, KEY_A), (2001, KEY_A), (1001, KEY_B)],
    ids=["unknown", "negative", "zero", "5000-digits", "account-b-lead", "account-a-lead-with-key-b"],
)
def test_unknown_or_foreign_lead_is_404(sandbox: Sandbox, endpoint: str, lead: object, key: str) -> None:
    assert_error(call(sandbox, endpoint, lead, key), 404, LEAD_NOT_FOUND)


def test_foreign_lead_is_untouched(sandbox: Sandbox) -> None:
    sandbox.create(2001, VALID_BODY)
    sandbox.complete(2001)
    assert [row["task_status"] for row in data(sandbox.list(2001, key=KEY_B))["rows"]] == ["PENDING"]


@pytest.mark.parametrize(
    ("key", "lead", "body", "status", "message"),
    [
        ("wrong", "abc", b"", 401, UNAUTHORIZED),
        ("wrong", 999999999, b"", 401, UNAUTHORIZED),
        (KEY_A, "abc", b"", 400, LEAD_ID_NOT_NUMBER),
        (KEY_A, "abc", b"{", 400, LEAD_ID_NOT_NUMBER),
        (KEY_A, 999999999, b"", 404, LEAD_NOT_FOUND),
        (KEY_A, 2001, b'{"type": "NOPE"}', 404, LEAD_NOT_FOUND),
    ],
)
def test_error_precedence_auth_then_lead_id_then_lookup_then_body(
    sandbox: Sandbox, key: str, lead: object, body: bytes, status: int, message: str
) -> None:
    assert_error(sandbox.create(lead, key=key, content=body), status, message)


def test_error_precedence_on_list_and_complete(sandbox: Sandbox) -> None:
    assert_error(sandbox.list("abc", {"page_size": "0"}, key="wrong"), 401, UNAUTHORIZED)
    assert_error(sandbox.list("abc", {"page_size": "0"}), 400, LEAD_ID_NOT_NUMBER)
    assert_error(sandbox.list(999999999, {"page_size": "0"}), 404, LEAD_NOT_FOUND)
    assert_error(sandbox.complete(1003, key="wrong"), 401, UNAUTHORIZED)
    assert_error(sandbox.complete(999999999), 404, LEAD_NOT_FOUND)


# --- Create Task: success ---------------------------------------------------------------------


def test_create_returns_the_documented_task(sandbox: Sandbox) -> None:
    response = sandbox.create(
        1002,
        {"type": "FOLLOW_UP_CALL", "due_date": DUE, "customer_note": "Customer asked about volume discount."},
    )
    assert response.json() == {
        "data": {
            "id": 5000,
            "org_id": 42,
            "customer_id": 1002,
            "title": None,
            "type": "FOLLOW_UP_CALL",
            "type_name": None,
            "due_date": DUE_TEXT,
            "notify_at": "2026-05-20T14:50:00.000Z",
            "notify": True,
            "task_status": "PENDING",
            "status": "ACTIVE",
            "assignee_user_id": 679,
            "created_by": 1,
            "updated_by": None,
            "created_at": NOW_TEXT,
            "updated_at": NOW_TEXT,
            "customer_note": "Customer asked about volume discount.",
        },
        "message": "success",
    }
    assert sandbox.rows(1002) == [response.json()["data"]]


def test_task_ids_come_from_one_counter_across_leads_and_accounts(sandbox: Sandbox) -> None:
    first = sandbox.task(1002)["id"]
    second = data(sandbox.create(2002, VALID_BODY, key=KEY_B))["id"]
    third = sandbox.task(1003)["id"]
    assert (first, second, third) == (5000, 5001, 5002)


@pytest.mark.parametrize(
    ("lead", "key", "org_id", "assignee"),
    [(1001, KEY_A, 42, 678), (1008, KEY_A, 42, 685), (2002, KEY_B, 43, 902), (2003, KEY_B, 43, 903)],
)
def test_task_inherits_the_leads_account_and_assignee(
    sandbox: Sandbox, lead: int, key: str, org_id: int, assignee: int
) -> None:
    task = data(sandbox.create(lead, VALID_BODY, key=key))
    assert (task["customer_id"], task["org_id"], task["assignee_user_id"]) == (lead, org_id, assignee)


@pytest.mark.parametrize(
    ("task_type", "notify_at"),
    [
        ("REMINDER", DUE_TEXT),
        ("FIRST_CALL", NOW_TEXT),
        ("FOLLOW_UP_CALL", "2026-05-20T14:50:00.000Z"),
        ("CALLBACK_REQUEST", "2026-05-20T14:50:00.000Z"),
        ("SITE_VISIT", "2026-05-20T14:50:00.000Z"),
        ("BOOKING", "2026-05-20T14:50:00.000Z"),
    ],
)
def test_default_notify_at_follows_the_type(sandbox: Sandbox, task_type: str, notify_at: str) -> None:
    assert sandbox.task(1002, task_type)["notify_at"] == notify_at
    assert sandbox.task(1003, task_type, notify_at=None)["notify_at"] == notify_at  # null means absent


@pytest.mark.parametrize(
    ("notify_at", "expected"),
    [
        ("2026-05-20T14:00:00Z", "2026-05-20T14:00:00.000Z"),
        (DUE, DUE_TEXT),
        ("2026-05-19T08:30:00.001Z", "2026-05-19T08:30:00.001Z"),
        ("2026-05-20T19:30:00+05:30", "2026-05-20T14:00:00.000Z"),
    ],
    ids=["inside", "at-due", "just-after-now", "offset"],
)
def test_notify_at_inside_the_window_is_kept(sandbox: Sandbox, notify_at: str, expected: str) -> None:
    assert sandbox.task(1002, "SITE_VISIT", notify_at=notify_at)["notify_at"] == expected


@pytest.mark.parametrize(
    "notify_at",
    ["2026-05-19T08:30:00Z", "2026-05-19T08:29:59.999Z", "2020-01-01T00:00:00Z", "2026-05-20T15:00:00.001Z"],
    ids=["equal-to-now", "just-before-now", "long-past", "just-after-due"],
)
def test_notify_at_outside_the_window_is_400_and_creates_nothing(sandbox: Sandbox, notify_at: str) -> None:
    response = sandbox.create(1002, {"type": "REMINDER", "due_date": DUE, "notify_at": notify_at})
    assert_error(response, 400, NOTIFY_AT_OUTSIDE_WINDOW)
    assert sandbox.rows(1002) == []


@pytest.mark.parametrize(
    ("due_date", "expected"),
    [
        ("2026-05-20T15:00:00Z", DUE_TEXT),
        ("2026-05-20T15:00:00+00:00", DUE_TEXT),
        ("2026-05-20T20:30:00+05:30", DUE_TEXT),
        ("2026-05-20T10:00:00-0500", DUE_TEXT),
        ("2026-05-20T17:00:00+02", DUE_TEXT),
        ("2026-05-20T15:00Z", DUE_TEXT),
        ("2026-05-20T15:00:00", DUE_TEXT),
        ("2026-05-20T15:00:00.5Z", "2026-05-20T15:00:00.500Z"),
        ("2026-05-20T15:00:00.123456789Z", "2026-05-20T15:00:00.123Z"),
        ("2026-05-21T00:30:00.25+09:30", "2026-05-20T15:00:00.250Z"),
    ],
)
def test_due_date_is_echoed_as_the_same_instant_in_utc_milliseconds(
    sandbox: Sandbox, due_date: str, expected: str
) -> None:
    assert sandbox.task(1002, "REMINDER", due_date=due_date)["due_date"] == expected


@pytest.mark.parametrize(
    ("due_date", "notify_at"),
    [
        ("2026-05-19T08:35:00Z", "2026-05-19T08:25:00.000Z"),
        ("2020-01-01T00:00:00Z", "2019-12-31T23:50:00.000Z"),
    ],
    ids=["default-notify-in-past", "due-in-past"],
)
def test_past_due_dates_are_accepted_with_the_computed_notify_at(
    sandbox: Sandbox, due_date: str, notify_at: str
) -> None:
    task = sandbox.task(1002, "CALLBACK_REQUEST", due_date=due_date)
    assert task["notify_at"] == notify_at


def test_customer_note_is_optional_and_echoed(sandbox: Sandbox) -> None:
    assert sandbox.task(1002, "REMINDER")["customer_note"] is None
    assert sandbox.task(1002, "REMINDER", customer_note=None)["customer_note"] is None
    note = 'Grüße 👋 — 你好\u0000 "quoted" <b>'
    assert sandbox.task(1002, "REMINDER", customer_note=note)["customer_note"] == note


def test_unknown_body_fields_are_ignored(sandbox: Sandbox) -> None:
    task = sandbox.task(
        1002, assignee_user_id=1, title="Pricing", task_status="COMPLETE", id=1, org_id=43, notify=False
    )
    assert (task["assignee_user_id"], task["title"], task["task_status"]) == (679, None, "PENDING")
    assert (task["id"], task["org_id"], task["notify"]) == (5000, 42, True)


# --- Create Task: the one-open-non-reminder rule ----------------------------------------------


@pytest.mark.parametrize("new_type", NON_REMINDER_TYPES)
def test_non_reminder_closes_other_open_non_reminders(sandbox: Sandbox, new_type: str) -> None:
    earlier = sandbox.task(1002, "CALLBACK_REQUEST")
    reminder = sandbox.task(1002, "REMINDER")
    sandbox.clock.advance(timedelta(hours=1))
    newest = sandbox.task(1002, new_type)
    rows = {row["id"]: row for row in sandbox.rows(1002)}
    assert rows[earlier["id"]] == {
        **earlier,
        "task_status": "COMPLETE",
        "status": "COMPLETE",
        "updated_by": 1,
        "updated_at": "2026-05-19T09:30:00.000Z",
    }
    assert rows[reminder["id"]] == reminder
    assert rows[newest["id"]]["task_status"] == "PENDING"


def test_reminder_creation_closes_nothing(sandbox: Sandbox) -> None:
    sandbox.task(1002, "SITE_VISIT")
    sandbox.task(1002, "REMINDER")
    sandbox.task(1002, "REMINDER")
    assert [row["task_status"] for row in sandbox.rows(1002)] == ["PENDING"] * 3


def test_seeded_reminder_survives_a_new_non_reminder(sandbox: Sandbox) -> None:
    created = sandbox.task(1001, "BOOKING")
    statuses = {row["id"]: row["task_status"] for row in sandbox.rows(1001)}
    assert statuses == {created["id"]: "PENDING", 4002: "PENDING", 4001: "COMPLETE"}


def test_concurrent_creates_leave_exactly_one_open_non_reminder(sandbox: Sandbox) -> None:
    """16 creates released at once, each on a connection of its own; the auto-close must stay atomic."""
    threads = 16
    barrier = threading.Barrier(threads)
    types = [NON_REMINDER_TYPES[i % len(NON_REMINDER_TYPES)] for i in range(threads - 2)] + ["REMINDER"] * 2

    def create(task_type: str) -> int:
        barrier.wait()
        return sandbox.create(1004, {"type": task_type, "due_date": DUE}).status_code

    with ThreadPoolExecutor(threads) as pool:
        assert list(pool.map(create, types)) == [200] * threads
    rows = sandbox.rows(1004)
    open_non_reminders = [
        row for row in rows if row["type"] != "REMINDER" and row["task_status"] == "PENDING"
    ]
    assert len(rows) == threads
    assert [row["id"] for row in open_non_reminders] == [
        next(row["id"] for row in rows if row["type"] != "REMINDER")  # the newest non-reminder
    ]
    assert [row["task_status"] for row in rows if row["type"] == "REMINDER"] == ["PENDING", "PENDING"]


# --- Create Task: rejected bodies -------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [None, b"", b"   \r\n\t", b"{}", b" { } "],
    ids=["missing", "empty", "whitespace", "empty-object", "spaced-empty-object"],
)
def test_missing_or_empty_body_is_400(sandbox: Sandbox, content: bytes | None) -> None:
    assert_error(sandbox.create(1002, content=content), 400, BODY_EMPTY)


@pytest.mark.parametrize(
    "content",
    [b"{", b"type=REMINDER", b'{"type": "REMINDER",}', b"\xff\xfe\xfd", b'{"due_date": NaN}', b"Infinity"],
)
def test_malformed_json_is_400(sandbox: Sandbox, content: bytes) -> None:
    assert_error(sandbox.create(1002, content=content), 400, BODY_NOT_JSON)


@pytest.mark.parametrize(
    "content", [b"[]", b'[{"type": "REMINDER"}]', b'"REMINDER"', b"42", b"null", b"true"]
)
def test_json_that_is_not_an_object_is_400(sandbox: Sandbox, content: bytes) -> None:
    assert_error(sandbox.create(1002, content=content), 400, BODY_NOT_OBJECT)


def test_content_type_is_not_inspected(sandbox: Sandbox) -> None:
    content = b'{"type": "REMINDER", "due_date": "2026-05-20T15:00:00Z"}'
    response = sandbox.client.post(
        task_path(1002), content=content, headers={"x-api-key": KEY_A, "content-type": "text/plain"}
    )
    assert data(response)["type"] == "REMINDER"


@pytest.mark.parametrize(
    "body",
    [{"due_date": DUE}, {"type": None, "due_date": DUE}, {"customer_note": "x"}, {"type": None}],
)
def test_missing_type_is_400(sandbox: Sandbox, body: dict[str, object]) -> None:
    assert_error(sandbox.create(1002, body), 400, TYPE_REQUIRED)


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("NOPE", "NOPE"),
        ("", ""),
        ("reminder", "reminder"),
        ("FOLLOW_UP_CALL ", "FOLLOW_UP_CALL "),
        (5, "5"),
        (2.5, "2.5"),
        (True, "True"),
        (["REMINDER"], "['REMINDER']"),
        ({"name": "REMINDER"}, "{'name': 'REMINDER'}"),
    ],
)
def test_type_outside_the_allowed_list_is_400_listing_every_allowed_value(
    sandbox: Sandbox, value: object, rendered: str
) -> None:
    assert_error(sandbox.create(1002, {"type": value}), 400, type_not_available(rendered))


@pytest.mark.parametrize("body", [{"type": "REMINDER"}, {"type": "REMINDER", "due_date": None}])
def test_missing_due_date_is_400(sandbox: Sandbox, body: dict[str, object]) -> None:
    assert_error(sandbox.create(1002, body), 400, DUE_DATE_REQUIRED)


BAD_TIMESTAMPS = [
    "",
    "tomorrow",
    "2026-05-20",
    "2026-05-20 15:00:00Z",
    "20260520T150000Z",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-05-20T24:00:00Z",
    "2026-05-20T15:60:00Z",
    "2026-05-20T15:00:00+24:00",
    "2026-05-20T15:00:00+05:75",
    "2026-05-20T15:00:00z",
    " 2026-05-20T15:00:00Z",
    "2026-05-20T15:00:00Z\n",
    "0999-12-31T23:59:59Z",
    "1000-01-01T00:30:00+01:00",
    "9999-12-31T23:00:00-02:00",
    "２０２６-05-20T15:00:00Z",
    20260520,
    1.5,
    True,
    ["2026-05-20T15:00:00Z"],
    {"at": "2026-05-20T15:00:00Z"},
]


@pytest.mark.parametrize("value", BAD_TIMESTAMPS)
def test_due_date_that_is_not_an_iso_8601_timestamp_is_400(sandbox: Sandbox, value: object) -> None:
    assert_error(sandbox.create(1002, {"type": "REMINDER", "due_date": value}), 400, DUE_DATE_NOT_TIMESTAMP)


@pytest.mark.parametrize("value", BAD_TIMESTAMPS)
def test_notify_at_that_is_not_an_iso_8601_timestamp_is_400(sandbox: Sandbox, value: object) -> None:
    body = {"type": "REMINDER", "due_date": DUE, "notify_at": value}
    assert_error(sandbox.create(1002, body), 400, NOTIFY_AT_NOT_TIMESTAMP)


def test_earliest_and_latest_accepted_years(sandbox: Sandbox) -> None:
    assert sandbox.task(1002, due_date="1000-01-01T00:00:00Z")["notify_at"] == "0999-12-31T23:50:00.000Z"
    assert sandbox.task(1002, "REMINDER", due_date="9999-12-31T23:59:59.999Z")["due_date"] == (
        "9999-12-31T23:59:59.999Z"
    )


@pytest.mark.parametrize("value", [5, True, [], {}, ["note"]])
def test_customer_note_that_is_not_a_string_is_400(sandbox: Sandbox, value: object) -> None:
    body = {"type": "REMINDER", "due_date": DUE, "customer_note": value}
    assert_error(sandbox.create(1002, body), 400, CUSTOMER_NOTE_NOT_STRING)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "NOPE"}, type_not_available("NOPE")),
        ({"type": "REMINDER", "due_date": "bad", "notify_at": "bad"}, DUE_DATE_NOT_TIMESTAMP),
        (
            {"type": "REMINDER", "due_date": DUE, "notify_at": "bad", "customer_note": 5},
            NOTIFY_AT_NOT_TIMESTAMP,
        ),
        (
            {"type": "REMINDER", "due_date": DUE, "notify_at": "2020-01-01T00:00:00Z", "customer_note": 5},
            CUSTOMER_NOTE_NOT_STRING,
        ),
    ],
    ids=["type-before-due_date", "due_date-before-notify_at", "notify_at-before-note", "note-before-window"],
)
def test_body_validation_order(sandbox: Sandbox, body: dict[str, object], message: str) -> None:
    assert_error(sandbox.create(1002, body), 400, message)


# --- List Tasks -------------------------------------------------------------------------------


def test_list_shows_seeded_history_newest_first(sandbox: Sandbox) -> None:
    page = data(sandbox.list(1001))
    assert {key: value for key, value in page.items() if key != "rows"} == {
        "total_pages": 1,
        "current_page": 1,
        "page_size": 20,
        "total_items": 2,
    }
    assert page["rows"] == [
        {
            "id": 4002,
            "org_id": 42,
            "customer_id": 1001,
            "title": None,
            "type": "REMINDER",
            "type_name": None,
            "due_date": "2025-03-10T09:00:00.000Z",
            "notify_at": "2025-03-10T09:00:00.000Z",
            "notify": True,
            "task_status": "PENDING",
            "status": "ACTIVE",
            "assignee_user_id": 678,
            "created_by": 1,
            "updated_by": None,
            "created_at": "2025-03-03T10:30:00.000Z",
            "updated_at": "2025-03-03T10:30:00.000Z",
            "customer_note": None,
        },
        {
            "id": 4001,
            "org_id": 42,
            "customer_id": 1001,
            "title": None,
            "type": "FIRST_CALL",
            "type_name": None,
            "due_date": "2025-03-03T10:00:00.000Z",
            "notify_at": "2025-03-03T09:00:00.000Z",
            "notify": True,
            "task_status": "COMPLETE",
            "status": "COMPLETE",
            "assignee_user_id": 678,
            "created_by": 1,
            "updated_by": 1,
            "created_at": "2025-03-03T09:00:00.000Z",
            "updated_at": "2025-03-03T10:30:00.000Z",
            "customer_note": "Inbound enquiry from the website form.",
        },
    ]


def test_account_b_has_its_own_seeded_lead(sandbox: Sandbox) -> None:
    rows = data(sandbox.list(2001, key=KEY_B))["rows"]
    assert [(row["id"], row["org_id"], row["type"], row["task_status"]) for row in rows] == [
        (4003, 43, "FOLLOW_UP_CALL", "PENDING")
    ]


def test_list_of_a_lead_without_tasks(sandbox: Sandbox) -> None:
    assert data(sandbox.list(1003)) == {
        "rows": [],
        "total_pages": 0,
        "current_page": 1,
        "page_size": 20,
        "total_items": 0,
    }


def test_newest_first_follows_creation_order_even_when_timestamps_tie(sandbox: Sandbox) -> None:
    created = [
        sandbox.task(1002, task_type)["id"] for task_type in ["REMINDER", "SITE_VISIT", "REMINDER", "BOOKING"]
    ]
    rows = sandbox.rows(1002)
    assert {row["created_at"] for row in rows} == {NOW_TEXT}
    assert [row["id"] for row in rows] == created[::-1]


@pytest.mark.parametrize(
    ("params", "ids", "total_pages", "page", "page_size"),
    [
        ({"page_size": "2"}, [4, 3], 3, 1, 2),
        ({"page_size": "2", "page": "2"}, [2, 1], 3, 2, 2),
        ({"page_size": "2", "page": "3"}, [0], 3, 3, 2),
        ({"page_size": "2", "page": "4"}, [], 3, 4, 2),
        ({"page_size": "5"}, [4, 3, 2, 1, 0], 1, 1, 5),
        ({"page_size": "20", "page": "1"}, [4, 3, 2, 1, 0], 1, 1, 20),
        ({"page_size": "005", "page": "01"}, [4, 3, 2, 1, 0], 1, 1, 5),
        ({"page": "9" * 30}, [], 1, int("9" * 30), 20),
        ("page_size=abc&page_size=2", [4, 3], 3, 1, 2),
    ],
    ids=["first", "second", "last", "beyond-last", "exact", "max", "leading-zeros", "huge-page", "last-wins"],
)
def test_pagination(
    sandbox: Sandbox, params: Any, ids: list[int], total_pages: int, page: int, page_size: int
) -> None:
    created = [sandbox.task(1002, "REMINDER")["id"] for _ in range(5)]
    result = data(sandbox.list(1002, params))
    assert [row["id"] for row in result["rows"]] == [created[i] for i in ids]
    assert (result["total_pages"], result["current_page"], result["page_size"], result["total_items"]) == (
        total_pages,
        page,
        page_size,
        5,
    )


def test_default_page_size_is_20(sandbox: Sandbox) -> None:
    for _ in range(21):
        sandbox.task(1002, "REMINDER")
    result = data(sandbox.list(1002))
    assert (len(result["rows"]), result["page_size"], result["total_pages"], result["total_items"]) == (
        20,
        20,
        2,
        21,
    )


def test_list_has_pending_and_complete_tasks(sandbox: Sandbox) -> None:
    sandbox.task(1002, "SITE_VISIT")
    sandbox.task(1002, "BOOKING")
    assert [row["task_status"] for row in sandbox.rows(1002)] == ["PENDING", "COMPLETE"]


@pytest.mark.parametrize(
    "value", ["abc", "0", "-1", "2.5", "", "+5", " 5", "1e1", "٣", "0x10", "9" * 5000, "%00"]
)
def test_page_size_that_is_not_a_positive_integer_is_400(sandbox: Sandbox, value: str) -> None:
    assert_error(sandbox.list(1001, {"page_size": value}), 400, PAGE_SIZE_NOT_POSITIVE)


@pytest.mark.parametrize("value", ["21", "100", "9" * 40])
def test_page_size_above_20_is_400(sandbox: Sandbox, value: str) -> None:
    assert_error(sandbox.list(1001, {"page_size": value}), 400, PAGE_SIZE_TOO_LARGE)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", "1.5", "+1", "9" * 4301])
def test_page_that_is_not_a_positive_integer_is_400(sandbox: Sandbox, value: str) -> None:
    assert_error(sandbox.list(1001, {"page": value}), 400, PAGE_NOT_POSITIVE)


def test_page_size_is_checked_before_page(sandbox: Sandbox) -> None:
    assert_error(sandbox.list(1001, {"page": "0", "page_size": "abc"}), 400, PAGE_SIZE_NOT_POSITIVE)
    assert_error(sandbox.list(1001, {"page": "0", "page_size": "21"}), 400, PAGE_SIZE_TOO_LARGE)


# --- Complete Task ----------------------------------------------------------------------------


def test_complete_closes_the_most_recently_created_open_task_reminders_included(sandbox: Sandbox) -> None:
    follow_up = sandbox.task(1002, "FOLLOW_UP_CALL")
    reminder = sandbox.task(1002, "REMINDER")
    sandbox.clock.advance(timedelta(minutes=5))
    assert data(sandbox.complete(1002)) == {
        **reminder,
        "task_status": "COMPLETE",
        "status": "COMPLETE",
        "updated_by": 1,
        "updated_at": "2026-05-19T08:35:00.000Z",
    }
    assert data(sandbox.complete(1002))["id"] == follow_up["id"]
    assert_error(sandbox.complete(1002), 400, NO_OPEN_TASK)
    assert [row["task_status"] for row in sandbox.rows(1002)] == ["COMPLETE", "COMPLETE"]


def test_most_recent_means_created_last_not_latest_timestamp(sandbox: Sandbox) -> None:
    sandbox.task(1002, "REMINDER")
    sandbox.clock.advance(timedelta(hours=-1))  # the second task gets the earlier created_at
    created_last = sandbox.task(1002, "REMINDER")
    assert data(sandbox.complete(1002))["id"] == created_last["id"]


def test_complete_on_seeded_lead_closes_the_seeded_reminder(sandbox: Sandbox) -> None:
    assert data(sandbox.complete(1001))["id"] == 4002
    assert_error(sandbox.complete(1001), 400, NO_OPEN_TASK)


def test_complete_on_lead_that_never_had_a_task_is_400(sandbox: Sandbox) -> None:
    assert_error(sandbox.complete(1003), 400, NO_OPEN_TASK)
    assert_error(sandbox.complete(2003, key=KEY_B), 400, NO_OPEN_TASK)


@pytest.mark.parametrize("content", [b"not json", b'{"task_id": 4001}', b"\x00\xff", b"[]"])
def test_complete_ignores_any_body(sandbox: Sandbox, content: bytes) -> None:
    assert data(sandbox.complete(1001, content=content))["id"] == 4002


# --- Robustness: never a 5xx ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\x00",
        b'{"type": "\\u0000", "due_date": "\\u0000"}',
        b"[" * 100_000,
        b'{"type": 1' + b"0" * 5000 + b"}",
        b'{"type": 1e999}',
        b'{"type": -0.0, "due_date": 1e-999}',
        b'{"a": {"b": {"c": []}}, "type": "REMINDER", "due_date": ["x"]}',
        '{"type": "REMINDER", "due_date": "2026-05-20T15:00:00Z"}'.encode("utf-16"),
        b"\xef\xbb\xbf{}",
        b'{"type": "\\ud800"}',
        b'{"type": "\xf0\x9f\x91\x8b"}',
        b"x" * 1_000_000,
    ],
)
def test_arbitrary_create_bodies_never_cause_a_5xx(sandbox: Sandbox, content: bytes) -> None:
    response = sandbox.create(1002, content=content)
    assert response.status_code < 500
    assert isinstance(response.json()["message"], str)


def test_nesting_near_the_recursion_limit_never_causes_a_5xx(sandbox: Sandbox) -> None:
    statuses = set()
    for depth in range(900, 1010, 3):
        for opener, closer in (("[", "]"), ('{"k":', "}")):
            body = '{"type": ' + opener * depth + "1" + closer * depth + "}"
            statuses.add(sandbox.create(1002, content=body.encode()).status_code)
    assert statuses == {400}


def test_lone_surrogate_in_customer_note_is_echoed(sandbox: Sandbox) -> None:
    content = b'{"type": "REMINDER", "due_date": "2026-05-20T15:00:00Z", "customer_note": "a\\ud800b"}'
    response = sandbox.create(1002, content=content)
    assert data(response)["customer_note"] == "a\ud800b"
    assert b"\\ud800" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/superfone/enterprise/api/lead/%00/task?page=%00&page_size=%FF",
        "/superfone/enterprise/api/lead/1001/task?page=%00",
        "/superfone/enterprise/api/lead/1001/task?page_size=%F0%9F%91%8B",
        "/superfone/enterprise/api/lead/1001%2F2/task",
        "/superfone/enterprise/api/lead//task",
        "/superfone/enterprise/api/lead/1001/task/complete/",
        "/superfone/enterprise/api/lead/" + "%FF" * 2000 + "/task",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_odd_paths_and_queries_never_cause_a_5xx(sandbox: Sandbox, path: str, method: str) -> None:
    response = sandbox.client.request(method, path, headers=auth(KEY_A), content=b"\x00")
    assert response.status_code < 500


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /superfone/enterprise/api/lead/\xff\xfe/task HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /superfone/enterprise/api/lead/1001/task?page=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /superfone/enterprise/api/lead/1001/task HTTP/1.1\r\nHost: x\r\nx-api-key: \xff\x00\r\n\r\n",
        b"\x00\x01\x02 not http at all\r\n\r\n",
    ],
    ids=["non-ascii-path", "non-ascii-query", "binary-key", "garbage"],
)
def test_raw_bytes_never_cause_a_5xx(slot: AppSlot, request_bytes: bytes) -> None:
    host, port = httpx.URL(slot.base_url).host, httpx.URL(slot.base_url).port
    assert port is not None
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(request_bytes)
        status_line = connection.recv(64).split(b"\r\n", 1)[0]
    assert re.fullmatch(rb"HTTP/1\.1 [1-4]\d\d .*", status_line), status_line
