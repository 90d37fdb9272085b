"""Replaying a report's failure sequences against a target, and judging them again.

A report carries each failure's causal sequence as data (report.json). ``taskconform replay`` sends
those requests again, in order, to the target of its configuration — perhaps the vendor's own staging
after a fix — and re-applies the checks: every answer passes the checks mapped to its operation (as in
a run), and a vendor whose rules span several requests judges the sequence with its model
(``Vendor.replay_judge``). The recorded records become the target's configured ones (by position in
their pool), the recorded keys (masked in the report) the target's key, and every timestamp moves by
the time since the recorded run, so a notify window still lies ahead.

A clause that neither judges can re-check is not claimed either way: its sequences are skipped,
saying so, and the report shows the clause ``not-run``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .client import AuthMode
from .contract import load_spec_contract, parse_instant
from .exchange import TRANSPORT_HEADERS, Exchange
from .findings import Verification, concurrent_groups
from .redaction import MASK
from .reports.model import ReportedExchange, ReportedRequest
from .sequences import ReplayedRequest, SequenceJudge

if TYPE_CHECKING:
    from .target import Target

__all__ = [
    "NotReplayable",
    "RecordedSequence",
    "failing_clauses",
    "recorded_sequences",
    "replay",
]

_CLIPPED = re.compile(r"… \[\d+ more characters\]$")


class NotReplayable(Exception):
    """A recorded sequence that cannot be sent again as recorded: it is skipped, saying why."""


@dataclass(frozen=True)
class RecordedSequence:
    """One distinct failure of a report: its clause, the check that found it, its steps, and what the
    recorded run was configured with (its records, its base URL) and when it started."""

    vendor: str
    clause: str
    check: str
    steps: tuple[ReportedExchange, ...]
    recorded_config: Mapping[str, Any]
    recorded_at: datetime

    @property
    def name(self) -> str:
        return f"{self.vendor}-{self.clause}-{self.check}"


def failing_clauses(report_path: Path) -> dict[str, tuple[str, ...]]:
    """Per vendor, the clauses with failures in the report."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return {
        vendor["vendor"]: tuple(clause["id"] for clause in vendor["clauses"] if clause["failures"])
        for vendor in report["vendors"]
    }


def recorded_sequences(report_path: Path, clauses: frozenset[str] = frozenset()) -> list[RecordedSequence]:
    """The report's failures (of ``clauses``, if given), one per distinct sequence of requests."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    started = datetime.fromisoformat(report["started_at"])
    found: dict[tuple[Any, ...], RecordedSequence] = {}
    for vendor in report["vendors"]:
        for clause in vendor["clauses"]:
            if clauses and clause["id"] not in clauses:
                continue
            for failure in clause["failures"]:
                steps = tuple(ReportedExchange.from_json(step) for step in failure["exchanges"])
                key = (
                    vendor["vendor"],
                    clause["id"],
                    failure["check"],
                    *(step.request_key() for step in steps),
                )
                found.setdefault(
                    key,
                    RecordedSequence(
                        vendor["vendor"], clause["id"], failure["check"], steps, vendor["config"], started
                    ),
                )
    return list(found.values())


def replay(
    target: Target, verify: Verification, sequence: RecordedSequence, judge: SequenceJudge | None
) -> None:
    """Send the sequence's steps to ``target`` in order (steps recorded as concurrent together), each
    answer judged by its operation's checks and by ``judge``."""
    records = _record_map(target, sequence.recorded_config)
    shift = timedelta(seconds=round((datetime.now(UTC) - sequence.recorded_at).total_seconds()))
    key = target.secret(target.vendor.key_option)
    base_path = urlsplit(sequence.recorded_config["base_url"]).path.rstrip("/")
    # Every step is rewritten before any is sent: a sequence that cannot be replayed whole sends nothing.
    steps = sequence.steps
    groups = [
        [_request(target, steps[index].request, base_path, records, shift, key) for index in group]
        for group in concurrent_groups([step.concurrent for step in steps])
    ]
    for requests in groups:
        if judge is not None:
            for request in requests:
                judge.before(request.operation_id, request.path_params)
        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            exchanges = list(pool.map(lambda request: _send(target, request), requests))
        together = len(requests) > 1
        for request, exchange in zip(requests, exchanges, strict=True):
            target.receive(verify, request.operation_id, exchange, request.path_params)
            if judge is not None:
                judge.after(request, exchange, concurrent=together)
        if judge is not None and together:
            judge.after_concurrent()


def _send(target: Target, request: ReplayedRequest) -> Exchange:
    return target.client.request(
        request.method,
        request.path,
        params=request.params,
        headers=request.headers,
        auth=AuthMode.MISSING,
        content=request.content,
    )


def _request(
    target: Target,
    step: ReportedRequest,
    base_path: str,
    records: Mapping[str, Any],
    shift: timedelta,
    key: str,
) -> ReplayedRequest:
    operation_id, recorded_params = _operation(target, step, base_path)
    record_param = target.vendor.record_param
    unnamed = recorded_params.get(record_param) if record_param else None
    if unnamed is not None and unnamed not in records:
        raise NotReplayable(
            f"{step.method} {urlsplit(step.url).path} names record {unnamed}, which the report's "
            "configuration does not: nothing is sent to a record the target's configuration does not name"
        )
    path_params = {name: records.get(str(value), value) for name, value in recorded_params.items()}
    query = parse_qsl(urlsplit(step.url).query, keep_blank_values=True)
    headers = {
        name: value.replace(MASK, key)
        for name, value in step.headers.items()
        if name.lower() not in TRANSPORT_HEADERS
    }
    body = _moved(_body(step.body), records, shift)
    path = target.operation(operation_id).path.format(
        **{name: quote(str(value), safe="") for name, value in path_params.items()}
    )
    content = None if step.body is None else _content(step.body, body)
    params = {name: value.replace(MASK, key) for name, value in query}
    return ReplayedRequest(operation_id, step.method, path, path_params, params, headers, body, content)


def _operation(target: Target, step: ReportedRequest, base_path: str) -> tuple[str, dict[str, str]]:
    path = urlsplit(step.url).path.removeprefix(base_path)
    for operation in load_spec_contract(target.vendor.spec_file).operations.values():
        if operation.method.upper() != step.method.upper():
            continue
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(operation.path))
        match = re.fullmatch(pattern, path)
        if match:
            return operation.operation_id, {name: unquote(value) for name, value in match.groupdict().items()}
    raise ValueError(f"{step.method} {path} is no operation of {target.vendor.name}'s spec")


def _record_map(target: Target, recorded_config: Mapping[str, Any]) -> dict[str, Any]:
    """Each recorded record (as text) -> the target's record in the same place of the same pool."""
    mapping: dict[str, Any] = {}
    for kind, pool in target.vendor.pools.items():
        recorded = recorded_config.get(pool.key) if pool.key else None
        mine = target.pool(kind)
        if not isinstance(recorded, list) or not mine:
            continue
        for index, value in enumerate(recorded):
            mapping.setdefault(str(value), mine[index % len(mine)])
    return mapping


def _body(recorded: str | None) -> Any:
    """The recorded JSON body as data (None: no body, or one that is not JSON and is sent as it was)."""
    if recorded is None:
        return None
    if _CLIPPED.search(recorded):
        raise NotReplayable("a recorded body was clipped in the report; its request cannot be sent again")
    try:
        return json.loads(recorded)
    except ValueError:
        return None


def _content(recorded: str, body: Any) -> bytes:
    return recorded.encode() if body is None else json.dumps(body, ensure_ascii=False).encode()


def _moved(node: Any, records: Mapping[str, Any], shift: timedelta) -> Any:
    """The body with recorded records replaced by the target's and timestamps moved by ``shift``."""
    if isinstance(node, dict):
        return {name: _moved(value, records, shift) for name, value in node.items()}
    if isinstance(node, list):
        return [_moved(value, records, shift) for value in node]
    if isinstance(node, str | int) and not isinstance(node, bool) and str(node) in records:
        return records[str(node)]
    if isinstance(node, str) and "T" in node:
        instant = parse_instant(node)
        if instant is not None:
            return (instant + shift).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return node
