"""A recorded HTTP exchange: the evidence attached to every finding, and its curl reproduction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .redaction import Redactor

__all__ = ["READ_METHODS", "TRANSPORT_HEADERS", "Exchange", "RecordedRequest", "RecordedResponse"]

_BODY_LIMIT = 4000
# Methods that change nothing: every other request is a write a reproduction must replay.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Headers the HTTP client sets for itself: neither a reproduction nor a replay sends them.
TRANSPORT_HEADERS = {"content-length", "host", "accept-encoding", "connection", "user-agent", "accept"}


def _path_only(url: str) -> str:
    return url.split("?", 1)[0]


@dataclass(frozen=True)
class RecordedRequest:
    """Headers, body and query may hold a key: the repr (shown in tracebacks) leaves them out."""

    method: str
    url: str = field(repr=False)
    headers: dict[str, str] = field(repr=False)
    body: bytes | None = field(repr=False)
    # When it was sent (time.monotonic()): requests whose answers overlap were sent concurrently.
    sent_at: float = field(default=0.0, repr=False)

    def __repr__(self) -> str:
        return f"RecordedRequest({self.method} {_path_only(self.url)})"


@dataclass(frozen=True)
class RecordedResponse:
    """A target may echo a key in a body or header: the repr leaves both out."""

    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    elapsed_ms: float

    def json(self) -> Any:
        return json.loads(self.body)

    @cached_property
    def _parsed(self) -> Any:
        try:
            return self.json()
        except ValueError:
            return None

    def json_or_none(self) -> Any:
        """Parsed once: every check of a response reads it, and parsing dominated their cost."""
        return self._parsed

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Exchange:
    request: RecordedRequest
    response: RecordedResponse

    def __repr__(self) -> str:
        return f"Exchange({self.request.method} {_path_only(self.request.url)} -> {self.response.status})"

    @property
    def status(self) -> int:
        return self.response.status

    def json(self) -> Any:
        return self.response.json_or_none()

    @property
    def is_write(self) -> bool:
        """A request that may change the target's state: what a reproduction must replay."""
        return self.request.method.upper() not in READ_METHODS

    def overlaps(self, other: Exchange) -> bool:
        """Both were in flight at once (neither was answered before the other was sent)."""
        mine, theirs = self.request.sent_at, other.request.sent_at
        return (
            mine < theirs + other.response.elapsed_ms / 1000
            and theirs < mine + self.response.elapsed_ms / 1000
        )

    @property
    def succeeded(self) -> bool:
        """Any 2xx: some documents give no success status of their own."""
        return 200 <= self.status < 300

    def data(self) -> dict[str, Any]:
        """The object in the answer's ``data`` envelope (every vendor wraps its results so), or {}."""
        body = self.json()
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else {}

    def request_line(self) -> str:
        return f"{self.request.method} {self.request.url}"

    def curl(self, redactor: Redactor) -> str:
        """A shell command that replays the request, secrets as ``${ENV}`` references."""
        words = ["curl", "-sS", "-X", self.request.method, redactor.shell_word(self.request.url)]
        for name, value in self.request.headers.items():
            if name.lower() not in TRANSPORT_HEADERS:
                words += ["-H", redactor.shell_word(f"{name}: {value}")]
        if self.request.body is not None:
            body = self.request.body.decode("utf-8", errors="replace")
            words += ["--data-binary", redactor.shell_word(body)]
        return " ".join(words)

    def to_dict(self, redactor: Redactor) -> dict[str, Any]:
        return {
            "request": {
                "method": self.request.method,
                "url": redactor.redact(self.request.url),
                "headers": {k: redactor.redact(v) for k, v in self.request.headers.items()},
                "body": None if self.request.body is None else redactor.redact(_clip(self.request.body)),
            },
            "response": {
                "status": self.response.status,
                "headers": {k: redactor.redact(v) for k, v in self.response.headers.items()},
                "body": redactor.redact(_clip(self.response.body)),
                "elapsed_ms": round(self.response.elapsed_ms, 1),
            },
            "curl": self.curl(redactor),
        }

    def describe(self, redactor: Redactor) -> str:
        """A short human rendering for pytest's failure output."""
        body = _clip(self.response.body, 600)
        return redactor.redact(f"{self.request_line()}\n  -> {self.response.status} {body}")


def _clip(body: bytes, limit: int = _BODY_LIMIT) -> str:
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"
