"""The LeadLex vendor: probes that send another key role, answer checks, and confined generated bodies."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from taskconform.client import ApiClient
from taskconform.config import RunSettings, parse_config
from taskconform.findings import Verification
from taskconform.probes import run_probe
from taskconform.redaction import Redactor
from taskconform.target import Target, WorkerSlot
from taskconform.vendors import vendor_sections
from taskconform.vendors.leadlex import LEADLEX
from taskconform.vendors.leadlex.api import MISSING_CONTACT, confine

from .test_config_leadlex import A1, B1, ENV, HANS, section

FULL, READ_ONLY = ENV["LEADLEX_API_KEY"], ENV["LEADLEX_READONLY_API_KEY"]


def target_answering(answer: httpx.Response, seen: list[httpx.Request]) -> Target:
    config = parse_config({"leadlex": section()}, vendor_sections(), environ=ENV)
    configured = config.vendors["leadlex"]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    client = ApiClient(
        configured.base_url,
        LEADLEX.auth,
        configured.secret("api_key_env"),
        Redactor(config.secret_values()),
        transport=httpx.MockTransport(handler),
    )
    return Target(LEADLEX, configured, client, RunSettings(), WorkerSlot())


def probe(name: str) -> Any:
    return next(p for p in LEADLEX.probes if p.id == name)


def error(status: int, code: str, **extra: object) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": "m", **extra}})


def test_a_probe_sends_the_key_role_it_names_and_its_finding_hides_the_key() -> None:
    seen: list[httpx.Request] = []
    target = target_answering(httpx.Response(201, json={"data": {}}), seen)
    verify = Verification(target.client.redactor)
    run_probe(target, verify, probe("CREATE-without-write-permission"))
    assert seen[0].headers["Authorization"] == f"Bearer {READ_ONLY}"
    assert seen[0].url.path == "/leadlex/v1/tasks"
    # The status and the error code; the empty task breaks the response fields as well.
    assert [f.clause for f in verify.findings].count("LL-CREATE-PERMISSION") == 2
    rendered = json.dumps([f.to_dict(target.client.redactor) for f in verify.findings])
    assert READ_ONLY not in rendered and FULL not in rendered


def test_other_probes_send_the_full_key() -> None:
    seen: list[httpx.Request] = []
    target = target_answering(error(400, "validation_error"), seen)
    verify = Verification(target.client.redactor)
    run_probe(target, verify, probe("CREATE-no-parent-link"))
    assert seen[0].headers["Authorization"] == f"Bearer {FULL}"
    assert verify.findings == [] and "LL-CREATE-PARENT-LINK-REQUIRED" in verify.exercised


@pytest.mark.parametrize(
    ("answer", "holds"),
    [
        (error(400, "ambiguous_reference", candidates=HANS), True),
        (error(400, "ambiguous_reference", details={"candidates": [{"id": h.upper()} for h in HANS]}), True),
        (
            httpx.Response(400, json={"error": {"code": "ambiguous_reference", "message": f"see {HANS}"}}),
            True,
        ),
        (error(400, "ambiguous_reference", candidates=HANS[:1]), False),
        (error(400, "validation_error", candidates=HANS), False),
        (httpx.Response(201, json={"data": {"contact_id": HANS[0]}}), False),
    ],
)
def test_the_ambiguous_probe_finds_every_candidate_anywhere(answer: httpx.Response, holds: bool) -> None:
    target = target_answering(answer, [])
    verify = Verification(target.client.redactor)
    run_probe(target, verify, probe("CREATE-ambiguous-contact-name"))
    assert (verify.findings == []) is holds


@pytest.mark.parametrize(
    ("status", "holds"), [(404, True), (400, True), (422, True), (201, False), (500, False)]
)
def test_a_foreign_contact_needs_any_client_error(status: int, holds: bool) -> None:
    seen: list[httpx.Request] = []
    target = target_answering(error(status, "x") if status >= 400 else httpx.Response(status, json={}), seen)
    verify = Verification(target.client.redactor)
    run_probe(target, verify, probe("CREATE-foreign-contact"))
    assert json.loads(seen[0].content)["contact_id"] == B1
    workspace_findings = [f for f in verify.findings if f.clause == "LL-CREATE-CONTACT-WORKSPACE"]
    assert (workspace_findings == []) is holds


@pytest.mark.parametrize(
    ("answer", "broken"),
    [
        (error(400, "validation_error"), False),
        (httpx.Response(400, json={"code": "validation_error", "message": "m"}), True),
        (httpx.Response(403, json={"error": {"code": "insufficient_permissions"}}), True),
        (httpx.Response(400, text="Bad Request"), True),
        (httpx.Response(404, text="Not Found"), False),  # no documented body for other statuses
    ],
)
def test_errors_400_and_403_need_the_documented_body(answer: httpx.Response, broken: bool) -> None:
    target = target_answering(answer, [])
    verify = Verification(target.client.redactor)
    target.call(verify, "createTask", {}, json_body={"title": "t"})
    assert ("LL-CREATE-ERROR-BODY" in {f.clause for f in verify.findings}) is broken


def test_a_success_needs_the_documented_fields_whatever_its_2xx() -> None:
    target = target_answering(httpx.Response(200, json={"data": {"id": 1}}), [])
    verify = Verification(target.client.redactor)
    target.call(verify, "createTask", {}, json_body={"title": "t"})
    assert [f.clause for f in verify.findings] == ["LL-CREATE-RESPONSE-FIELDS"]


def confined(body: Any, pick: int = 0) -> Any:
    target = target_answering(httpx.Response(200), [])
    case = SimpleNamespace(body=body)
    confine(target, case, lambda pool: pool[pick % len(pool)])  # type: ignore[arg-type]
    return case.body


def test_generated_bodies_link_configured_records_only() -> None:
    body = {
        "title": "x",
        "contact_id": "e3e70682-c209-1cac-a29f-6fbed82c07cd",
        "deal_id": 12,
        "event_id": None,
        "assignee_id": "someone",
        "company_name": "ACME",
        "description": "d",
    }
    assert confined(dict(body)) == {
        "title": "x",
        "contact_id": A1,
        "deal_id": "a1d00000-0000-4000-8000-000000000001",
        "event_id": "a1e00000-0000-4000-8000-000000000001",
        "description": "d",
    }
    assert confined(dict(body), pick=-1)["contact_id"] == MISSING_CONTACT


def test_generated_contact_names_are_the_configured_ones_never_beside_a_contact_id() -> None:
    assert confined({"contact_name": "zzz"}) == {"contact_name": "Grete Schmidt"}
    assert confined({"contact_name": "zzz"}, pick=1) == {"contact_name": "Hans Müller"}
    assert confined({"contact_name": "zzz"}, pick=2) == {}
    assert confined({"contact_name": "zzz", "contact_id": "x"}) == {"contact_name": "Grete Schmidt"}


@pytest.mark.parametrize("body", [None, [], "text", b"\x00", 5])
def test_a_generated_body_that_is_no_object_is_left_alone(body: Any) -> None:
    assert confined(body) == body
