"""The client backs off on 429, retries only safe reads, and tells a dead target from a verdict."""

from __future__ import annotations

import httpx
import pytest

from taskconform.client import ApiClient, AuthMode, AuthScheme, OutcomeUnknown, RetryPolicy
from taskconform.errors import InfrastructureError
from taskconform.redaction import Redactor

KEY = "k-distinctive-7f3a"


def _client(handler, auth: AuthScheme | None = None, retry: RetryPolicy | None = None) -> ApiClient:
    return ApiClient(
        "http://target.test/api",
        auth or AuthScheme("header", "x-api-key"),
        KEY,
        Redactor({KEY: "SF_API_KEY"}),
        retry=retry or RetryPolicy(max_retry_after_s=0.01),
        transport=httpx.MockTransport(handler),
    )


def test_429_is_retried_after_retry_after_and_never_reaches_the_checks() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(429), httpx.Response(200)]
    )
    client = _client(lambda request: next(answers))
    exchange = client.request("GET", "/x")
    assert exchange.status == 200
    assert client.rate_limited_waits == 2
    assert [e.status for e in client.journal] == [200]


def test_endless_429_is_an_infrastructure_error() -> None:
    client = _client(lambda request: httpx.Response(429), retry=RetryPolicy(2, 0.0, 0))
    with pytest.raises(InfrastructureError, match="kept answering 429"):
        client.request("GET", "/x")


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
