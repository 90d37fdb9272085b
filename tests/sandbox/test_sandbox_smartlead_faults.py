"""Every SmartLead fault and variation really changes what the sandbox does, as its catalogue entry says.

As in ``test_sandbox_faults.py``: each case is a short scenario over real HTTP returning what a client
observes, with the faithful sandbox's result and the result with the fault (or variation) switched
on, so each test shows both that the deviation is visible from outside and that the faithful sandbox
does not show it.
"""

from __future__ import annotations

from typing import Any

import httpx

from taskconform.sandbox.faults import load_faults, load_variations

from .sandbox_harness import Build, CaseRegistry, outcome, sandbox_fixtures
from .test_sandbox_smartlead import (
    DUE_DATE_INVALID,
    EXAMPLE,
    FIRST_ID,
    ID_A,
    ID_NOT_A_NUMBER,
    ID_NOT_FOUND,
    ID_REQUIRED,
    KEY_A,
    MALFORMED,
    NAME_REQUIRED,
    NOT_AN_OBJECT,
    NOW,
    NOW_TEXT,
    PRIORITY_INVALID,
    UNAUTHORIZED,
    Sandbox,
)

slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


def field(response: httpx.Response, name: str) -> tuple[int, Any]:
    """``(200, data[name])`` for a created task (``"(absent)"`` if missing), else ``(status, message)``."""
    if response.status_code != 200:
        return outcome(response)
    return 200, response.json()["data"].get(name, "(absent)")


# --- Registry of cases ------------------------------------------------------------------------

CASES = CaseRegistry()
fault, variation = CASES.fault, CASES.variation
FAULT_CASES, VARIATION_CASES = CASES.faults, CASES.variations


# --- Faults -----------------------------------------------------------------------------------


@fault(
    "sl-wrong-key-accepted", faithful=[(401, UNAUTHORIZED)] * 2, deviant=[(200, ID_A), (401, UNAUTHORIZED)]
)
def wrong_then_missing_key(sandbox: Sandbox) -> object:
    return [field(sandbox.create(EXAMPLE, key=key), "email_lead_map_id") for key in ("wrong", None)]


@fault(
    "sl-missing-key-400",
    faithful=[(401, UNAUTHORIZED)] * 2,
    deviant=[(400, "api_key is required"), (401, UNAUTHORIZED)],
)
def missing_then_wrong_key(sandbox: Sandbox) -> object:
    return [outcome(sandbox.create(EXAMPLE, key=key)) for key in (None, "wrong")]


@fault(
    "sl-key-prefix-match",
    faithful=[(401, UNAUTHORIZED)] * 3,
    deviant=[(200, ID_A), *[(401, UNAUTHORIZED)] * 2],
)
def empty_then_truncated_then_missing_key(sandbox: Sandbox) -> object:
    queries: list[dict[str, str]] = [{"api_key": ""}, {"api_key": KEY_A + "x"}, {}]
    return [field(sandbox.create(EXAMPLE, params=query), "email_lead_map_id") for query in queries]


@fault(
    "sl-header-key-over-query", faithful=[(401, UNAUTHORIZED)] * 2, deviant=[(200, ID_A), (401, UNAUTHORIZED)]
)
def wrong_key_with_the_key_in_x_api_key_then_in_authorization(sandbox: Sandbox) -> object:
    headers = ({"x-api-key": KEY_A}, {"Authorization": f"Bearer {KEY_A}"})
    return [field(sandbox.create(EXAMPLE, key="wrong", headers=h), "email_lead_map_id") for h in headers]


@fault("sl-lead-map-id-not-required", faithful=(400, ID_REQUIRED), deviant=(200, ID_A))
def without_email_lead_map_id(sandbox: Sandbox) -> object:
    return field(sandbox.create({"name": "x"}), "email_lead_map_id")


@fault("sl-name-not-required", faithful=(400, NAME_REQUIRED), deviant=(200, ""))
def without_name(sandbox: Sandbox) -> object:
    return field(sandbox.create({"email_lead_map_id": ID_A}), "name")


@fault(
    "sl-name-object-stringified",
    faithful=[(422, "name must be a string")] * 2,
    deviant=[(200, '{"title": "x"}'), (422, "name must be a string")],
)
def name_as_object_and_array(sandbox: Sandbox) -> object:
    return [field(sandbox.create({**EXAMPLE, "name": name}), "name") for name in ({"title": "x"}, ["x"])]


@fault(
    "sl-unknown-priority-defaulted",
    faithful=[(422, PRIORITY_INVALID), (200, "LOW")],
    deviant=[(200, "MEDIUM"), (200, "LOW")],
)
def unknown_and_known_priority(sandbox: Sandbox) -> object:
    return [field(sandbox.create({**EXAMPLE, "priority": p}), "priority") for p in ("URGENT", "LOW")]


@fault(
    "sl-due-date-format-unchecked",
    faithful=[(422, DUE_DATE_INVALID), (200, "2025-12-15T09:00:00Z")],
    deviant=[(200, None), (200, "2025-12-15T09:00:00Z")],
)
def not_a_date_and_a_date(sandbox: Sandbox) -> object:
    dates = ("not-a-date", "2025-12-15T09:00:00Z")
    return [field(sandbox.create({**EXAMPLE, "due_date": d}), "due_date") for d in dates]


@fault("sl-malformed-json-422", faithful=(400, MALFORMED), deviant=(422, MALFORMED))
def malformed_json(sandbox: Sandbox) -> object:
    return outcome(sandbox.create(content=b'{"email_lead_map_id": 2433664091, "name": '))


@fault(
    "sl-array-body-500",
    faithful=[(400, NOT_AN_OBJECT)] * 3,
    deviant=[(500, "Internal Server Error"), (500, "Internal Server Error"), (400, NOT_AN_OBJECT)],
)
def array_and_string_bodies(sandbox: Sandbox) -> object:
    return [outcome(sandbox.create(content=content)) for content in (b"[]", b"[{}]", b'"x"')]


@fault("sl-due-date-required", faithful=(200, None), deviant=(400, "due_date is required"))
def without_due_date(sandbox: Sandbox) -> object:
    return field(sandbox.create({"email_lead_map_id": ID_A, "name": "x"}), "due_date")


@fault("sl-envelope-without-ok", faithful=["data", "ok"], deviant=["data"])
def success_envelope(sandbox: Sandbox) -> object:
    return sorted(sandbox.create(EXAMPLE).json())


@fault(
    "sl-description-dropped",
    faithful=[(200, EXAMPLE["description"]), (200, None)],
    deviant=[(200, None), (200, None)],
)
def with_and_without_description(sandbox: Sandbox) -> object:
    return [
        field(sandbox.create(EXAMPLE), "description"),
        field(sandbox.create({"email_lead_map_id": ID_A, "name": "x"}), "description"),
    ]


def priorities_of(sandbox: Sandbox, *sent: str | None) -> list[object]:
    bodies = [
        {"email_lead_map_id": ID_A, "name": "x", **({} if p is None else {"priority": p})} for p in sent
    ]
    return [field(sandbox.create(body), "priority")[1] for body in bodies]


@fault("sl-priority-default-low", faithful=["MEDIUM", "LOW", "HIGH"], deviant=["LOW", "LOW", "HIGH"])
def default_low_and_high(sandbox: Sandbox) -> object:
    return priorities_of(sandbox, None, "LOW", "HIGH")


@fault(
    "sl-priority-low-stored-medium", faithful=["LOW", "MEDIUM", "HIGH"], deviant=["MEDIUM", "MEDIUM", "HIGH"]
)
def each_priority(sandbox: Sandbox) -> object:
    return priorities_of(sandbox, "LOW", "MEDIUM", "HIGH")


@fault(
    "sl-due-date-timezone-shift",
    faithful=["2025-12-15T09:00:00Z"] * 3,
    deviant=["2025-12-15T09:00:00Z", "2025-12-15T14:30:00Z", "2025-12-15T01:00:00Z"],
)
def due_dates_with_offsets(sandbox: Sandbox) -> object:
    spellings = ("2025-12-15T09:00:00+00:00", "2025-12-15T14:30:00+05:30", "2025-12-15T01:00:00-08:00")
    return [sandbox.task(due_date=text)["due_date"] for text in spellings]


# --- Variations -------------------------------------------------------------------------------


def validation_failures(sandbox: Sandbox) -> object:
    """Missing field, wrong type, value outside the list, unknown id, not JSON, not an object."""
    return [
        sandbox.create({"email_lead_map_id": ID_A}).status_code,
        sandbox.create({**EXAMPLE, "email_lead_map_id": "abc"}).status_code,
        sandbox.create({**EXAMPLE, "priority": "URGENT"}).status_code,
        sandbox.create({**EXAMPLE, "email_lead_map_id": 1}).status_code,
        sandbox.create(content=b"{").status_code,
        sandbox.create(content=b"[]").status_code,
    ]


variation("sl-validation-400", faithful=[400, 422, 422, 422, 400, 400], varied=[400] * 6)(validation_failures)
variation("sl-validation-422", faithful=[400, 422, 422, 422, 400, 400], varied=[422] * 4 + [400] * 2)(
    validation_failures
)


@variation("sl-ids-large-random", faithful=(True, True, False), varied=(False, True, True))
def three_ids(sandbox: Sandbox) -> object:
    ids = [sandbox.task()["id"] for _ in range(3)]
    return ids == [FIRST_ID, FIRST_ID + 1, FIRST_ID + 2], len(set(ids)) == 3, all(i >= 10**12 for i in ids)


@variation(
    "sl-timestamps-offset",
    faithful=("2025-12-15T09:00:00Z", NOW_TEXT),
    varied=("2025-12-15T09:00:00+00:00", "2025-12-01T10:00:00.000+00:00"),
)
def timestamps(sandbox: Sandbox) -> object:
    task = sandbox.task()
    return task["due_date"], task["created_at"]


@variation("sl-due-date-verbatim", faithful="2025-12-15T09:00:00Z", varied="2025-12-15T14:30:00+05:30")
def due_date_with_an_offset(sandbox: Sandbox) -> object:
    return sandbox.task(due_date="2025-12-15T14:30:00+05:30")["due_date"]


def key_sets(sandbox: Sandbox) -> object:
    created = sandbox.create(EXAMPLE).json()
    refused = sandbox.create(EXAMPLE, key="wrong").json()
    return sorted(created), sorted(created["data"]), sorted(refused)


TASK_KEYS = ["created_at", "description", "due_date", "email_lead_map_id", "id", "name", "priority"]
variation(
    "sl-extra-fields",
    faithful=(["data", "ok"], TASK_KEYS, ["message", "ok"]),
    varied=(
        ["data", "message", "ok", "request_id"],
        sorted([*TASK_KEYS, "assignee_id", "meta", "status"]),
        ["message", "ok", "request_id"],
    ),
)(key_sets)


@variation(
    "sl-error-body-nested",
    faithful={"ok": False, "message": UNAUTHORIZED},
    varied={"success": False, "error": {"code": 401, "detail": UNAUTHORIZED}},
)
def error_body(sandbox: Sandbox) -> object:
    return sandbox.create(EXAMPLE, key=None).json()


@variation(
    "sl-absent-optional-omitted",
    faithful=(TASK_KEYS, TASK_KEYS),
    varied=(sorted(set(TASK_KEYS) - {"description", "due_date"}), TASK_KEYS),
)
def required_only_and_full(sandbox: Sandbox) -> object:
    bare = sandbox.create({"email_lead_map_id": ID_A, "name": "x"}).json()["data"]
    return sorted(bare), sorted(sandbox.task())


@variation(
    "sl-lenient-types",
    faithful=[(422, ID_NOT_A_NUMBER), (422, ID_NOT_A_NUMBER), (422, "name must be a string")],
    varied=[(200, ID_A), (422, ID_NOT_A_NUMBER), (200, "5")],
)
def numeric_string_id_text_id_and_number_name(sandbox: Sandbox) -> object:
    return [
        field(sandbox.create({**EXAMPLE, "email_lead_map_id": str(ID_A)}), "email_lead_map_id"),
        field(sandbox.create({**EXAMPLE, "email_lead_map_id": "abc"}), "email_lead_map_id"),
        field(sandbox.create({**EXAMPLE, "name": 5}), "name"),
    ]


@variation(
    "sl-priority-case-insensitive",
    faithful=[(422, PRIORITY_INVALID)] * 3,
    varied=[(200, "HIGH"), (200, "LOW"), (422, PRIORITY_INVALID)],
)
def priorities_in_other_cases(sandbox: Sandbox) -> object:
    return [field(sandbox.create({**EXAMPLE, "priority": p}), "priority") for p in ("high", "Low", "URGENT")]


@variation(
    "sl-past-due-date-rejected",
    faithful=[(200, "2025-11-30T00:00:00Z"), (200, "2025-12-15T09:00:00Z")],
    varied=[(422, "due_date must be in the future"), (200, "2025-12-15T09:00:00Z")],
)
def past_and_future_due_dates(sandbox: Sandbox) -> object:
    dates = ("2025-11-30T00:00:00Z", "2025-12-15T09:00:00Z")
    return [field(sandbox.create({**EXAMPLE, "due_date": d}), "due_date") for d in dates]


@fault(
    "sl-api-key-header-accepted",
    faithful=[(401, UNAUTHORIZED), (401, UNAUTHORIZED)],
    deviant=[(200, ID_A), (401, UNAUTHORIZED)],
)
def key_in_a_header(sandbox: Sandbox) -> object:
    return [
        field(sandbox.create(EXAMPLE, key=None, headers={"x-api-key": key}), "email_lead_map_id")
        for key in (KEY_A, "wrong")
    ]


@fault(
    "sl-api-key-bearer-accepted",
    faithful=[(401, UNAUTHORIZED)] * 3,
    deviant=[(200, ID_A), (401, UNAUTHORIZED), (401, UNAUTHORIZED)],
)
def key_as_a_bearer_token(sandbox: Sandbox) -> object:
    """Only in place of a missing api_key, and only a valid key."""
    cases = ((None, KEY_A), (None, "wrong"), ("wrong", KEY_A))
    return [
        field(
            sandbox.create(EXAMPLE, key=key, headers={"Authorization": f"Bearer {token}"}),
            "email_lead_map_id",
        )
        for key, token in cases
    ]


# --- The tests --------------------------------------------------------------------------------


@fault("sl-priority-trimmed", faithful=[(422, PRIORITY_INVALID)] * 2, deviant=[(200, "HIGH")] * 2)
def padded_priorities(sandbox: Sandbox) -> object:
    return [field(sandbox.create({**EXAMPLE, "priority": p}), "priority") for p in (" HIGH ", "HIGH ")]


test_fault_is_observable_and_absent_from_the_faithful_sandbox, test_variation_is_observable = CASES.tests()


def test_every_smartlead_catalogue_entry_has_a_case() -> None:
    assert set(FAULT_CASES) == {f.name for f in load_faults() if f.vendor == "smartlead"}
    assert set(VARIATION_CASES) == {v.name for v in load_variations() if v.vendor == "smartlead"}
    assert len(FAULT_CASES) >= 8


def test_every_vendor_variation_covers_the_smartlead_route(build: Build) -> None:
    sandbox = build(variations=frozenset({"rate-limited"}))
    assert [sandbox.create(EXAMPLE).status_code for _ in range(5)] == [200] * 4 + [429]


def test_an_unknown_id_is_answered_as_an_invalid_value(build: Build) -> None:
    """The id lookup goes through the same validation status as every other wrong value."""
    assert outcome(build().create({**EXAMPLE, "email_lead_map_id": 1})) == (422, ID_NOT_FOUND)
    varied = build(variations=frozenset({"sl-validation-400"}))
    assert outcome(varied.create({**EXAMPLE, "email_lead_map_id": 1})) == (400, ID_NOT_FOUND)
