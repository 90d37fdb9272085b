"""The client backs off when told "not now" (429, 503 + Retry-After), retries only safe reads, and
tells a dead or overloaded target from a verdict."""

from __future__ import annotations

import email.utils
import math
import time
from collections import Counter

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskconform.client import ApiClient, AuthMode, AuthScheme, OutcomeUnknown, RetryPolicy, backoff_s
from taskconform.errors import InfrastructureError
from taskconform.redaction import Redactor
from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app, serve_in_thread

KEY = "k-distinctive-7f3a"
NOW = 1_800_000_000.0  # a wall-clock instant for back-off arithmetic
POLICY = RetryPolicy(max_retry_after_s=30.0, first_backoff_s=0.1)


def _client(handler, auth: AuthScheme | None = None, retry: RetryPolicy | None = None) -> ApiClient:
    return ApiClient(
        "http://target.test/api",
        auth or AuthScheme("header", "x-api-key"),
        KEY,
        Redactor({KEY: "SF_API_KEY"}),
        retry=retry or RetryPolicy(max_retry_after_s=0.01),
        transport=httpx.MockTransport(handler),
    )


def _date(offset_s: float, now: float = NOW) -> str:
    return email.utils.formatdate(now + offset_s, usegmt=True)


@pytest.mark.parametrize(
    ("retry_after", "attempt", "wait"),
    [
        ("0", 1, 0.0),
        ("2", 1, 2.0),
        (" 7 ", 3, 7.0),  # a number is the server's word, whatever the attempt
        ("1.5", 1, 1.5),
        ("-5", 1, 0.0),
        ("99999", 1, 30.0),
        ("9" * 400, 1, 30.0),  # reads as inf
        (_date(10), 1, 10.0),
        (_date(0), 1, 0.0),
        (_date(-3600), 1, 0.0),
        (_date(10).replace("GMT", "-0000"), 1, 10.0),  # parses without a zone: UTC all the same
        (None, 1, 0.1),
        (None, 3, 0.4),
        ("", 2, 0.2),
        ("soon", 1, 0.1),
        ("nan", 1, 0.1),
        ("inf", 1, 0.1),
        ("-inf", 2, 0.2),
        ("1e3", 1, 0.1),
        ("Wed, 21 Oct 99999 07:28:00 GMT", 1, 0.1),  # year out of range
        ("Thu, 1 Jan 2015 00:00:00 +99999999999999999999", 1, 0.1),  # overflows while parsing
        (None, 9, 25.6),
        (None, 10, 30.0),
        ("garbage", 10**6, 30.0),  # no overflow, however many attempts
    ],
)
def test_every_retry_after_form_gives_a_bounded_wait(
    retry_after: str | None, attempt: int, wait: float
) -> None:
    assert backoff_s(retry_after, attempt, POLICY, NOW) == pytest.approx(wait)


@given(
    st.one_of(
        st.none(),
        st.text(),
        st.integers().map(str),
        st.floats().map(str),
        st.floats(-NOW, 1e11).map(_date),
    ),
    st.integers(min_value=1, max_value=10**9),
)
def test_a_wait_is_never_nan_negative_or_unbounded(retry_after: str | None, attempt: int) -> None:
    wait = backoff_s(retry_after, attempt, POLICY, NOW)
    assert math.isfinite(wait) and 0.0 <= wait <= POLICY.max_retry_after_s


def test_429_is_retried_after_retry_after_and_never_reaches_the_checks() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(429), httpx.Response(200)]
    )
    client = _client(lambda request: next(answers))
    exchange = client.request("GET", "/x")
    assert exchange.status == 200
    assert client.backoffs == Counter({429: 2})
    assert [e.status for e in client.journal] == [200]


def test_endless_429_is_an_infrastructure_error() -> None:
    client = _client(lambda request: httpx.Response(429), retry=RetryPolicy(2, 0.0, 0))
    with pytest.raises(InfrastructureError, match="kept answering 429"):
        client.request("GET", "/x")


def test_a_503_with_retry_after_is_sent_again_a_write_included() -> None:
    """The gateway did not process it, so even a POST may go again; only the answer is evidence."""
    bodies = []

    def gateway(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        if len(bodies) == 1:
            return httpx.Response(503, headers={"Retry-After": _date(-60, time.time())})
        return httpx.Response(201)

    client = _client(gateway)
    assert client.request("POST", "/x", json_body={"a": 1}).status == 201
    assert bodies == [b'{"a": 1}'] * 2
    assert client.backoffs == Counter({503: 1})
    assert [e.status for e in client.journal] == [201]


@pytest.mark.parametrize("status", [503, 500])
def test_a_5xx_without_retry_after_is_an_answer_for_the_checks(status: int) -> None:
    client = _client(lambda request: httpx.Response(status))
    assert client.request("POST", "/x", json_body={}).status == status
    assert client.backoffs == Counter()


def test_a_503_that_persists_past_the_bound_is_infrastructure_not_a_lost_write() -> None:
    calls = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, headers={"Retry-After": "0"})

    client = _client(unavailable, retry=RetryPolicy(max_backoffs=3))
    with pytest.raises(InfrastructureError, match="kept answering 503 Service Unavailable") as caught:
        client.request("POST", "/x", json_body={})
    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(calls) == 4 and client.backoffs == Counter({503: 3}) and client.journal == []


def test_waits_are_bounded_counted_and_never_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every form a server may send, in one request: the waits slept are exactly the ones counted."""
    slept: list[float] = []
    monkeypatch.setattr("taskconform.client.time.sleep", slept.append)
    forms = ["soon", "nan", "-3", _date(-3600, time.time()), "86400", "inf", "", "2"]
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": form}) for form in forms[:4]]
        + [httpx.Response(503, headers={"Retry-After": form}) for form in forms[4:]]
        + [httpx.Response(200)]
    )
    client = _client(lambda request: next(answers), retry=RetryPolicy(max_backoffs=8, max_retry_after_s=5.0))
    assert client.request("GET", "/x").status == 200
    assert slept == pytest.approx([0.1, 0.2, 0.0, 0.0, 5.0, 3.2, 5.0, 2.0])
    assert client.backoffs == Counter({429: 4, 503: 4})
    assert client.backoff_wait_s == pytest.approx(sum(slept))


def test_the_gateway_variation_is_survived_on_loopback() -> None:
    """The sandbox's gateway refuses every 13th request in each of its forms; 61 answers take 66 sends,
    and every write lands once."""
    lead_path = "/superfone/enterprise/api/lead/1002/task"
    with serve_in_thread(create_app(SandboxOptions(variations=frozenset({"gateway"})))) as server:
        client = ApiClient(
            server.base_url,
            AuthScheme("header", "x-api-key"),
            DEFAULT_KEYS["superfone"][0],
            Redactor({}),
            retry=RetryPolicy(first_backoff_s=0.001),
        )
        before = client.request("GET", lead_path).json()["data"]["total_items"]
        reminder = {"type": "REMINDER", "due_date": "2099-01-01T00:00:00Z"}
        created = [client.request("POST", lead_path, json_body=reminder).status for _ in range(59)]
        after = client.request("GET", lead_path).json()["data"]["total_items"]
        client.close()
    assert created == [200] * 59 and after == before + 59
    assert client.backoffs == Counter({503: 3, 429: 2})


def test_reads_are_retried_after_a_transport_fault() -> None:
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadError("reset by peer")
        return httpx.Response(200)

    assert _client(flaky).request("GET", "/x").status == 200
    assert len(calls) == 2


def test_a_write_whose_answer_was_lost_is_reported_as_outcome_unknown() -> None:
    calls = []

    def reset(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadError("reset by peer")

    with pytest.raises(OutcomeUnknown, match="may or may not have happened"):
        _client(reset).request("POST", "/x", json_body={})
    assert len(calls) == 1


def test_connection_refused_names_the_target_without_the_key() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused {request.url}")

    client = _client(refused, auth=AuthScheme("query", "api_key"))
    with pytest.raises(InfrastructureError) as caught:
        client.request("POST", "/x")
    assert not isinstance(caught.value, OutcomeUnknown)
    assert "target unreachable" in str(caught.value)
    assert KEY not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(AuthMode.VALID, KEY), (AuthMode.WRONG, "taskconform-deliberately-wrong-key"), (AuthMode.MISSING, None)],
)
def test_auth_modes_place_the_key_where_the_vendor_expects_it(mode: AuthMode, expected: str | None) -> None:
    seen = {}

    def record(request: httpx.Request) -> httpx.Response:
        seen["header"] = request.headers.get("authorization")
        return httpx.Response(200)

    _client(record, auth=AuthScheme("header", "Authorization", "Bearer ")).request("GET", "/x", auth=mode)
    assert seen["header"] == (None if expected is None else f"Bearer {expected}")


def test_curl_reproduction_refers_to_the_environment_variable() -> None:
    client = _client(
        lambda request: httpx.Response(400, json={"message": f"bad key {KEY}"}),
        auth=AuthScheme("query", "api_key"),
    )
    exchange = client.request("POST", "/x", json_body={"a": "it's"})
    curl = exchange.curl(client.redactor)
    assert KEY not in curl
    assert "api_key='\"${SF_API_KEY}\"'" in curl
    assert '--data-binary \'{"a": "it\'"\'"\'s"}\'' in curl
    as_dict = exchange.to_dict(client.redactor)
    assert KEY not in str(as_dict) and "bad key ***" in as_dict["response"]["body"]
