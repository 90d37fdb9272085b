"""Every LeadLex fault and variation really changes what the sandbox does, as its catalogue entry says.

As in ``test_sandbox_faults.py``: each case is a short scenario over real HTTP returning what a client
observes, with the faithful sandbox's result and the result with the fault (or variation) switched on.
The harness and the seeded ids are those of ``test_sandbox_leadlex.py``.
"""

from __future__ import annotations

from typing import Any

import httpx

from taskconform.sandbox.faults import load_faults, load_variations

from .sandbox_harness import CaseRegistry, sandbox_fixtures
from .test_sandbox_leadlex import (
    ANNA,
    DEAL,
    EVENT,
    GRETE,
    HANS,
    KEY_A,
    KEY_READONLY,
    NO_SUCH,
    NOW,
    NOW_TEXT,
    OTTO,
    Sandbox,
)

SENT_CREATED = "2026-05-19T14:00:00+05:30"  # 08:30 UTC, inside the window


slot, client, build, sandbox = sandbox_fixtures(Sandbox, NOW)


# --- What a client observes, in short ---------------------------------------------------------


def code(response: httpx.Response) -> tuple[int, object]:
    """``(status, error code)``, or ``(status, "created")`` for a success."""
    body = response.json()
    if response.status_code < 300:
        return response.status_code, "created"
    error = body.get("error", body)
    return response.status_code, error.get("code")


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def field(sandbox: Sandbox, name: str, **body: object) -> object:
    """One field of a task created from ``body`` (plus a title and, unless linked, Anna)."""
    return sandbox.task(**body)[name]


# --- Registry of cases ------------------------------------------------------------------------

CASES = CaseRegistry()
fault, variation = CASES.fault, CASES.variation
FAULT_CASES, VARIATION_CASES = CASES.faults, CASES.variations


# --- Faults: title and parent links -----------------------------------------------------------


@fault("ll-title-optional", faithful=(400, "validation_error"), deviant=(201, "created"))
@fault("ll-title-missing-code", faithful=(400, "validation_error"), deviant=(400, "missing_field"))
def without_title(sandbox: Sandbox) -> object:
    return code(sandbox.post({"contact_id": ANNA}))


@fault("ll-orphan-accepted", faithful=(400, "validation_error"), deviant=(201, "created"))
@fault("ll-orphan-422", faithful=(400, "validation_error"), deviant=(422, "validation_error"))
def orphan(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "status": "open"}))


@fault(
    "ll-event-link-orphan",
    faithful=((201, "created"), (201, "created")),
    deviant=((400, "validation_error"), (201, "created")),
)
def linked_by_event_then_by_deal(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "event_id": EVENT})), code(
        sandbox.post({"title": "t", "deal_id": DEAL})
    )


@fault("ll-deal-link-dropped", faithful=(DEAL, DEAL), deviant=(None, DEAL))
def deal_with_and_without_contact(sandbox: Sandbox) -> object:
    return field(sandbox, "deal_id", contact_id=ANNA, deal_id=DEAL), field(sandbox, "deal_id", deal_id=DEAL)


@fault("ll-foreign-contact-accepted", faithful=(404, 404), deviant=(201, 404))
@fault("ll-unknown-contact-accepted", faithful=(404, 404), deviant=(404, 201))
def other_workspace_and_no_contact(sandbox: Sandbox) -> object:
    return tuple(
        sandbox.post({"title": "t", "contact_id": contact}).status_code for contact in (OTTO, NO_SUCH)
    )


# --- Faults: contact_name ---------------------------------------------------------------------


@fault("ll-contact-name-ignored", faithful=(GRETE, 400), deviant=(None, 201))
def unique_and_ambiguous_name(sandbox: Sandbox) -> object:
    unique = field(sandbox, "contact_id", deal_id=DEAL, contact_name="Grete Schmidt")
    return unique, sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": "Hans Müller"}).status_code


@fault(
    "ll-contact-name-all-workspaces",
    faithful=(201, GRETE),
    deviant=(400, [GRETE, "b2c00000-0000-4000-8000-000000000002"]),
)
def unique_name(sandbox: Sandbox) -> object:
    response = sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": "Grete Schmidt"})
    body = response.json()
    return response.status_code, body["data"]["contact_id"] if "data" in body else body["error"]["candidates"]


def ambiguous(sandbox: Sandbox) -> httpx.Response:
    return sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": "Hans Müller"})


@fault("ll-ambiguous-first-candidate", faithful=(400, "ambiguous_reference"), deviant=(201, "created"))
@fault(
    "ll-ambiguous-validation-code", faithful=(400, "ambiguous_reference"), deviant=(400, "validation_error")
)
def ambiguous_name(sandbox: Sandbox) -> object:
    return code(ambiguous(sandbox))


@fault("ll-ambiguous-no-candidates", faithful=HANS, deviant=None)
def ambiguous_candidates(sandbox: Sandbox) -> object:
    return ambiguous(sandbox).json()["error"].get("candidates")


# --- Faults: field values ---------------------------------------------------------------------


@fault("ll-title-ascii-only", faithful="Follow up with Hans Müller", deviant="Follow up with Hans Mller")
def example_title(sandbox: Sandbox) -> object:
    return field(sandbox, "title", title="Follow up with Hans Müller")


@fault("ll-status-default-in-progress", faithful=("open", "completed"), deviant=("in_progress", "completed"))
def default_and_explicit_status(sandbox: Sandbox) -> object:
    return field(sandbox, "status"), field(sandbox, "status", status="completed")


@fault("ll-status-completed-rejected", faithful=(201, 201), deviant=(201, 400))
def in_progress_and_completed(sandbox: Sandbox) -> object:
    return tuple(
        sandbox.post({"title": "t", "contact_id": ANNA, "status": status}).status_code
        for status in ("in_progress", "completed")
    )


@fault("ll-priority-dropped", faithful=("low", "high"), deviant=(None, None))
def priorities(sandbox: Sandbox) -> object:
    return field(sandbox, "priority", priority="low"), field(sandbox, "priority", priority="high")


@fault(
    "ll-due-date-date-only-rejected",
    faithful=(201, "2026-03-10T15:00:00.000Z"),
    deviant=(400, "2026-03-10T15:00:00.000Z"),
)
def date_only_and_timestamp_due_dates(sandbox: Sandbox) -> object:
    date_only = sandbox.post({"title": "t", "contact_id": ANNA, "due_date": "2026-03-10"}).status_code
    return date_only, field(sandbox, "due_date", due_date="2026-03-10T15:00:00Z")


@fault(
    "ll-due-date-offset-ignored",
    faithful=("2026-03-10T15:00:00.000Z", "2026-03-10T15:00:00.000Z"),
    deviant=("2026-03-10T15:00:00.000Z", "2026-03-10T20:30:00.000Z"),
)
def due_dates_with_offsets(sandbox: Sandbox) -> object:
    return field(sandbox, "due_date", due_date="2026-03-10T15:00:00Z"), field(
        sandbox, "due_date", due_date="2026-03-10T20:30:00+05:30"
    )


# --- Faults: created_date ---------------------------------------------------------------------


@fault("ll-created-date-ignored", faithful=SENT_CREATED, deviant=NOW_TEXT)
def created_date_inside_the_window(sandbox: Sandbox) -> object:
    return field(sandbox, "created_date", created_date=SENT_CREATED)


@fault(
    "ll-created-date-future-1h",
    faithful=("2026-05-19T09:00:00Z", "2026-05-20T07:30:00Z"),
    deviant=("2026-05-19T09:00:00Z", NOW_TEXT),
)
def created_date_half_an_hour_and_23_hours_ahead(sandbox: Sandbox) -> object:
    return tuple(
        field(sandbox, "created_date", created_date=sent)
        for sent in ("2026-05-19T09:00:00Z", "2026-05-20T07:30:00Z")
    )


@fault(
    "ll-created-date-window-unbounded",
    faithful=(NOW_TEXT, NOW_TEXT),
    deviant=("2000-01-01T00:00:00Z", "2099-01-01T00:00:00Z"),
)
def created_date_outside_the_window(sandbox: Sandbox) -> object:
    return tuple(
        field(sandbox, "created_date", created_date=sent)
        for sent in ("2000-01-01T00:00:00Z", "2099-01-01T00:00:00Z")
    )


@fault("ll-created-date-null", faithful=NOW_TEXT, deviant=None)
def created_date_omitted(sandbox: Sandbox) -> object:
    return field(sandbox, "created_date")


# --- Faults: permission, error bodies, response -----------------------------------------------


@fault("ll-readonly-key-writes", faithful=(403, "insufficient_permissions"), deviant=(201, "created"))
@fault("ll-permission-401", faithful=(403, "insufficient_permissions"), deviant=(401, "unauthorized"))
def readonly_key(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "contact_id": ANNA}, key=KEY_READONLY))


# Each way of sending no valid key, as the suite's probes send it: (key, scheme word) of the header.
WITHOUT_A_VALID_KEY = {
    "no header": (None, "Bearer"),
    "Basic": (KEY_A, "Basic"),
    "Token": (KEY_A, "Token"),
    "unknown key of the documented shape": ("wbk_0123456789abcdef", "Bearer"),
    "empty token": ("", "Bearer"),
    "key, space, more": (f"{KEY_A} more", "Bearer"),
}


def statuses_without_a_valid_key(sandbox: Sandbox) -> dict[str, int]:
    return {
        way: sandbox.post({"title": "t", "contact_id": ANNA}, key=key, scheme=scheme).status_code
        for way, (key, scheme) in WITHOUT_A_VALID_KEY.items()
    }


def created_without_a_valid_key(sandbox: Sandbox) -> object:
    """The ways of sending no valid key that created a task: none on the faithful sandbox."""
    return [way for way, status in statuses_without_a_valid_key(sandbox).items() if status < 300]


fault("ll-missing-key-accepted", faithful=[], deviant=["no header"])(created_without_a_valid_key)
fault("ll-any-scheme-accepted", faithful=[], deviant=["Basic", "Token"])(created_without_a_valid_key)
fault("ll-unknown-key-accepted", faithful=[], deviant=["unknown key of the documented shape"])(
    created_without_a_valid_key
)
fault("ll-key-prefix-match", faithful=[], deviant=["empty token"])(created_without_a_valid_key)
fault("ll-token-cut-at-space", faithful=[], deviant=["key, space, more"])(created_without_a_valid_key)


@fault("ll-error-body-flat", faithful=["error"], deviant=["code", "message"])
def error_body_keys(sandbox: Sandbox) -> object:
    return sorted(sandbox.post({"title": "t"}).json())


@fault(
    "ll-orphan-message-other",
    faithful="At least one parent link (contact_id, company_id, deal_id, or event_id) is required",
    deviant="A parent link is required",
)
def orphan_message(sandbox: Sandbox) -> object:
    return sandbox.post({"title": "t"}).json()["error"]["message"]


@fault("ll-error-no-message", faithful=["code", "message"], deviant=["code"])
def error_keys(sandbox: Sandbox) -> object:
    return sorted(sandbox.post({"title": "t"}).json()["error"])


@fault("ll-response-no-event-id", faithful=(True, True), deviant=(False, True))
def event_id_present(sandbox: Sandbox) -> object:
    return "event_id" in sandbox.task(), "event_id" in sandbox.task(event_id=EVENT)


@fault("ll-malformed-json-500", faithful=400, deviant=500)
def malformed_json(sandbox: Sandbox) -> object:
    return sandbox.post(content=b'{"title": ').status_code


# --- Variations -------------------------------------------------------------------------------


@variation("ll-success-200", faithful=201, varied=200)
def success_status(sandbox: Sandbox) -> object:
    return sandbox.post({"title": "t", "contact_id": ANNA}).status_code


@variation("ll-ids-integer", faithful=(str, str), varied=(1, 2))
def task_ids(sandbox: Sandbox) -> object:
    ids = (sandbox.task()["id"], sandbox.task()["id"])
    return ids if all(isinstance(i, int) for i in ids) else tuple(type(i) for i in ids)


@variation(
    "ll-extra-fields",
    faithful=(["data"], [], ["code", "message"]),
    varied=(["data", "meta"], ["source", "tags", "workspace"], ["code", "message", "request_id"]),
)
def extra_fields(sandbox: Sandbox) -> object:
    envelope = sandbox.post({"title": "t", "contact_id": ANNA}).json()
    documented = {
        "id",
        "title",
        "status",
        "priority",
        "due_date",
        "assigned_to_user_id",
        "contact_id",
        "deal_id",
    }
    documented |= {"event_id", "created_date", "description", "task_type", "company_id"}
    error = sandbox.post({"title": "t"}).json()["error"]
    return sorted(envelope), sorted(set(envelope["data"]) - documented), sorted(error)


@variation(
    "ll-timestamps-offset",
    faithful=(NOW_TEXT, "2026-03-10T15:00:00.000Z"),
    varied=("2026-05-19T08:30:00+00:00", "2026-03-10T15:00:00+00:00"),
)
def server_timestamps(sandbox: Sandbox) -> object:
    task = sandbox.task(due_date="2026-03-10T20:30:00+05:30")
    return task["created_date"], task["due_date"]


@variation("ll-created-date-normalised", faithful=SENT_CREATED, varied="2026-05-19T08:30:00.000Z")
def honoured_created_date(sandbox: Sandbox) -> object:
    return field(sandbox, "created_date", created_date=SENT_CREATED)


@variation("ll-due-date-midnight", faithful="2026-03-10", varied="2026-03-10T00:00:00.000Z")
def date_only_due_date(sandbox: Sandbox) -> object:
    return field(sandbox, "due_date", due_date="2026-03-10")


@variation("ll-missing-key-403", faithful=(401, 401), varied=(403, 403))
def missing_and_unknown_key(sandbox: Sandbox) -> object:
    body = {"title": "t", "contact_id": ANNA}
    return sandbox.post(body, key=None).status_code, sandbox.post(body, key="unknown").status_code


variation(
    "ll-malformed-authorization-400",
    faithful=dict.fromkeys(WITHOUT_A_VALID_KEY, 401),
    varied={
        **dict.fromkeys(WITHOUT_A_VALID_KEY, 400),
        "no header": 401,
        "unknown key of the documented shape": 401,
    },
)(statuses_without_a_valid_key)


@variation(
    "ll-ambiguous-candidates-in-details",
    faithful=["candidates", "code", "message"],
    varied=["code", "details", "message"],
)
def ambiguous_error_keys(sandbox: Sandbox) -> object:
    return sorted(ambiguous(sandbox).json()["error"])


@variation(
    "ll-ambiguous-candidates-in-message",
    faithful="contact_name matches several contacts",
    varied=f"contact_name matches several contacts: {HANS[0]}, {HANS[1]}",
)
def ambiguous_message(sandbox: Sandbox) -> object:
    return ambiguous(sandbox).json()["error"]["message"]


@variation("ll-foreign-contact-400", faithful=(404, "not_found"), varied=(400, "validation_error"))
def foreign_contact(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "contact_id": OTTO}))


@variation("ll-priority-default-medium", faithful=None, varied="medium")
def default_priority(sandbox: Sandbox) -> object:
    return field(sandbox, "priority")


@variation("ll-created-date-malformed-400", faithful=(201, "created"), varied=(400, "validation_error"))
def malformed_created_date(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "contact_id": ANNA, "created_date": "yesterday"}))


@variation(
    "ll-precedence-validation-first",
    faithful=(403, "insufficient_permissions"),
    varied=(400, "validation_error"),
)
def readonly_key_without_title(sandbox: Sandbox) -> object:
    return code(sandbox.post({"contact_id": ANNA}, key=KEY_READONLY))


@variation("ll-company-is-parent-link", faithful=(400, "validation_error"), varied=(201, "created"))
def company_only(sandbox: Sandbox) -> object:
    return code(sandbox.post({"title": "t", "company_name": "Acme Logistics"}))


@variation(
    "ll-contact-name-no-match-ignored",
    faithful=((400, "validation_error"), (400, "validation_error")),
    varied=((201, "created"), (400, "validation_error")),
)
def unknown_name_with_and_without_deal(sandbox: Sandbox) -> object:
    with_deal = code(sandbox.post({"title": "t", "deal_id": DEAL, "contact_name": "Nobody Known"}))
    alone = code(sandbox.post({"title": "t", "contact_name": "Nobody Known"}))
    return with_deal, alone


@variation("ll-contact-name-over-id", faithful=ANNA, varied=GRETE)
def contact_id_and_name(sandbox: Sandbox) -> object:
    return field(sandbox, "contact_id", contact_id=ANNA, contact_name="Grete Schmidt")


@variation("ll-deal-link-inherits-contact", faithful=(None, GRETE), varied=(ANNA, GRETE))
def deal_without_contact(sandbox: Sandbox) -> object:
    alone = field(sandbox, "contact_id", deal_id=DEAL)
    return alone, field(sandbox, "contact_id", deal_id=DEAL, contact_name="Grete Schmidt")


# --- The tests --------------------------------------------------------------------------------


@fault(
    "ll-priority-any-case-kept-as-sent",
    faithful=[(400, "validation_error")] * 2,
    deviant=[(201, "created")] * 2,
)
def priorities_that_miss_by_case_or_padding(sandbox: Sandbox) -> object:
    return [code(sandbox.post({"title": "t", "contact_id": ANNA, "priority": p})) for p in ("High", " high ")]


@variation("ll-priority-any-case-stored-lower", faithful=(400, "validation_error"), varied="high")
def a_priority_in_another_case(sandbox: Sandbox) -> object:
    response = sandbox.post({"title": "t", "contact_id": ANNA, "priority": "High"})
    return response.json()["data"]["priority"] if response.status_code < 300 else code(response)


test_fault_is_observable_and_absent_from_the_faithful_sandbox, test_variation_is_observable = CASES.tests()


def test_every_leadlex_catalogue_entry_has_a_case() -> None:
    assert set(FAULT_CASES) == {f.name for f in load_faults() if f.vendor == "leadlex"}
    assert set(VARIATION_CASES) == {v.name for v in load_variations() if v.vendor == "leadlex"}
    assert len(FAULT_CASES) >= 12
