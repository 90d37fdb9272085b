"""A clause's failing sequences as HAR 1.2, the format browsers' devtools, Postman and proxies import.

Built from the report's failures, whose exchanges are already redacted as report.json holds them, so
a HAR file can hold no key the report does not. One page per distinct failure, named as the script
that replays the same sequence, its steps as entries in the order sent. The recorded exchanges carry
no wall-clock time: a step is dated from the run's start plus the time the steps before it took, and
steps sent concurrently share their start. What HAR has no field for (a step's note, whether it was
sent concurrently) goes into ``_``-prefixed custom fields, as the format allows.
Spec: http://www.softwareishard.com/blog/har-12-spec/
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .. import __version__
from .model import Failure, ReportedExchange

__all__ = ["har_document"]

_HTTP_VERSION = "HTTP/1.1"


def har_document(clause: str, failures: Sequence[Failure], started: datetime) -> dict[str, Any]:
    """The HAR log of ``failures`` (distinct sequences of one clause); the first step of each is
    dated ``started``."""
    pages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for number, failure in enumerate(failures, start=1):
        # The page is named as the script replaying the same sequence, where there is one.
        script = failure.reproduction_file
        page_id = PurePosixPath(script).stem if script else f"{clause}-{number}"
        pages.append(
            {
                "startedDateTime": _instant(started),
                "id": page_id,
                "title": f"{clause}: {failure.check}",
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                "comment": f"expected {failure.expected}; seen {failure.actual}"
                + f" ({failure.occurrences} occurrence(s); script {failure.reproduction_file})",
            }
        )
        entries += _entries(page_id, failure.exchanges, started)
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "taskconform", "version": __version__},
            "pages": pages,
            "entries": entries,
        }
    }


def _entries(page_id: str, steps: Sequence[ReportedExchange], started: datetime) -> list[dict[str, Any]]:
    """Each step starts when the step before it was answered, unless both were sent concurrently."""
    entries = []
    group_start = clock = started
    for index, step in enumerate(steps):
        together = step.concurrent and index > 0 and steps[index - 1].concurrent
        if not together:
            group_start = clock
        elapsed = timedelta(milliseconds=step.response.elapsed_ms)
        clock = max(clock, group_start + elapsed)
        entries.append(_entry(page_id, step, group_start))
    return entries


def _entry(page_id: str, step: ReportedExchange, sent: datetime) -> dict[str, Any]:
    request, response = step.request, step.response
    request_part: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "httpVersion": _HTTP_VERSION,
        "headers": _pairs(request.headers),
        "queryString": [
            {"name": name, "value": value}
            for name, value in parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
        ],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0 if request.body is None else len(request.body.encode()),
    }
    if request.body is not None:
        request_part["postData"] = {
            "mimeType": _header(request.headers, "content-type") or "application/octet-stream",
            "params": [],
            "text": request.body,
        }
    return {
        "pageref": page_id,
        "startedDateTime": _instant(sent),
        "time": response.elapsed_ms,
        "request": request_part,
        "response": {
            "status": response.status,
            "statusText": _reason(response.status),
            "httpVersion": _HTTP_VERSION,
            "headers": _pairs(response.headers),
            "cookies": [],
            "content": {
                "size": len(response.body.encode()),
                "mimeType": _header(response.headers, "content-type") or "",
                "text": response.body,
            },
            "redirectURL": _header(response.headers, "location") or "",
            "headersSize": -1,
            "bodySize": len(response.body.encode()),
        },
        "cache": {},
        # Only the whole round trip was measured: it is all waiting, as far as the suite knows.
        "timings": {"send": 0, "wait": response.elapsed_ms, "receive": 0},
        "_note": step.note,
        "_concurrent": step.concurrent,
    }


def _pairs(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.items()]


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _instant(moment: datetime) -> str:
    """ISO 8601 with milliseconds and an offset, as HAR's dates are."""
    return moment.isoformat(timespec="milliseconds")
