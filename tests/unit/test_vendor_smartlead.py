"""The SmartLead vendor: its configuration section, the key in the query, confinement of generated ids,
and the response checks that judge a created task against the body that created it."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from taskconform.checks import ResponseContext
from taskconform.client import WRONG_KEY, ApiClient, AuthMode
from taskconform.config import RunSettings, VendorTarget, parse_config
from taskconform.errors import ConfigError
from taskconform.findings import Verification
from taskconform.redaction import Redactor
from taskconform.target import Target, WorkerSlot
from taskconform.vendors import VENDORS, vendor_sections
from taskconform.vendors.smartlead import SMARTLEAD
from taskconform.vendors.smartlead.api import confine, create_task
from taskconform.vendors.smartlead.checks import (
    is_plain_text,
    sent_due_date,
    task_due_date_is_sent_instant,
    task_echoes_sent_fields,
    task_keeps_sent_priority,
    task_priority_defaults_to_medium,
)

KEY = "slk-unit-9d1c&x"
IDS = (2433664091, 2433664092, 2433664093)
FIRST_WORKER = WorkerSlot()
SECTION = """
[smartlead]
base_url = "https://staging.example.com/smartlead"    # /api/v1/master-inbox/create-task is appended
api_key_env = "SMARTLEAD_API_KEY"
email_lead_map_ids = [2433664091]
"""


def _target(handler: Any = None, slot: WorkerSlot = FIRST_WORKER) -> Target:
    redactor = Redactor({KEY: "SMARTLEAD_API_KEY"})
    transport = httpx.MockTransport(handler or (lambda request: httpx.Response(200, json={})))
    client = ApiClient("http://target.test/smartlead", SMARTLEAD.auth, KEY, redactor, transport=transport)
    config = VendorTarget(
        "smartlead",
        "http://target.test/smartlead",
        {"api_key_env": "SMARTLEAD_API_KEY", "email_lead_map_ids": IDS},
        {"SMARTLEAD_API_KEY": KEY},
    )
    return Target(SMARTLEAD, config, client, RunSettings(), slot)


# --- Configuration ----------------------------------------------------------------------------


def test_the_documented_section_parses() -> None:
    config = parse_config(tomllib.loads(SECTION), vendor_sections(), environ={"SMARTLEAD_API_KEY": KEY})
    target = config.vendors["smartlead"]
    assert target.base_url == "https://staging.example.com/smartlead"
    assert dict(target.options) == {"api_key_env": "SMARTLEAD_API_KEY", "email_lead_map_ids": (2433664091,)}
    assert target.secret("api_key_env") == KEY
    assert KEY not in str(target.redacted())


def test_the_registry_finds_smartlead() -> None:
    assert VENDORS["smartlead"] is SMARTLEAD


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            SECTION.replace("email_lead_map_ids = [2433664091]", ""),
            "missing the required key 'email_lead_map_ids'",
        ),
        (SECTION.replace("[2433664091]", '["2433664091"]'), "not a whole number"),
        (SECTION + "foreign_email_lead_map_ids = [1]\n", "unknown key 'foreign_email_lead_map_ids'"),
    ],
    ids=["no-ids", "text-id", "no-foreign-pool"],
)
def test_a_bad_section_is_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(tomllib.loads(text), vendor_sections(), environ={"SMARTLEAD_API_KEY": KEY})


def test_workers_share_the_ids_and_only_the_own_pool_exists() -> None:
    assert _target().pools() == {"own": IDS}
    assert _target(slot=WorkerSlot(1, 2)).pools() == {"own": (2433664092,)}
    with pytest.raises(ConfigError, match="4 workers but only 3 email_lead_map_ids"):
        _target(slot=WorkerSlot(3, 4)).pools()


# --- The key in the query ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "sent"), [(AuthMode.VALID, [KEY]), (AuthMode.WRONG, [WRONG_KEY]), (AuthMode.MISSING, [])]
)
def test_the_key_travels_as_the_api_key_query_parameter(auth: AuthMode, sent: list[str]) -> None:
    seen: list[httpx.Request] = []
    target = _target(lambda request: seen.append(request) or httpx.Response(200, json={}))
    exchange = create_task(target, Verification(target.client.redactor), {"name": "x"}, auth=auth)
    (request,) = seen
    assert request.url.path == "/smartlead/api/v1/master-inbox/create-task"
    assert request.url.params.get_list("api_key") == sent
    assert "x-api-key" not in request.headers and "authorization" not in request.headers
    if auth is AuthMode.VALID:
        evidence = json.dumps(exchange.to_dict(target.client.redactor))
        assert "api_key=***" in evidence and "${SMARTLEAD_API_KEY}" in evidence
        assert "9d1c" not in evidence


# --- Confinement of generated requests --------------------------------------------------------


def _confined(value: Any) -> Any:
    case = SimpleNamespace(body={"email_lead_map_id": value, "name": "x"})
    confine(_target(), case, lambda pool: pool[-1])  # type: ignore[arg-type]
    assert case.body["name"] == "x"
    return case.body["email_lead_map_id"]


@pytest.mark.parametrize(
    ("generated", "sent"),
    [
        (5, IDS[-1]),
        (-1.5e300, IDS[-1]),
        (0.0, IDS[-1]),
        ("123", str(IDS[-1])),
        ("123abc", str(IDS[-1])),
        ("0x1F", str(IDS[-1])),
        ("١٢٣", str(IDS[-1])),
        ("", str(IDS[-1])),
        ("  ", str(IDS[-1])),
        ("abc", "abc"),
        ("Infinity", "Infinity"),
        (True, "true"),
        ([5, "x", [7]], [IDS[-1], "x", [IDS[-1]]]),
        ({"id": 5}, {"id": IDS[-1]}),
        ({}, {}),
        (None, None),
    ],
)
def test_generated_ids_a_lenient_server_reads_as_numbers_become_configured_ones(
    generated: Any, sent: Any
) -> None:
    assert _confined(generated) == sent


@pytest.mark.parametrize("body", [{"name": "x"}, [1, 2], b"\x00", None])
def test_bodies_without_an_id_are_left_alone(body: Any) -> None:
    case = SimpleNamespace(body=body)
    confine(_target(), case, lambda pool: pool[0])  # type: ignore[arg-type]
    assert case.body == body


# --- Response checks --------------------------------------------------------------------------


def _judged(check: Any, sent: Any, answer: Any, status: int = 200) -> tuple[set[str], list[str]]:
    """(clauses exercised, findings' actual values) of ``check`` on one fabricated exchange."""
    target = _target(lambda request: httpx.Response(status, json=answer))
    exchange = target.client.request("POST", "/x", json_body=sent)
    verify = Verification(target.client.redactor)
    check(verify, "CLAUSE", ResponseContext(target.operation("createTask"), exchange, {}))
    return verify.exercised, [finding.actual for finding in verify.findings]


TASK = {"email_lead_map_id": 1, "name": "n", "description": "d", "priority": "HIGH", "due_date": None}


@pytest.mark.parametrize(
    ("sent", "answered", "findings"),
    [
        ({"email_lead_map_id": 1, "name": "n", "description": "d"}, TASK, []),
        ({"email_lead_map_id": 1.0, "name": "n"}, TASK, []),
        ({"email_lead_map_id": 2, "name": "n"}, TASK, ["1"]),
        ({"email_lead_map_id": 1, "name": "m"}, TASK, ["'n'"]),
        ({"email_lead_map_id": 1, "name": "n", "description": "e"}, {**TASK, "description": None}, ["None"]),
        ({"email_lead_map_id": 1, "name": "n", "description": "e"}, {"name": "n"}, ["'(absent)'"] * 2),
    ],
)
def test_echo_compares_what_was_sent(sent: dict, answered: dict, findings: list[str]) -> None:
    exercised, actual = _judged(task_echoes_sent_fields, sent, {"ok": True, "data": answered})
    assert exercised == {"CLAUSE"} and actual == findings


@pytest.mark.parametrize(
    "sent",
    [
        {"email_lead_map_id": "1", "name": " padded"},
        {"email_lead_map_id": True, "name": "tab\t"},
        {"name": "e\u0301"},
        {"name": "zero\u200bwidth"},
        {"name": 5, "description": ["x"]},
    ],
)
def test_echo_leaves_coerced_values_and_unplain_text_alone(sent: dict) -> None:
    assert _judged(task_echoes_sent_fields, sent, {"ok": True, "data": {}}) == (set(), [])


def test_echo_judges_success_answers_to_json_objects_only() -> None:
    assert _judged(task_echoes_sent_fields, {"name": "m"}, {"ok": False}, status=422) == (set(), [])
    assert _judged(task_echoes_sent_fields, [{"name": "m"}], {"ok": True, "data": TASK}) == (set(), [])


@pytest.mark.parametrize(
    ("sent", "answered", "judged", "findings"),
    [
        ({"priority": "LOW"}, "LOW", True, []),
        ({"priority": "LOW"}, "MEDIUM", True, ["'MEDIUM'"]),
        ({"priority": "low"}, "LOW", False, []),
        ({"priority": "URGENT"}, "MEDIUM", False, []),
        ({}, "MEDIUM", False, []),
    ],
)
def test_a_sent_priority_is_kept(sent: dict, answered: str, judged: bool, findings: list[str]) -> None:
    exercised, actual = _judged(task_keeps_sent_priority, sent, {"ok": True, "data": {"priority": answered}})
    assert (exercised == {"CLAUSE"}, actual) == (judged, findings)


@pytest.mark.parametrize(
    ("sent", "answered", "judged", "findings"),
    [
        ({"name": "x"}, "MEDIUM", True, []),
        ({"name": "x"}, "LOW", True, ["'LOW'"]),
        ({"name": "x", "priority": None}, "LOW", False, []),
        ({"name": "x", "priority": "HIGH"}, "HIGH", False, []),
    ],
)
def test_no_priority_means_medium(sent: dict, answered: str, judged: bool, findings: list[str]) -> None:
    answer = {"ok": True, "data": {"priority": answered}}
    exercised, actual = _judged(task_priority_defaults_to_medium, sent, answer)
    assert (exercised == {"CLAUSE"}, actual) == (judged, findings)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2025-12-15T09:00:00Z", datetime(2025, 12, 15, 9, tzinfo=UTC)),
        ("2025-12-15T14:30:00.000+05:30", datetime(2025, 12, 15, 9, tzinfo=UTC)),
        ("2025-12-15T09:00:00", None),
        ("2025-12-15T09:00:00.5Z", None),
        ("2025-12-15", None),
        ("not-a-date", None),
        (20251215, None),
    ],
)
def test_only_whole_second_due_dates_with_an_offset_are_compared(text: Any, instant: datetime | None) -> None:
    assert sent_due_date({"due_date": text}) == instant


@pytest.mark.parametrize(
    ("answered", "findings"),
    [
        ("2025-12-15T09:00:00Z", []),
        ("2025-12-15T09:00:00.000+00:00", []),
        ("2025-12-15T14:30:00+05:30", []),
        ("2025-12-15T14:30:00Z", ["'2025-12-15T14:30:00Z'"]),
        (None, ["None"]),
    ],
)
def test_the_due_date_instant_is_compared_not_its_spelling(answered: Any, findings: list[str]) -> None:
    sent = {"name": "x", "due_date": "2025-12-15T14:30:00+05:30"}
    exercised, actual = _judged(
        task_due_date_is_sent_instant, sent, {"ok": True, "data": {"due_date": answered}}
    )
    assert exercised == {"CLAUSE"} and actual == findings


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Follow up", True),
        ("東京 ✓ 😀", True),
        ("", True),
        (" x", False),
        ("a\nb", False),
        ("e\u0301", False),
    ],
)
def test_plain_text(text: str, plain: bool) -> None:
    assert is_plain_text(text) is plain
