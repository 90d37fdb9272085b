"""The generic security check SEC-CREDENTIAL-NOT-REFLECTED: the key a request carried, wherever its
vendor puts it, must not come back in any header or body; the finding says where, never the key, and
stays meaningful once everything written is redacted."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from taskconform.checks import KEY_PLACEHOLDER, SECURITY_CLAUSES, reflections
from taskconform.client import WRONG_KEY, ApiClient, AuthMode, AuthScheme
from taskconform.config import RunSettings, VendorTarget
from taskconform.exchange import RecordedRequest, RecordedResponse
from taskconform.findings import ContractViolation, Verification
from taskconform.redaction import MASK, Redactor
from taskconform.target import Target, WorkerSlot
from taskconform.vendors import VENDORS

KEY = 'sk-Refl3ct "odd" /+=&key'
CLAUSE = "SEC-CREDENTIAL-NOT-REFLECTED"
# Per vendor: an operation and its path parameters, to send one request through Target.call.
CALLS = {
    "superfone": ("createTask", {"lead_id": 1001}),
    "smartlead": ("createTask", {}),
    "leadlex": ("createTask", {}),
}


def _response(
    body: bytes = b"{}", headers: dict[str, str] | None = None, status: int = 200
) -> RecordedResponse:
    return RecordedResponse(status, headers or {}, body, 1.0)


def _target(vendor: str, answer: Any) -> Target:
    """A target of ``vendor`` whose server answers every request with ``answer(request)``."""
    redactor = Redactor({KEY: "THE_KEY"})
    client = ApiClient(
        "http://target.test", VENDORS[vendor].auth, KEY, redactor, transport=httpx.MockTransport(answer)
    )
    config = VendorTarget(vendor, "http://target.test", {"api_key_env": "THE_KEY"}, {"THE_KEY": KEY})
    return Target(VENDORS[vendor], config, client, RunSettings(), WorkerSlot())


def _echo(request: httpx.Request) -> httpx.Response:
    """A server that hands back every header and the URL it was sent: whatever carried the key."""
    return httpx.Response(
        404, json={"message": "no such lead", "echo": {"url": str(request.url), **request.headers}}
    )


def _call(vendor: str, answer: Any, auth: AuthMode = AuthMode.VALID) -> Verification:
    target = _target(vendor, answer)
    verify = Verification(target.client.redactor)
    operation, path_params = CALLS[vendor]
    target.call(verify, operation, path_params, auth=auth, json_body={})
    return verify


# --- Where a key travels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "request_", "carried"),
    [
        (
            AuthScheme("header", "x-api-key"),
            RecordedRequest("GET", "http://h/", {"X-API-Key": "k1"}, None),
            ["k1"],
        ),
        (
            AuthScheme("header", "Authorization", "Bearer "),
            RecordedRequest("GET", "http://h/", {"authorization": "Bearer k2"}, None),
            ["k2"],
        ),
        (
            AuthScheme("query", "api_key"),
            RecordedRequest("GET", "http://h/?api_key=a%2Bb&x=1&api_key=c&api_key=", {}, None),
            ["a+b", "c"],
        ),
        (AuthScheme("header", "x-api-key"), RecordedRequest("GET", "http://h/?x-api-key=k", {}, None), []),
    ],
)
def test_the_keys_a_request_carried_are_read_where_its_scheme_puts_them(
    scheme: AuthScheme, request_: RecordedRequest, carried: list[str]
) -> None:
    credentials = scheme.carried(request_)
    assert [credential.value for credential in credentials] == carried
    assert all(credential.value not in repr(credential) for credential in credentials)


# --- Where it came back ------------------------------------------------------------------------


def test_a_reflection_in_a_header_value_or_name_is_named_by_the_header() -> None:
    places = reflections(KEY, _response(headers={"x-debug-key": KEY, f"x-{quote(KEY, safe='')}": "1"}))
    assert places == [f'header x-debug-key "{KEY_PLACEHOLDER}"', f'a header name "x-{KEY_PLACEHOLDER}"']


def test_a_reflection_in_a_json_body_is_named_by_its_position_with_its_context() -> None:
    body = {
        "data": {"rows": [{"note": f"called with {KEY}"}]},
        KEY: 1,
        "url": f"/x?api_key={quote_plus(KEY)}",
    }
    places = reflections(KEY, _response(json.dumps(body).encode()))
    assert places == [
        f'body $.data.rows[0].note "called with {KEY_PLACEHOLDER}"',
        f'body $: a property name "{KEY_PLACEHOLDER}"',
        f'body $.url "/x?api_key={KEY_PLACEHOLDER}"',
    ]


def test_a_reflection_in_any_other_body_is_named_by_its_offset_and_never_cut_in_two() -> None:
    text = "x" * 100 + KEY + "y" * 100
    (place,) = reflections(KEY, _response(text.encode()))
    assert place.startswith("body at character 100 ") and KEY_PLACEHOLDER in place
    assert not any(KEY[:i] in place or KEY[-i:] in place for i in range(4, len(KEY)))


def test_an_answer_without_the_key_has_no_reflection() -> None:
    assert reflections(KEY, _response(b'{"message": "Lead not found", "key": "sk-Refl3ct"}')) == []


# --- The check, on every answer of every vendor -------------------------------------------------


@pytest.mark.parametrize("vendor", sorted(CALLS))
def test_every_vendor_s_answers_are_checked_wherever_its_key_travels(vendor: str) -> None:
    verify = _call(vendor, _echo)
    (finding,) = [f for f in verify.findings if f.clause == CLAUSE]
    assert CLAUSE in verify.exercised
    assert finding.expected.startswith("no trace, in any header or the body, of the key sent in the ")
    assert finding.actual.startswith(f"the 404 answer shows it ({KEY_PLACEHOLDER} below): body $.echo")
    assert KEY not in finding.expected + finding.actual


@pytest.mark.parametrize("vendor", sorted(CALLS))
def test_an_answer_that_keeps_the_key_to_itself_passes(vendor: str) -> None:
    verify = _call(vendor, lambda request: httpx.Response(200, json={"data": {}}))
    assert CLAUSE in verify.exercised
    assert [f for f in verify.findings if f.clause == CLAUSE] == []


def test_the_deliberately_wrong_key_is_checked_too_and_a_missing_one_exercises_nothing() -> None:
    echo_wrong = lambda request: httpx.Response(401, text=f"invalid key {WRONG_KEY}")  # noqa: E731
    assert CLAUSE in {f.clause for f in _call("superfone", echo_wrong, AuthMode.WRONG).findings}
    assert CLAUSE not in _call("superfone", _echo, AuthMode.MISSING).exercised


def test_turned_off_the_security_checks_neither_run_nor_count_as_exercised() -> None:
    target = _target("superfone", _echo)
    target.checks_security = False
    verify = Verification(target.client.redactor)
    target.call(verify, "listTasks", {"lead_id": 1001})
    assert CLAUSE not in verify.exercised and all(f.clause != CLAUSE for f in verify.findings)


def test_every_vendor_answers_to_the_security_checks_whichever_test_calls() -> None:
    for vendor in VENDORS.values():
        assert set(SECURITY_CLAUSES.values()) <= vendor.answer_clauses


def test_the_finding_still_says_where_once_redacted() -> None:
    """What pytest prints and the reports store is redacted: the key becomes ***, the place stays."""
    verify = _call("superfone", lambda request: httpx.Response(200, headers={"X-Debug-Key": KEY}, json={}))
    with pytest.raises(ContractViolation) as raised:
        verify.settle()
    text = str(raised.value)
    assert KEY not in text and f'header x-debug-key "{KEY_PLACEHOLDER}"' in text
    (finding,) = [f for f in raised.value.findings if f.clause == CLAUSE]
    written = finding.to_dict(Redactor({KEY: "THE_KEY"}))
    assert written["exchanges"][0]["response"]["headers"]["x-debug-key"] == MASK
    assert "header x-debug-key" in written["actual"] and KEY not in json.dumps(written)
