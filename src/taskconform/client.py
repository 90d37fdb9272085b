"""The suite's only way to talk to a target.

One client per vendor and worker. It applies the vendor's authentication, records every exchange
as evidence, backs off (bounded) when the target says "not now" — a 429, or a 503 with Retry-After
from the target or a gateway in front of it, neither a contract violation — retries idempotent reads
after a transport fault, and turns anything it cannot get an answer for into an
``InfrastructureError`` — so a dead or overloaded target is never reported as a broken rule.
"""

from __future__ import annotations

import email.utils
import json
import re
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from enum import Enum
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from .concurrency import ConcurrencyLimit
from .errors import InfrastructureError
from .exchange import Exchange, RecordedRequest, RecordedResponse
from .redaction import Redactor

__all__ = [
    "WRONG_KEY",
    "ApiClient",
    "AuthMode",
    "AuthScheme",
    "OutcomeUnknown",
    "RetryPolicy",
    "SentCredential",
    "backoff_s",
]

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
class SentCredential:
    """A key a request carried, and where: the security checks look for it in the answer. The value
    stays out of the repr, so no traceback or assertion message shows it."""

    where: str  # e.g. "the x-api-key header", "the api_key query parameter"
    value: str = field(repr=False)


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

    def carried(self, request: RecordedRequest) -> tuple[SentCredential, ...]:
        """The keys ``request`` carried where this scheme puts them, read from the request as sent
        (the valid key, another configured one, the deliberately wrong one; none when it had none)."""
        if self.location == "header":
            where = f"the {self.name} header"
            values = [v for k, v in request.headers.items() if k.lower() == self.name.lower()]
            values = [v.removeprefix(self.prefix) for v in values]
        else:
            where = f"the {self.name} query parameter"
            query = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
            values = [value for name, value in query if name == self.name]
        return tuple(SentCredential(where, value) for value in dict.fromkeys(values) if value)


@dataclass(frozen=True)
class RetryPolicy:
    """How patient the client is. Every wait is bounded, so a target that never lifts its limit ends the
    run as incomplete in bounded time instead of hanging it. Without Retry-After, the eight back-offs
    of one request wait 25.5 s in all: enough for a rate-limit window of seconds, not for an outage."""

    max_backoffs: int = 8  # "not now" answers to one request before it is an InfrastructureError
    max_retry_after_s: float = 30.0  # the longest single wait, whatever Retry-After asks for
    transport_retries: int = 2
    first_backoff_s: float = 0.1  # without a usable Retry-After: 0.1, 0.2, 0.4, ... s


# delay-seconds (RFC 9110 §10.2.3) is digits; a sign or a fraction is read too rather than discarded.
_DELAY_SECONDS = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?")


def _retry_after_s(value: str, now: float) -> float | None:
    """The seconds a Retry-After value asks for (negative for a past date), or None if it says nothing
    usable. ``nan`` and ``inf`` are no delay-seconds: they count as garbage, never as a wait."""
    text = value.strip()
    if _DELAY_SECONDS.fullmatch(text):
        return float(text)  # a huge number reads as inf, which the caller bounds
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (ValueError, OverflowError):
        return None
    # A date with the zone -0000 parses without one: RFC 5322 says it is UTC all the same.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() - now


def backoff_s(retry_after: str | None, attempt: int, policy: RetryPolicy, now: float) -> float:
    """Seconds to wait before retry number ``attempt`` (from 1) of a request refused with ``retry_after``
    as its Retry-After header (None: absent), at wall-clock time ``now``.

    A past date or a negative number means "now" (0); a missing or unusable value a short exponential
    back-off; anything longer than ``policy.max_retry_after_s`` is cut to it. Always a finite number
    in ``[0, max_retry_after_s]``: the result goes straight to ``time.sleep``.
    """
    asked = _retry_after_s(retry_after, now) if retry_after is not None else None
    # Doubling stops at 2**30 (any bound is long exceeded by then) so no attempt number overflows a float.
    wait = policy.first_backoff_s * 2.0 ** min(attempt - 1, 30) if asked is None else asked
    return min(max(wait, 0.0), policy.max_retry_after_s)


def _says_not_now(response: httpx.Response) -> bool:
    """A 429, or a 503 with Retry-After: the request was not processed and may be sent again, a write
    included. A 503 without Retry-After (or a 500) is an answer like any other, for the checks to judge."""
    return response.status_code == 429 or (response.status_code == 503 and "retry-after" in response.headers)


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
        concurrency: ConcurrencyLimit | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.redactor = redactor
        self.retry = retry or RetryPolicy()
        self._key = key
        # Idle connections are dropped after 2 s, before a typical server's keep-alive timeout (often 5 s):
        # reusing a connection the server is closing would lose a write's answer. Never because more are
        # idle than a bound: httpcore 1.0 counts every connection, not the idle ones, against that bound,
        # and above it closes a connection another thread was just given (EBADF, "target unreachable",
        # at a --concurrency above its default of 20).
        self._http = httpx.Client(
            timeout=timeout_s,
            verify=_tls_context(),
            transport=transport,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=None, keepalive_expiry=2.0),
        )
        # The exchanges of the current test (the plugin clears it when a test starts): its evidence. A
        # test in a lane keeps its own (``own_journal``).
        self._journal: list[Exchange] = []
        self._thread = threading.local()
        # Back-offs over the client's life (status -> how many) and the seconds they waited: the report
        # shows them, since a target that is often "not now" is worth knowing about though no violation.
        self.backoffs: Counter[int] = Counter()
        self.backoff_wait_s = 0.0
        self.answered = 0  # answers received over the client's life, for throughput figures
        # How many requests work that overlaps them may have in flight (--concurrency); every answer
        # tells it whether the target said "not now". A test that sends one request at a time takes a
        # slot only beside other lanes; the race tests, which overlap a few on purpose, never wait.
        self.concurrency = concurrency or ConcurrencyLimit(1)
        # Several threads may send at once (the pooled connections are thread-safe): the counters are not.
        self._counting = threading.Lock()

    @property
    def journal(self) -> list[Exchange]:
        own: list[Exchange] | None = getattr(self._thread, "journal", None)
        return self._journal if own is None else own

    @contextmanager
    def own_journal(self, journal: list[Exchange], *, in_a_slot: bool) -> Iterator[None]:
        """What this thread sends meanwhile goes to ``journal`` (a test in a lane, beside other lanes:
        ``lanes``; the threads of one test share it). ``in_a_slot``: each of its requests also takes a
        slot of the concurrency limit, which the lanes share."""
        self._thread.journal = journal
        self._thread.in_a_slot = in_a_slot
        try:
            yield
        finally:
            self._thread.journal = None
            self._thread.in_a_slot = False

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
        journal: bool = True,
    ) -> Exchange:
        """Send one request to ``base_url + path``; ``path`` is already URL-encoded.

        ``key`` replaces the client's own key for this request (another configured key role, e.g. a
        key without write permission); it is only sent with ``AuthMode.VALID``. ``journal=False``: a
        request sent ahead for a later test, whose journal takes it when that test judges it.
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
        return self._send(request, body, journal)

    def _send(self, request: httpx.Request, body: bytes | None, journal: bool) -> Exchange:
        if getattr(self._thread, "in_a_slot", False):
            with self.concurrency.slot():
                return self._send_now(request, body, journal)
        return self._send_now(request, body, journal)

    def _send_now(self, request: httpx.Request, body: bytes | None, journal: bool) -> Exchange:
        transport_failures = 0
        backoffs = 0
        while True:
            started = time.perf_counter()
            sent_at = time.monotonic()
            sent_in_round = self.concurrency.current_round
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
            not_now = _says_not_now(response)
            self.concurrency.observe(sent_in_round, response.status_code if not_now else None)
            if not_now:
                if backoffs == self.retry.max_backoffs:
                    raise self._not_now_error(request, response, backoffs)
                backoffs += 1
                wait = backoff_s(response.headers.get("retry-after"), backoffs, self.retry, time.time())
                with self._counting:
                    self.backoffs[response.status_code] += 1
                    self.backoff_wait_s += wait
                time.sleep(wait)
                continue
            exchange = Exchange(
                RecordedRequest(request.method, str(request.url), dict(request.headers), body, sent_at),
                RecordedResponse(response.status_code, dict(response.headers), response.content, elapsed_ms),
            )
            with self._counting:
                if journal:
                    self.journal.append(exchange)
                self.answered += 1
            return exchange

    def _not_now_error(
        self, request: httpx.Request, response: httpx.Response, backoffs: int
    ) -> InfrastructureError:
        return InfrastructureError(
            f"target kept answering {response.status_code} {response.reason_phrase} to "
            f"{self._line(request)} after {backoffs} back-offs; lower the suite's parallelism, "
            "raise the target's limit or retry when it is available"
        )

    def _line(self, request: httpx.Request) -> str:
        return self.redactor.redact(f"{request.method} {request.url}")

    def _transport_error(self, request: httpx.Request, exc: httpx.TransportError) -> InfrastructureError:
        reason = self.redactor.redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        message = f"target unreachable: {self._line(request)} failed ({reason})"
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        if request.method not in _IDEMPOTENT and sent:
            return OutcomeUnknown(message + "; the write may or may not have happened")
        return InfrastructureError(message)
