"""What every vendor sandbox does the same way: how an answer is rendered, how wire values are read
and written, and how new task ids are drawn.

Each vendor sandbox raises ``Rejection`` for a documented (or chosen) error and ``Crash`` for a fault
that answers 500; ``answering`` turns both, and a handler's data, into responses. What differs between
vendors (error body shape, success envelope, status codes, messages) stays in the vendor's package and
is passed in as functions, so the mechanism lives here once.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import NoReturn

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

__all__ = [
    "JSON_ERRORS",
    "TIMESTAMP_PATTERN",
    "AsciiJSONResponse",
    "Crash",
    "Handler",
    "Rejection",
    "answering",
    "instant_from_parts",
    "is_blank",
    "parse_json",
    "parse_timestamp",
    "random_task_ids",
    "shortest_timespec",
    "to_millisecond",
    "utc_iso",
]

Handler = Callable[[Request], Awaitable[object]]

# ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` then ``Z``, ``±HH:MM``, ``±HHMM``, ``±HH`` or nothing; the group
# names are what ``instant_from_parts`` reads.
TIMESTAMP_PATTERN = (
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?:Z|(?P<sign>[+-])(?P<offset_hours>\d{2})(?::?(?P<offset_minutes>[0-5]\d))?)?"
)

_TIMESTAMP = re.compile(TIMESTAMP_PATTERN, re.ASCII)

# What ``parse_json`` raises for a body that is not JSON Python can represent (syntax, NaN/Infinity,
# integers over 4,300 digits, nesting past the recursion limit).
JSON_ERRORS: tuple[type[Exception], ...] = (ValueError, RecursionError)


class AsciiJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: UTF-8 cannot encode a lone surrogate a client may have sent, and
    echoing it must not turn into a 500."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


class Rejection(Exception):
    """An error answer raised from validation; ``answering`` renders it with the vendor's error body.

    ``code`` and ``extra`` are for a vendor whose error body says more than a message (an error code,
    candidate lists); the others leave them empty.
    """

    def __init__(self, status_code: int, message: str, *, code: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.extra = extra


class Crash(Exception):
    """A 500 answered as text/plain; only faults raise it (no faithful input may produce a 5xx)."""

    def __init__(self, text: str = "Internal Server Error") -> None:
        super().__init__(text)
        self.text = text


def answering(
    handler: Handler,
    *,
    error_body: Callable[[Rejection], object],
    envelope: Callable[[object], object],
    success_status: int = 200,
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that answers the handler's data in the vendor's ``envelope``, a ``Rejection`` in the
    vendor's ``error_body`` with its status, and a ``Crash`` as its plain text with 500."""

    async def endpoint(request: Request) -> Response:
        try:
            data = await handler(request)
        except Rejection as rejection:
            return AsciiJSONResponse(error_body(rejection), status_code=rejection.status_code)
        except Crash as crash:
            return PlainTextResponse(crash.text, status_code=500)
        return AsciiJSONResponse(envelope(data), status_code=success_status)

    return endpoint


def is_blank(raw: bytes) -> bool:
    """A missing, empty or JSON-whitespace-only body."""
    return not raw.strip(b" \t\r\n")


def _reject_json_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON; Python's parser would otherwise accept them.
    raise ValueError(f"{name} is not valid JSON")


def parse_json(raw: bytes) -> object:
    """Strict JSON; raises one of ``JSON_ERRORS`` for anything that is not (vendors answer it differently)."""
    return json.loads(raw, parse_constant=_reject_json_constant)


def instant_from_parts(
    part: Mapping[str, str | None], *, honour_offset: bool = True, fraction_digits: int = 3
) -> datetime | None:
    """The aware UTC instant a ``TIMESTAMP_PATTERN``-shaped match names, or None if it names none.

    The fraction is kept to ``fraction_digits`` digits (3: the millisecond the vendors' clocks show).
    ``honour_offset=False`` is each vendor's timezone-shift fault: the local time is taken as UTC.
    """
    offset = timedelta(0)
    if part["sign"] is not None and honour_offset:
        offset = timedelta(hours=int(part["offset_hours"] or 0), minutes=int(part["offset_minutes"] or 0))
        offset = -offset if part["sign"] == "-" else offset
    fraction = (part["fraction"] or "0")[:fraction_digits].ljust(fraction_digits, "0")
    try:
        local = datetime(
            int(part["year"] or 0),
            int(part["month"] or 0),
            int(part["day"] or 0),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            int(fraction) * 10 ** (6 - fraction_digits),
            tzinfo=timezone(offset),
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):  # impossible fields, an offset of 24 h or more, out of range
        return None


def parse_timestamp(value: object, *, honour_offset: bool = True) -> datetime | None:
    """An aware UTC instant truncated to milliseconds, or None if ``value`` is not a string of the
    form ``TIMESTAMP_PATTERN`` naming a real instant (the forms more than one vendor accepts)."""
    match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    return instant_from_parts(match.groupdict(), honour_offset=honour_offset)


def utc_iso(instant: datetime, timespec: str = "milliseconds", *, zulu: bool = True) -> str:
    """The instant in UTC, ISO 8601 to ``timespec``: with ``Z`` (``2026-05-20T15:00:00.000Z``, every
    vendor's documented spelling) or, ``zulu=False``, with ``+00:00``."""
    utc = instant.astimezone(UTC)
    if zulu:
        return utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
    return utc.isoformat(timespec=timespec)


def shortest_timespec(instant: datetime) -> str:
    """The ``timespec`` that writes the instant's fraction only as far as it has one."""
    micro = instant.microsecond
    return "seconds" if micro == 0 else "milliseconds" if micro % 1000 == 0 else "microseconds"


def to_millisecond(instant: datetime) -> datetime:
    """The APIs' clocks have millisecond resolution; comparing finer instants would invent precision.

    A naive instant is taken as UTC.
    """
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=instant.microsecond // 1000 * 1000)


def random_task_ids() -> Iterator[int]:
    """Task ids of an allowed variation (``*-ids-large-random``): large, in no order, never reused."""
    rng = random.Random()
    used: set[int] = set()
    while True:
        candidate = rng.randrange(10**12, 10**15)
        if candidate not in used:
            used.add(candidate)
            yield candidate
