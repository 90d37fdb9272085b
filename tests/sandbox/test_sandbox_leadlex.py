"""The LeadLex sandbox does what the vendor page says, and what ``contracts/leadlex.yaml`` gives as
its choices.

Source: ``contracts/seeds/003_37093ce25c986d01.txt`` (Create Task). Every test goes through real
HTTP to a uvicorn server on loopback, as the suite itself does. Documented codes and the orphan
message are copied from the page, not imported from the sandbox, so a typo there fails here.
"""

from __future__ import annotations

import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from taskconform.config import parse_config
from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app
from taskconform.sandbox.leadlex.matching import fuzzy_matches
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml
from taskconform.vendors import vendor_sections

from .sandbox_harness import SandboxBase, sandbox_fixtures

KEY_A, KEY_READONLY, KEY_B = DEFAULT_KEYS["leadlex"]
NOW = datetime(2026, 5, 19, 8, 30, tzinfo=UTC)
NOW_TEXT = "2026-05-19T08:30:00.000Z"
TASKS = "/leadlex/v1/tasks"

# Seeded records (see the module docstring of taskconform/sandbox/leadlex/data.py).
ANNA, LUKAS = "a1c00000-0000-4000-8000-000000000001", "a1c00000-0000-4000-8000-000000000002"
GRETE = "a1c00000-0000-4000-8000-000000000007"
HANS = ["a1c00000-0000-4000-8000-000000000008", "a1c00000-0000-4000-8000-000000000009"]
DEAL, EVENT = "a1d00000-0000-4000-8000-000000000001", "a1e00000-0000-4000-8000-000000000001"
COMPANY_ACME = "a1f00000-0000-4000-8000-000000000002"
OTTO, GRETE_B = "b2c00000-0000-4000-8000-000000000001", "b2c00000-0000-4000-8000-000000000002"
DEAL_B, EVENT_B = "b2d00000-0000-4000-8000-000000000001", "b2e00000-0000-4000-8000-000000000001"
NO_SUCH = "00000000-0000-4000-8000-0000000000ff"

# Documented on the page.
VALIDATION_ERROR = "validation_error"
ORPHAN = "At least one parent link (contact_id, company_id, deal_id, or event_id) is required"
# The sandbox's own choices.
UNAUTHORIZED = ("unauthorized", "Missing or invalid API key")


class Sandbox(SandboxBase):
    """A client of the LeadLex route, with workspace A's writing key unless told otherwise."""

    def post(
        self,
        body: object = None,
        *,
        key: str | None = KEY_A,
        content: bytes | None = None,
        scheme: str = "Bearer",
    ) -> httpx.Response:
        headers = {} if key is None else {"Authorization": f"{scheme} {key}".strip()}
        return self.client.post(TASKS, json=body, content=content, headers=headers)

    def task(self, **fields: object) -> dict[str, Any]:
        """Create a task (linked to Anna unless the fields say otherwise) that must succeed."""
        body = {"title": "Call back", **fields}
        if not {"contact_id", "deal_id", "event_id", "contact_name"} & set(fields):
            body["contact_id"] = ANNA
        response = self.post(body)
        assert response.status_code == 201, response.text
        assert set(response.json()) == {"data"}
        return response.json()["data"]


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["error"]["code"], body["error"]["message"]


slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


# --- Keys, configuration ----------------------------------------------------------------------


def test_default_keys_are_three_roles() -> None:
    assert DEFAULT_KEYS["leadlex"] == (
        "wbk_sandbox_workspace_a",
        "wbk_sandbox_workspace_a_readonly",
        "wbk_sandbox_workspace_b",
    )
    with pytest.raises(ValueError, match="leadlex needs 3 different API keys"):
        SandboxOptions(keys={"leadlex": ("a", "b")})
    with pytest.raises(ValueError, match="leadlex needs 3 different API keys"):
        SandboxOptions(keys={"leadlex": ("a", "a", "b")})


def test_configured_keys_replace_the_defaults(sandbox: Sandbox) -> None:
    sandbox.slot.app = create_app(SandboxOptions(keys={"leadlex": ("k-a", "k-ro", "k-b")}, now=sandbox.clock))
    assert sandbox.post({"title": "t", "contact_id": ANNA}, key=KEY_A).status_code == 401
    assert sandbox.post({"title": "t", "contact_id": ANNA}, key="k-a").status_code == 201
    assert sandbox.post({"title": "t", "contact_id": ANNA}, key="k-ro").status_code == 403
    assert sandbox.post({"title": "t", "contact_id": OTTO}, key="k-b").status_code == 201


def test_the_generated_target_configuration_is_a_valid_leadlex_section() -> None:
    keys = SandboxOptions().keys
    document = tomllib.loads(sandbox_target_toml("http://127.0.0.1:1"))
    config = parse_config(document, vendor_sections(), environ=sandbox_key_env(keys))
    leadlex = config.vendors["leadlex"]
    assert leadlex.base_url == "http://127.0.0.1:1/leadlex"
    assert leadlex.secret("api_key_env") == KEY_A
    assert leadlex.secret("readonly_api_key_env") == KEY_READONLY
    assert KEY_B not in config.secret_values()
    assert leadlex.options["contact_ids"][:2] == (ANNA, LUKAS)
    assert leadlex.options["foreign_contact_ids"] == (OTTO, GRETE_B)
    assert (leadlex.options["unique_contact_name"], leadlex.options["unique_contact_id"]) == (
        "Grete Schmidt",
        GRETE,
    )
    assert (leadlex.options["ambiguous_contact_name"], leadlex.options["ambiguous_contact_ids"]) == (
        "Hans Müller",
        tuple(HANS),
    )
    assert leadlex.options["unique_company_name"] == "Acme Logistics"


# --- Authentication and permission ------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "scheme"),
    [
        (None, "Bearer"),
        ("", "Bearer"),
        ("wrong", "Bearer"),
        ("wbk_0123456789abcdef", "Bearer"),
        (KEY_A, "Basic"),
        (KEY_A, "Token"),
        (KEY_A.upper(), "Bearer"),
        (KEY_A, ""),
        (f"{KEY_A} more", "Bearer"),
        (f"{KEY_A[:4]} {KEY_A[4:]}", "Bearer"),
    ],
    ids=[
        "missing",
        "empty",
        "unknown",
        "unknown-of-the-documented-shape",
        "basic-scheme",
        "token-scheme",
        "case-changed",
        "no-scheme",
        "key-then-more",
        "space-inside",
    ],
)
def test_a_missing_or_invalid_key_is_401(sandbox: Sandbox, key: str | None, scheme: str) -> None:
    response = sandbox.post({"title": "t", "contact_id": ANNA}, key=key, scheme=scheme)
    assert error(response) == (401, *UNAUTHORIZED)


def test_the_scheme_word_is_case_insensitive(sandbox: Sandbox) -> None:
    assert sandbox.post({"title": "t", "contact_id": ANNA}, scheme="bearer").status_code == 201


def test_a_key_without_activities_write_is_403_before_the_body_is_read(sandbox: Sandbox) -> None:
    expected = (403, "insufficient_permissions", "Missing activities:write permission")
    assert error(sandbox.post({"title": "t", "contact_id": ANNA}, key=KEY_READONLY)) == expected
    assert error(sandbox.post(content=b"not json", key=KEY_READONLY)) == expected
    assert error(sandbox.post(content=b"not json", key=None))[0] == 401


def test_workspace_b_has_its_own_records(sandbox: Sandbox) -> None:
    task = sandbox.post({"title": "t", "contact_id": OTTO, "deal_id": DEAL_B}, key=KEY_B).json()["data"]
    assert (task["contact_id"], task["deal_id"]) == (OTTO, DEAL_B)
    assert sandbox.post({"title": "t", "contact_id": ANNA}, key=KEY_B).status_code == 404
    resolved = sandbox.post({"title": "t", "contact_name": "Grete Schmidt"}, key=KEY_B).json()["data"]
    assert resolved["contact_id"] == GRETE_B


# --- The created task -------------------------------------------------------------------------


def test_create_returns_the_documented_task(sandbox: Sandbox) -> None:
    response = sandbox.post({"title": "Follow up with Hans Müller", "contact_id": ANNA})
    assert response.status_code == 201
    task = response.json()["data"]
    assert uuid.UUID(task["id"]).version == 4
    assert task == {
        "id": task["id"],
        "title": "Follow up with Hans Müller",
        "description": None,
        "status": "open",
        "priority": None,
        "task_type": None,
        "due_date": None,
        "assigned_to_user_id": None,
        "contact_id": ANNA,
        "deal_id": None,
        "event_id": None,
        "company_id": None,
        "created_date": NOW_TEXT,
    }


def test_every_field_is_kept(sandbox: Sandbox) -> None:
    task = sandbox.task(
        description="Pricing for 50 seats",
        status="in_progress",
        priority="high",
        task_type="call",
        due_date="2026-06-01",
        assignee_id="user-42",
        contact_id=ANNA,
        deal_id=DEAL,
        event_id=EVENT,
        company_name="acme",
        unknown_field={"ignored": True},
    )
    assert {k: v for k, v in task.items() if k not in ("id", "title")} == {
        "description": "Pricing for 50 seats",
        "status": "in_progress",
        "priority": "high",
        "task_type": "call",
        "due_date": "2026-06-01",
        "assigned_to_user_id": "user-42",
        "contact_id": ANNA,
        "deal_id": DEAL,
        "event_id": EVENT,
        "company_id": COMPANY_ACME,
        "created_date": NOW_TEXT,
    }


def test_task_ids_are_unique(sandbox: Sandbox) -> None:
    assert len({sandbox.task()["id"] for _ in range(5)}) == 5


@pytest.mark.parametrize("status", ["open", "in_progress", "completed"])
def test_each_documented_status_is_kept(sandbox: Sandbox, status: str) -> None:
    assert sandbox.task(status=status)["status"] == status


def test_status_defaults_to_open_also_when_null(sandbox: Sandbox) -> None:
    assert sandbox.task()["status"] == sandbox.task(status=None)["status"] == "open"


@pytest.mark.parametrize("priority", ["low", "medium", "high"])
def test_each_documented_priority_is_kept(sandbox: Sandbox, priority: str) -> None:
    assert sandbox.task(priority=priority)["priority"] == priority


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "done", "status must be one of open, in_progress, completed"),
        ("status", "OPEN", "status must be one of open, in_progress, completed"),
        ("priority", "urgent", "priority must be one of low, medium, high"),
        ("priority", ["low"], "priority must be one of low, medium, high"),
        ("description", 5, "description must be a string"),
        ("task_type", {}, "task_type must be a string"),
        ("assignee_id", 42, "assignee_id must be a string"),
        ("contact_id", "not-a-uuid", "contact_id must be a UUID"),
        ("deal_id", 12, "deal_id must be a UUID"),
        ("company_name", True, "company_name must be a string"),
    ],
)
def test_a_field_outside_its_values_is_400(sandbox: Sandbox, field: str, value: object, message: str) -> None:
    body = {"title": "t", "event_id": EVENT, field: value}
    assert error(sandbox.post(body)) == (400, VALIDATION_ERROR, message)


# --- title and parent links -------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"title": None}, {"title": ""}, {"title": "  \t"}])
def test_a_missing_title_is_400_validation_error(sandbox: Sandbox, body: dict[str, object]) -> None:
    assert error(sandbox.post({**body, "contact_id": ANNA})) == (400, VALIDATION_ERROR, "title is required")


def test_a_title_of_another_type_is_400(sandbox: Sandbox) -> None:
    assert error(sandbox.post({"title": 7, "contact_id": ANNA})) == (
        400,
        VALIDATION_ERROR,
        "title must be a string",
    )


def test_the_title_is_kept_character_for_character(sandbox: Sandbox) -> None:
    title = "  Müller & Søn — 日本 \U0001f44b  "
    assert sandbox.task(title=title)["title"] == title


@pytest.mark.parametrize(
    "body",
    [
        {"title": "t"},
        {"title": "t", "contact_id": None, "deal_id": None, "event_id": None},
        {"title": "t", "company_name": "Acme Logistics"},
        {"title": "t", "status": "open", "priority": "high", "due_date": "2030-01-15", "description": "d"},
    ],
    ids=["title-only", "null-links", "company-only", "all-but-links"],
)
def test_an_orphan_is_400_with_the_documented_example(sandbox: Sandbox, body: dict[str, object]) -> None:
    assert error(sandbox.post(body)) == (400, VALIDATION_ERROR, ORPHAN)


@pytest.mark.parametrize(("link", "record"), [("contact_id", ANNA), ("deal_id", DEAL), ("event_id", EVENT)])
def test_each_link_alone_is_enough_and_kept(sandbox: Sandbox, link: str, record: str) -> None:
    task = sandbox.task(**{link: record})
    assert {name: task[name] for name in ("contact_id", "deal_id", "event_id")} == {
        "contact_id": None,
        "deal_id": None,
        "event_id": None,
        link: record,
    }


def test_ids_compare_case_insensitively(sandbox: Sandbox) -> None:
    assert sandbox.task(contact_id=ANNA.upper(), deal_id=DEAL.upper())["contact_id"] == ANNA


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_id", OTTO, "contact_id does not match a contact of your workspace"),
        ("contact_id", NO_SUCH, "contact_id does not match a contact of your workspace"),
        ("deal_id", DEAL_B, "deal_id does not match a deal of your workspace"),
        ("event_id", EVENT_B, "event_id does not match a event of your workspace"),
    ],
)
def test_a_record_outside_the_workspace_is_404(
    sandbox: Sandbox, field: str, value: str, message: str
) -> None:
    body = {"title": "t", "deal_id": DEAL, field: value}
    assert error(sandbox.post(body)) == (404, "not_found", message)


# --- contact_name and company_name ------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Grete Schmidt", "grete SCHMIDT", "  Grete   Schmidt ", "Grete", "G. Schmidt", "Grete Schmit"]
)
def test_a_unique_contact_name_resolves_within_the_workspace(sandbox: Sandbox, name: str) -> None:
    assert sandbox.task(contact_name=name)["contact_id"] == GRETE


def test_a_contact_name_alone_is_a_parent_link(sandbox: Sandbox) -> None:
    assert sandbox.task(contact_name="Grete Schmidt")["deal_id"] is None


@pytest.mark.parametrize("name", ["Hans Müller", "hans muller", "Hans", "Müller"])
def test_an_ambiguous_contact_name_is_400_with_the_candidates(sandbox: Sandbox, name: str) -> None:
    response = sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": name})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "ambiguous_reference",
            "message": "contact_name matches several contacts",
            "candidates": HANS,
        }
    }


@pytest.mark.parametrize("name", ["Nobody Known", "", "!!!", "x" * 201])
def test_a_contact_name_matching_nothing_is_400(sandbox: Sandbox, name: str) -> None:
    response = sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": name})
    assert error(response) == (400, VALIDATION_ERROR, "contact_name matches no contact of your workspace")


def test_contact_id_wins_over_contact_name(sandbox: Sandbox) -> None:
    assert sandbox.task(contact_id=ANNA, contact_name="Hans Müller")["contact_id"] == ANNA


def test_company_name_is_matched_within_the_workspace(sandbox: Sandbox) -> None:
    assert sandbox.task(company_name="Acme")["company_id"] == COMPANY_ACME
    response = sandbox.post({"title": "t", "contact_id": ANNA, "company_name": "Braun Consulting"})
    assert error(response) == (400, VALIDATION_ERROR, "company_name matches no company of your workspace")


def test_fuzzy_matching() -> None:
    names = {"1": "Hans Müller", "2": "Hans-Peter Müller", "3": "Grete Schmidt", "4": "Ærøskøbing Ltd."}
    assert fuzzy_matches("hans muller", names) == ["1", "2"]
    assert fuzzy_matches("Hans Peter", names) == ["2"]
    assert fuzzy_matches("muller hans", names) == []  # words in order
    assert fuzzy_matches("Grete Schmitd", names) == ["3"]  # a typo: difflib
    assert fuzzy_matches("aeroskobing", names) == []  # Æ and ø do not decompose
    assert fuzzy_matches("Ærøskøbing", names) == ["4"]
    assert fuzzy_matches("\ud800", names) == []


# --- due_date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        ("2026-03-10", "2026-03-10"),
        ("2026-03-10T15:00:00Z", "2026-03-10T15:00:00.000Z"),
        ("2026-03-10T20:30:00+05:30", "2026-03-10T15:00:00.000Z"),
        ("2026-03-10T12:00:00.123456-0300", "2026-03-10T15:00:00.123Z"),
        ("2026-03-10T17:00+02", "2026-03-10T15:00:00.000Z"),
        ("2026-03-10T15:00:00", "2026-03-10T15:00:00.000Z"),
        ("2020-01-01", "2020-01-01"),
    ],
)
def test_due_date_takes_both_documented_forms(sandbox: Sandbox, sent: str, returned: str) -> None:
    assert sandbox.task(due_date=sent)["due_date"] == returned


@pytest.mark.parametrize(
    "sent",
    ["2026-02-30", "2026-03-10T25:00:00Z", "10/03/2026", "2026-03-10T15:00:00+24:00", "", 20260310, "now"],
)
def test_a_due_date_in_no_accepted_form_is_400(sandbox: Sandbox, sent: object) -> None:
    message = "due_date must be an ISO 8601 timestamp or YYYY-MM-DD"
    assert error(sandbox.post({"title": "t", "contact_id": ANNA, "due_date": sent})) == (
        400,
        VALIDATION_ERROR,
        message,
    )


# --- created_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent",
    [
        "2026-05-18T08:30:00Z",
        "2021-05-19T08:30:00.000Z",  # exactly 5 years before now: inclusive
        "2026-05-20T08:30:00Z",  # exactly 24 h ahead: inclusive
        "2026-05-19T14:00:00+05:30",
        "2024-02-29T23:59:59.999999-12:00",
    ],
)
def test_a_created_date_inside_the_window_is_returned_as_sent(sandbox: Sandbox, sent: str) -> None:
    assert sandbox.task(created_date=sent)["created_date"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "2021-05-19T08:29:59.999Z",
        "2026-05-20T08:30:00.001Z",
        "2000-01-01T00:00:00Z",
        "2099-01-01T00:00:00Z",
        "2026-05-18",  # a date, not a timestamp
        "yesterday",
        1747643400,
        {"at": "2026-05-18T08:30:00Z"},
    ],
)
def test_any_other_created_date_is_the_server_now(sandbox: Sandbox, sent: object) -> None:
    assert sandbox.task(created_date=sent)["created_date"] == NOW_TEXT


def test_the_5_year_window_from_a_29_february(sandbox: Sandbox) -> None:
    sandbox.clock.current = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert sandbox.task(created_date="2023-02-28T12:00:00Z")["created_date"] == "2023-02-28T12:00:00Z"
    assert sandbox.task(created_date="2023-02-28T11:59:59Z")["created_date"] == "2028-02-29T12:00:00.000Z"


def test_created_date_is_the_clock_at_creation(sandbox: Sandbox) -> None:
    sandbox.clock.current = NOW + timedelta(hours=3, microseconds=456789)
    assert sandbox.task()["created_date"] == "2026-05-19T11:30:00.456Z"


# --- Bodies and robustness --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Request body is empty"),
        (b"", "Request body is empty"),
        (b" \r\n\t", "Request body is empty"),
        (b'{"title": ', "Request body is not valid JSON"),
        (b'{"title": NaN, "contact_id": "x"}', "Request body is not valid JSON"),
        (b"\xff\xfe\x00", "Request body is not valid JSON"),
        (b"[" * 100_000, "Request body is not valid JSON"),
        (b'["title"]', "Request body must be a JSON object"),
        (b'"title"', "Request body must be a JSON object"),
        (b"null", "Request body must be a JSON object"),
    ],
)
def test_a_body_that_is_no_json_object_is_400(sandbox: Sandbox, content: bytes | None, message: str) -> None:
    assert error(sandbox.post(content=content)) == (400, VALIDATION_ERROR, message)


def test_content_type_is_not_inspected(sandbox: Sandbox) -> None:
    response = sandbox.client.post(
        TASKS,
        content=b'{"title": "t", "contact_id": "' + ANNA.encode() + b'"}',
        headers={"Authorization": f"Bearer {KEY_A}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 201


def test_precedence_of_the_body_errors(sandbox: Sandbox) -> None:
    # A field error before the orphan check, the orphan check before the record lookup.
    assert error(sandbox.post({"title": "t", "status": "x"}))[2].startswith("status must be")
    assert error(sandbox.post({"status": "x"}))[2] == "title is required"
    assert error(sandbox.post({"title": "t", "contact_id": OTTO, "contact_name": "Hans"}))[0] == 404
    assert error(sandbox.post({"title": "t", "deal_id": DEAL_B, "contact_name": "Hans"}))[0] == 404


@pytest.mark.parametrize(
    "content",
    [
        b"\x00",
        b'{"title": "\\u0000", "contact_id": "\\u0000"}',
        b'{"title": 1' + b"0" * 5000 + b"}",
        b'{"title": 1e999, "deal_id": []}',
        b'{"title": "t", "contact_name": "\\ud800", "deal_id": "' + DEAL.encode() + b'"}',
        b'{"title": "t", "created_date": "9999-12-31T23:59:59-23:59", "contact_id": "'
        + ANNA.encode()
        + b'"}',
        b'{"title": "t", "due_date": "0000-01-01", "contact_id": "' + ANNA.encode() + b'"}',
        '{"title": "t"}'.encode("utf-16"),
        b"x" * 1_000_000,
    ],
)
def test_arbitrary_bodies_never_cause_a_5xx(sandbox: Sandbox, content: bytes) -> None:
    response = sandbox.post(content=content)
    assert response.status_code < 500
    assert set(response.json()) <= {"data", "error"}


def test_a_lone_surrogate_is_echoed(sandbox: Sandbox) -> None:
    response = sandbox.post(content=b'{"title": "a\\ud800b", "contact_id": "' + ANNA.encode() + b'"}')
    assert response.json()["data"]["title"] == "a\ud800b"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_without_a_5xx(sandbox: Sandbox, method: str) -> None:
    response = sandbox.client.request(method, TASKS, headers={"Authorization": f"Bearer {KEY_A}"})
    assert response.status_code == 405


def test_errors_carry_the_documented_body(sandbox: Sandbox) -> None:
    for response in (sandbox.post({"title": "t"}), sandbox.post(key=KEY_READONLY), sandbox.post(key=None)):
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
