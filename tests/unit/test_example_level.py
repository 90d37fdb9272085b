"""Example-level clauses: what only a documented example shows is checked on every answer, and a
deviation is noted as a warning (never raised, so it cannot stop a test) unless the run is strict."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from taskconform.client import ApiClient
from taskconform.config import RunSettings, VendorTarget
from taskconform.findings import Verification
from taskconform.redaction import Redactor
from taskconform.target import Target, WorkerSlot
from taskconform.vendors import VENDORS

from .test_spec_superfone import SUCCESS_EXAMPLES

KEY = "sfk-example-level-0001"
# The Create Task page's example task, on the lead the answers below are about.
TASK = {**SUCCESS_EXAMPLES["createTask"]["data"], "customer_id": 1001}
CLOSED = {**TASK, "task_status": "COMPLETE", "status": "COMPLETE", "updated_by": 1}
EXAMPLES = {
    "createTask": {"data": TASK, "message": "success"},
    "listTasks": {
        "data": {
            "rows": [TASK, CLOSED],
            "total_pages": 1,
            "current_page": 1,
            "page_size": 20,
            "total_items": 2,
        },
        "message": "success",
    },
    "completeTask": {"data": CLOSED, "message": "success"},
}
PREFIX = {"createTask": "SF-CREATE", "listTasks": "SF-LIST", "completeTask": "SF-COMPLETE"}


def _verify(operation: str, body: Any, warn_only: frozenset[str] = frozenset()) -> Verification:
    """The verification of one answer ``body`` (status 200) to ``operation`` on lead 1001."""
    vendor = VENDORS["superfone"]
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    client = ApiClient("http://target.test", vendor.auth, KEY, Redactor({KEY: "K"}), transport=transport)
    config = VendorTarget("superfone", "http://target.test", {"api_key_env": "K"}, {"K": KEY})
    target = Target(vendor, config, client, RunSettings(), WorkerSlot())
    verify = Verification(target.client.redactor, warn_only)
    target.call(verify, operation, {"lead_id": 1001})
    return verify


def _example_findings(verify: Verification) -> list[tuple[str, str]]:
    return [(f.clause, f.actual) for f in [*verify.findings, *verify.warnings] if "-EXAMPLE-" in f.clause]


@pytest.mark.parametrize("operation", sorted(EXAMPLES))
def test_the_documented_examples_themselves_pass(operation: str) -> None:
    verify = _verify(operation, EXAMPLES[operation])
    assert _example_findings(verify) == [] and verify.findings == []
    assert {
        f"{PREFIX[operation]}-EXAMPLE-{kind}" for kind in ("MESSAGE", "STATUS", "FIELDS")
    } <= verify.exercised


@pytest.mark.parametrize(
    ("operation", "edit", "clause", "actual"),
    [
        ("createTask", lambda b: b.update(message="ok"), "SF-CREATE-EXAMPLE-MESSAGE", "'ok'"),
        ("listTasks", lambda b: b.pop("message"), "SF-LIST-EXAMPLE-MESSAGE", "'(absent)'"),
        (
            "completeTask",
            lambda b: b["data"].update(status="DONE"),
            "SF-COMPLETE-EXAMPLE-STATUS",
            "'DONE' (task 4567)",
        ),
        (
            "createTask",
            lambda b: b["data"].pop("type_name"),
            "SF-CREATE-EXAMPLE-FIELDS",
            "type_name absent (task 4567)",
        ),
        (
            "listTasks",
            lambda b: b["data"]["rows"][1].update(updated_by="1"),
            "SF-LIST-EXAMPLE-FIELDS",
            "updated_by '1' (the examples show number or null) (task 4567)",
        ),
    ],
)
def test_a_deviation_from_an_example_is_named_by_its_clause(
    operation: str, edit: Any, clause: str, actual: str
) -> None:
    body = {**EXAMPLES[operation], "data": _copy(EXAMPLES[operation]["data"])}
    edit(body)
    assert _example_findings(_verify(operation, body)) == [(clause, actual)]


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("rows")
    return {**data, "rows": [dict(row) for row in rows]} if rows is not None else dict(data)


def test_odd_answers_are_left_to_the_must_clauses_without_a_crash() -> None:
    for body in ([1, 2], {"data": [TASK]}, {"data": {**TASK, "task_status": ["PENDING"]}}, "text"):
        verify = _verify("createTask", body)
        assert not [f for f in verify.findings if f.clause == "SF-CREATE-EXAMPLE-STATUS"]


def test_a_warning_is_noted_once_per_clause_and_never_raised() -> None:
    clause = "SF-LIST-EXAMPLE-MESSAGE"
    verify = _verify("listTasks", {**EXAMPLES["listTasks"], "message": "ok"}, frozenset({clause}))
    verify.expect(clause, False, "again", "again")
    assert [f.clause for f in verify.warnings] == [clause] and verify.findings == []
    verify.settle()  # nothing to raise
