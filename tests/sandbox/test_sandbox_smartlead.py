"""The SmartLead sandbox does what the vendor page says, and what the ``undocumented`` entries of
``contracts/smartlead.yaml`` give as its choices.

Source: ``contracts/seeds/004_e3a480ce000b28b6.txt``. Every test goes through real HTTP to a uvicorn
server on loopback, as the suite itself will. Expected values are written out here, not imported from
the sandbox, so a typo there fails a test.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from taskconform.config import parse_config
from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml
from taskconform.vendors import vendor_sections

from .sandbox_harness import AppSlot, SandboxBase, sandbox_fixtures

KEY_A, KEY_B = "sl-sandbox-account-a", "sl-sandbox-account-b"
ID_A, ID_A2, ID_B = 2433664091, 2433664092, 3122000001
PATH = "/smartlead/api/v1/master-inbox/create-task"
NOW = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
NOW_TEXT = "2025-12-01T10:00:00.000Z"
FIRST_ID = 1000

# The page's example request and the task its example response shows.
EXAMPLE = {
    "email_lead_map_id": 2433664091,
    "name": "Follow up on enterprise proposal",
    "description": "Send pricing breakdown for 50-seat plan",
    "priority": "HIGH",
    "due_date": "2025-12-15T09:00:00Z",
}
EXAMPLE_TASK = {"id": FIRST_ID, **EXAMPLE, "created_at": NOW_TEXT}

# The sandbox's messages: the 401 description of the page, and its own choices elsewhere.
UNAUTHORIZED = "Invalid or missing API key"
MALFORMED = "Malformed request body"
NOT_AN_OBJECT = "Request body must be a JSON object"
ID_REQUIRED = "email_lead_map_id is required"
NAME_REQUIRED = "name is required"
ID_NOT_A_NUMBER = "email_lead_map_id must be a number"
ID_NOT_FOUND = "email_lead_map_id not found"
PRIORITY_INVALID = "priority must be one of LOW, MEDIUM, HIGH"
DUE_DATE_INVALID = "due_date must be an ISO 8601 date-time"


_UNSET: Any = object()


class Sandbox(SandboxBase):
    """A client of the SmartLead route, with account A's key unless told otherwise."""

    def create(
        self,
        body: Any = _UNSET,
        *,
        key: str | None = KEY_A,
        content: bytes | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """``body`` is sent as JSON, ``content`` as raw bytes (neither: no body); the key in the query."""
        query = params if params is not None else ({} if key is None else {"api_key": key})
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        if body is not _UNSET:
            return self.client.post(PATH, json=body, params=query, headers=headers)
        return self.client.post(PATH, content=content, params=query, headers=sent_headers)

    def task(self, **fields: Any) -> dict[str, Any]:
        """Create a task that must succeed (the page's example, with ``fields`` changed); its data."""
        response = self.create({**EXAMPLE, **fields})
        assert response.status_code == 200, response.text
        return response.json()["data"]


slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (status, {"ok": False, "message": message})


# --- Keys, accounts and the generated target configuration ------------------------------------


def test_default_keys_are_two_roles() -> None:
    assert DEFAULT_KEYS["smartlead"] == (KEY_A, KEY_B)


def test_target_section_names_account_a_ids_and_parses() -> None:
    toml = sandbox_target_toml("http://127.0.0.1:1")
    section = tomllib.loads(toml)["smartlead"]
    assert section == {
        "base_url": "http://127.0.0.1:1/smartlead",
        "api_key_env": "SMARTLEAD_API_KEY",
        "email_lead_map_ids": list(range(2433664091, 2433664099)),
    }
    env = sandbox_key_env(SandboxOptions().keys)
    assert env["SMARTLEAD_API_KEY"] == KEY_A and KEY_B not in env.values()
    config = parse_config(tomllib.loads(toml), vendor_sections(), environ=env)
    assert config.vendors["smartlead"].secret("api_key_env") == KEY_A


def test_configured_keys_replace_the_defaults(sandbox: Sandbox, slot: AppSlot) -> None:
    slot.app = create_app(SandboxOptions(keys={"smartlead": ("key-a", "key-b")}, now=sandbox.clock))
    assert_error(sandbox.create(EXAMPLE), 401, UNAUTHORIZED)
    assert sandbox.create(EXAMPLE, key="key-a").status_code == 200
    assert sandbox.create({**EXAMPLE, "email_lead_map_id": ID_B}, key="key-b").status_code == 200


# --- Success ----------------------------------------------------------------------------------


def test_the_documented_example_gives_the_documented_answer(sandbox: Sandbox) -> None:
    response = sandbox.create(EXAMPLE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"ok": True, "data": EXAMPLE_TASK}


def test_required_fields_only(sandbox: Sandbox) -> None:
    task = sandbox.create({"email_lead_map_id": ID_A2, "name": "Call back"}).json()["data"]
    assert task == {
        "id": FIRST_ID,
        "email_lead_map_id": ID_A2,
        "name": "Call back",
        "description": None,
        "priority": "MEDIUM",
        "due_date": None,
        "created_at": NOW_TEXT,
    }


@pytest.mark.parametrize("priority", ["LOW", "MEDIUM", "HIGH"])
def test_each_priority_is_kept(sandbox: Sandbox, priority: str) -> None:
    assert sandbox.task(priority=priority)["priority"] == priority


@pytest.mark.parametrize("body", [{"priority": None}, {}], ids=["null", "absent"])
def test_priority_defaults_to_medium(sandbox: Sandbox, body: dict[str, object]) -> None:
    task = sandbox.create({"email_lead_map_id": ID_A, "name": "x", **body}).json()["data"]
    assert task["priority"] == "MEDIUM"


def test_ids_count_up_across_accounts_and_duplicates_are_new_tasks(sandbox: Sandbox) -> None:
    first = sandbox.task()["id"]
    other = sandbox.create({**EXAMPLE, "email_lead_map_id": ID_B}, key=KEY_B).json()["data"]["id"]
    again = sandbox.task()["id"]
    assert [first, other, again] == [FIRST_ID, FIRST_ID + 1, FIRST_ID + 2]


def test_text_is_kept_exactly(sandbox: Sandbox) -> None:
    task = sandbox.task(name="", description="  padded\n\ttext \u0301 😀 ")
    assert (task["name"], task["description"]) == ("", "  padded\n\ttext \u0301 😀 ")


def test_a_lone_surrogate_is_echoed_as_ascii_json(sandbox: Sandbox) -> None:
    response = sandbox.create(content=b'{"email_lead_map_id": 2433664091, "name": "a\\ud800b"}')
    assert response.json()["data"]["name"] == "a\ud800b"
    assert b"\\ud800" in response.content


def test_a_float_equal_to_an_id_is_that_id(sandbox: Sandbox) -> None:
    response = sandbox.create(content=b'{"email_lead_map_id": 2433664091.0, "name": "x"}')
    assert response.json()["data"]["email_lead_map_id"] == ID_A
    assert b'"email_lead_map_id":2433664091,' in response.content


def test_created_at_is_the_clock_to_the_millisecond(sandbox: Sandbox) -> None:
    sandbox.clock.current = NOW + timedelta(microseconds=123_999)
    assert sandbox.task()["created_at"] == "2025-12-01T10:00:00.123Z"


def test_unknown_fields_are_ignored_and_the_content_type_is_not_inspected(sandbox: Sandbox) -> None:
    assert sandbox.task(status="open", extra={"a": [1]}) == EXAMPLE_TASK
    response = sandbox.create(
        content=b'{"email_lead_map_id": 2433664091, "name": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 200


# --- due_date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("2025-12-15T09:00:00Z", "2025-12-15T09:00:00Z"),
        ("2025-12-15T09:00:00.000Z", "2025-12-15T09:00:00Z"),
        ("2025-12-15T09:00:00+00:00", "2025-12-15T09:00:00Z"),
        ("2025-12-15T14:30:00+05:30", "2025-12-15T09:00:00Z"),
        ("2025-12-15T01:00:00-08:00", "2025-12-15T09:00:00Z"),
        ("2025-12-16T00:30:00+15:30", "2025-12-15T09:00:00Z"),
        ("2025-12-15T09:00Z", "2025-12-15T09:00:00Z"),
        ("2025-12-15T09:00:00", "2025-12-15T09:00:00Z"),
        ("2025-12-15T09:00:00.5Z", "2025-12-15T09:00:00.500Z"),
        ("2025-12-15T09:00:00.1234567Z", "2025-12-15T09:00:00.123456Z"),
        ("0614-04-14T17:16:09Z", "0614-04-14T17:16:09Z"),
        ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
    ],
)
def test_due_date_is_answered_as_the_same_instant_in_utc(sandbox: Sandbox, sent: str, answered: str) -> None:
    assert sandbox.task(due_date=sent)["due_date"] == answered


@pytest.mark.parametrize(
    "value",
    [
        "not-a-date",
        "2025-12-15",
        "20251215T090000Z",
        "2025-12-15 09:00:00Z",
        "2025-12-15t09:00:00z",
        "2025-02-30T09:00:00Z",
        "2025-12-15T24:00:00Z",
        "2025-12-15T09:00:00+24:00",
        "2025-12-15T09:00:00+0530",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "２０２５-12-15T09:00:00Z",
        "",
        20251215,
        True,
        ["2025-12-15T09:00:00Z"],
    ],
)
def test_due_date_that_is_not_an_accepted_date_time_is_422(sandbox: Sandbox, value: object) -> None:
    assert_error(sandbox.create({**EXAMPLE, "due_date": value}), 422, DUE_DATE_INVALID)


def test_due_date_null_is_absent(sandbox: Sandbox) -> None:
    assert sandbox.task(due_date=None)["due_date"] is None


# --- Rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "params"),
    [
        (None, None),
        (None, {"api_key": ""}),
        (None, {"api_key": "wrong"}),
        (None, {"api_key": KEY_A.upper()}),
        (None, [("api_key", KEY_A), ("api_key", "wrong")]),
    ],
    ids=["missing", "empty", "wrong", "other-case", "last-of-two-wrong"],
)
def test_missing_or_invalid_key_is_401(sandbox: Sandbox, key: str | None, params: object) -> None:
    assert_error(sandbox.create(EXAMPLE, key=key, params=params), 401, UNAUTHORIZED)


def test_of_two_api_keys_the_last_counts(sandbox: Sandbox) -> None:
    assert sandbox.create(EXAMPLE, params=[("api_key", "wrong"), ("api_key", KEY_A)]).status_code == 200


@pytest.mark.parametrize("header", [{"x-api-key": KEY_A}, {"Authorization": f"Bearer {KEY_A}"}])
@pytest.mark.parametrize("key", [None, "wrong"], ids=["no-api-key", "wrong-api-key"])
def test_a_key_in_a_header_is_ignored(sandbox: Sandbox, key: str | None, header: dict[str, str]) -> None:
    assert_error(sandbox.create(EXAMPLE, key=key, headers=header), 401, UNAUTHORIZED)


def test_the_key_is_checked_before_the_body(sandbox: Sandbox) -> None:
    assert_error(sandbox.create(content=b"{", key="wrong"), 401, UNAUTHORIZED)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x"}, ID_REQUIRED),
        ({"email_lead_map_id": None, "name": "x"}, ID_REQUIRED),
        ({}, ID_REQUIRED),
        ({"email_lead_map_id": ID_A}, NAME_REQUIRED),
        ({"email_lead_map_id": ID_A, "name": None}, NAME_REQUIRED),
        ({"priority": "URGENT"}, ID_REQUIRED),
    ],
)
def test_a_missing_required_field_is_400(sandbox: Sandbox, body: dict[str, object], message: str) -> None:
    assert_error(sandbox.create(body), 400, message)


@pytest.mark.parametrize("content", [None, b"", b"  \r\n\t"], ids=["none", "empty", "whitespace"])
def test_no_body_reads_as_an_empty_object(sandbox: Sandbox, content: bytes | None) -> None:
    assert_error(sandbox.create(content=content), 400, ID_REQUIRED)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email_lead_map_id": "2433664091"}, ID_NOT_A_NUMBER),
        ({"email_lead_map_id": "abc"}, ID_NOT_A_NUMBER),
        ({"email_lead_map_id": True}, ID_NOT_A_NUMBER),
        ({"email_lead_map_id": {}}, ID_NOT_A_NUMBER),
        ({"email_lead_map_id": [ID_A]}, ID_NOT_A_NUMBER),
        ({"name": 5}, "name must be a string"),
        ({"name": {"title": "x"}}, "name must be a string"),
        ({"name": ["x"]}, "name must be a string"),
        ({"description": 5}, "description must be a string"),
        ({"description": {"text": "x"}}, "description must be a string"),
        ({"priority": "URGENT"}, PRIORITY_INVALID),
        ({"priority": "high"}, PRIORITY_INVALID),
        ({"priority": ""}, PRIORITY_INVALID),
        ({"priority": 1}, PRIORITY_INVALID),
        ({"email_lead_map_id": ID_A2 + 100}, ID_NOT_FOUND),
        ({"email_lead_map_id": ID_B}, ID_NOT_FOUND),
        ({"email_lead_map_id": 0}, ID_NOT_FOUND),
        ({"email_lead_map_id": -ID_A}, ID_NOT_FOUND),
        ({"email_lead_map_id": ID_A + 0.5}, ID_NOT_FOUND),
    ],
)
def test_a_wrong_field_is_422(sandbox: Sandbox, change: dict[str, object], message: str) -> None:
    assert_error(sandbox.create({**EXAMPLE, **change}), 422, message)


def test_fields_are_checked_in_order_and_the_id_looked_up_last(sandbox: Sandbox) -> None:
    bad = {"email_lead_map_id": "x", "name": 1, "description": 1, "priority": "x", "due_date": "x"}
    assert_error(sandbox.create(bad), 422, ID_NOT_A_NUMBER)
    assert_error(sandbox.create({"email_lead_map_id": "x"}), 422, ID_NOT_A_NUMBER)
    assert_error(sandbox.create({**bad, "email_lead_map_id": ID_A}), 422, "name must be a string")
    assert_error(
        sandbox.create({**EXAMPLE, "description": 1, "priority": "x"}), 422, "description must be a string"
    )
    assert_error(sandbox.create({**EXAMPLE, "priority": "x", "due_date": "x"}), 422, PRIORITY_INVALID)
    assert_error(
        sandbox.create({**EXAMPLE, "email_lead_map_id": ID_B, "due_date": "x"}), 422, DUE_DATE_INVALID
    )


@pytest.mark.parametrize(
    "content",
    [
        b'{"email_lead_map_id": 2433664091, "name": "x"',
        b'{"name": "x",}',
        b"{'name': 'x'}",
        b"name=x",
        b'{"email_lead_map_id": NaN, "name": "x"}',
        b'{"email_lead_map_id": Infinity, "name": "x"}',
        b'{"email_lead_map_id": 1' + b"0" * 5000 + b', "name": "x"}',
        b"\xff\xfe\x00",
        b"[" * 100_000,
    ],
)
def test_a_body_that_is_not_json_is_400(sandbox: Sandbox, content: bytes) -> None:
    assert_error(sandbox.create(content=content), 400, MALFORMED)


@pytest.mark.parametrize("content", [b"[]", b"[{}]", b'"x"', b"1", b"null", b"true"])
def test_json_that_is_not_an_object_is_400(sandbox: Sandbox, content: bytes) -> None:
    assert_error(sandbox.create(content=content), 400, NOT_AN_OBJECT)


# --- Robustness: never a 5xx ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\x00",
        b'{"email_lead_map_id": 1e999, "name": "x"}',
        b'{"email_lead_map_id": -0.0, "name": "\\u0000", "due_date": 1e-999}',
        b'{"email_lead_map_id": 2433664091, "name": "x", "due_date": "9999-12-31T23:59:59.9999999Z"}',
        '{"email_lead_map_id": 2433664091, "name": "x"}'.encode("utf-16"),
        b"\xef\xbb\xbf{}",
        b'{"email_lead_map_id": 2433664091, "name": "\xf0\x9f\x91\x8b"}',
        b"x" * 1_000_000,
    ],
)
def test_arbitrary_bodies_never_cause_a_5xx(sandbox: Sandbox, content: bytes) -> None:
    response = sandbox.create(content=content)
    assert response.status_code < 500
    assert response.json()["ok"] in (True, False)


def test_nesting_near_the_recursion_limit_never_causes_a_5xx(sandbox: Sandbox) -> None:
    statuses = set()
    for depth in range(900, 1010, 3):
        for opener, closer in (("[", "]"), ('{"k":', "}")):
            body = '{"name": ' + opener * depth + "1" + closer * depth + "}"
            statuses.add(sandbox.create(content=body.encode()).status_code)
    assert statuses <= {400, 422}


@pytest.mark.parametrize(
    "query",
    ["api_key=%00", "api_key=%FF%FE", "api_key=" + "%F0%9F%91%8B" * 500, "api_key&api_key", "%%%"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_odd_queries_and_methods_never_cause_a_5xx(sandbox: Sandbox, query: str, method: str) -> None:
    response = sandbox.client.request(method, f"{PATH}?{query}", content=b"\x00")
    assert response.status_code < 500
