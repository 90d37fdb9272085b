"""The suite's only way to talk to a target.

One client per vendor and worker. It applies the vendor's authentication, records every exchange
as evidence, honours 429 + Retry-After with a bounded back-off (rate limiting is not a contract
violation), retries idempotent reads after a transport fault, and turns anything it cannot get an
answer for into an ``InfrastructureError`` — so a dead target is never reported as a broken rule.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

import httpx

from .errors import InfrastructureError
from .exchange import Exchange, RecordedRequest, RecordedResponse
from .redaction import Redactor

__all__ = ["WRONG_KEY", "ApiClient", "AuthMode", "AuthScheme", "OutcomeUnknown"]

WRONG_KEY = "taskconform-deliberately-wrong-key"
_UNSET: Any = object()
_IDEMPOTENT = {"GET", "HEAD", "OPTIONS"}


class OutcomeUnknown(InfrastructureError):
    """A write was sent but no answer came back: the caller must re-read state instead of guessing."""


class AuthMode(Enum):
    VALID = "valid"
    MISSING = "missing"
    WRONG = "wrong"


@dataclass(frozen=True)
class AuthScheme:
    """Where a vendor expects its key: a header (with a prefix such as ``Bearer ``) or a query parameter."""

    location: str
    name: str
    prefix: str = ""

    def apply(self, key: str, headers: dict[str, str], params: dict[str, Any]) -> None:
        if self.location == "header":
            headers[self.name] = self.prefix + key
        else:
            params[self.name] = key


@dataclass(frozen=True)
class RetryPolicy:
    max_rate_limit_retries: int = 6
    max_retry_after_s: float = 30.0
    transport_retries: int = 2


@cache
def _tls_context() -> ssl.SSLContext:
    """One certificate store for every client: loading it costs more than a request to a local target."""
    return httpx.create_ssl_context()


class ApiClient:
    def __init__(
        self,
        base_url: str,
        auth: AuthScheme,
        key: str,
        redactor: Redactor,
        timeout_s: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.redactor = redactor
        self.retry = retry or RetryPolicy()
        self._key = key
        # Idle connections are dropped after 2 s, before a typical server's keep-alive timeout (often 5 s):
        # reusing a connection the server is closing would lose a write's answer.
        self._http = httpx.Client(
            timeout=timeout_s,
            verify=_tls_context(),
            transport=transport,
            follow_redirects=False,
            limits=httpx.Limits(keepalive_expiry=2.0),
        )
        # The exchanges of the current test (the plugin clears it when a test starts): its evidence.
        self.journal: list[Exchange] = []
        self.rate_limited_waits = 0
        self.answered = 0  # answers received over the client's life, for throughput figures

    def close(self) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = _UNSET,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: AuthMode = AuthMode.VALID,
        key: str | None = None,
    ) -> Exchange:
        """Send one request to ``base_url + path``; ``path`` is already URL-encoded.

        ``key`` replaces the client's own key for this request (another configured key role, e.g. a
        key without write permission); it is only sent with ``AuthMode.VALID``.
        """
        send_headers = dict(headers or {})
        send_params: dict[str, Any] = dict(params or {})
        if auth is AuthMode.VALID:
            self.auth.apply(self._key if key is None else key, send_headers, send_params)
        elif auth is AuthMode.WRONG:
            self.auth.apply(WRONG_KEY, send_headers, send_params)
        body = content
        if json_body is not _UNSET:
            body = json.dumps(json_body, ensure_ascii=False, allow_nan=False).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        request = self._http.build_request(
            method, self.url(path), params=send_params or None, headers=send_headers, content=body
        )
        return self._send(request, body)

    def _send(self, request: httpx.Request, body: bytes | None) -> Exchange:
        transport_failures = 0
        rate_limited = 0
        while True:
            started = time.perf_counter()
            try:
                response = self._http.send(request)
                response.read()
            except httpx.TransportError as exc:
                transport_failures += 1
                if request.method in _IDEMPOTENT and transport_failures <= self.retry.transport_retries:
                    time.sleep(0.2 * transport_failures)
                    continue
                raise self._transport_error(request, exc) from None
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response.status_code == 429 and rate_limited < self.retry.max_rate_limit_retries:
                rate_limited += 1
                self.rate_limited_waits += 1
                time.sleep(self._retry_after(response, rate_limited))
                continue
            if response.status_code == 429:
                raise InfrastructureError(
                    f"target kept answering 429 Too Many Requests to {self._line(request)} after "
                    f"{rate_limited} back-offs; lower the suite's parallelism or raise the target's limit"
                )
            exchange = Exchange(
                RecordedRequest(request.method, str(request.url), dict(request.headers), body),
                RecordedResponse(response.status_code, dict(response.headers), response.content, elapsed_ms),
            )
            self.journal.append(exchange)
            self.answered += 1
            return exchange

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("retry-after", "")
        try:
            wait = float(header)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(header) if header else None
            wait = parsed.timestamp() - time.time() if parsed else 0.5 * 2 ** (attempt - 1)
        return min(max(wait, 0.0), self.retry.max_retry_after_s)

    def _line(self, request: httpx.Request) -> str:
        return self.redactor.redact(f"{request.method} {request.url}")

    def _transport_error(self, request: httpx.Request, exc: httpx.TransportError) -> InfrastructureError:
        reason = self.redactor.redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        message = f"target unreachable: {self._line(request)} failed ({reason})"
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        if request.method not in _IDEMPOTENT and sent:
            return OutcomeUnknown(message + "; the write may or may not have happened")
        return InfrastructureError(message)
