"""Create Task: parent links, contact names, and the title, status and priority of a created task.

The page gives no success status, so "accepted" means any 2xx. Only what was sent is compared: a
link that was not sent, a default priority or the fields beyond the documented ten are not asserted.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from taskconform.exchange import Exchange
from taskconform.findings import Verification
from taskconform.target import Target
from taskconform.vendors.leadlex.api import (
    LINKS,
    PRIORITIES,
    STATUSES,
    create_task,
    linked_record,
    same_id,
)

pytestmark = pytest.mark.vendor("leadlex")


def title(purpose: str) -> str:
    return f"taskconform {purpose} {uuid.uuid4().hex[:8]}"


def example_title() -> str:
    """The page's example title (with its non-ASCII letter), made unique."""
    return f"Follow up with Hans Müller {uuid.uuid4().hex[:8]}"


def accepted(verify: Verification, clause: str, exchange: Exchange, what: str) -> dict[str, Any] | None:
    """The created task if the request was accepted, else a finding against ``clause``."""
    holds = verify.expect(
        clause,
        exchange.succeeded,
        f"a 2xx for {what}",
        f"{exchange.status} {exchange.response.text[:300]}",
        exchange,
    )
    return exchange.data() if holds else None


def expect_sent_links(
    verify: Verification, exchange: Exchange, task: dict[str, Any], body: dict[str, Any]
) -> None:
    for link in LINKS:
        if link in body:
            verify.expect(
                "LL-CREATE-LINKS-ECHO",
                same_id(task.get(link), body[link]),
                f"{link} {body[link]} (as sent)",
                repr(task.get(link)),
                exchange,
            )


def expect_field(
    verify: Verification, clause: str, exchange: Exchange, task: dict[str, Any], field: str, value: Any
) -> None:
    verify.expect(clause, task.get(field) == value, f"{field} {value!r}", repr(task.get(field)), exchange)


@pytest.mark.clause(
    "LL-CREATE-PARENT-LINK-ANY", "LL-CREATE-LINKS-ECHO", "LL-CREATE-TITLE-ECHO", "LL-CREATE-STATUS-DEFAULT"
)
@pytest.mark.parametrize("link", LINKS)
def test_each_parent_link_alone_is_accepted_and_kept(target: Target, verify: Verification, link: str) -> None:
    body = {"title": example_title(), link: linked_record(target, link)}
    exchange = create_task(target, verify, body)
    task = accepted(verify, "LL-CREATE-PARENT-LINK-ANY", exchange, f"a task whose only parent link is {link}")
    if task is not None:
        expect_sent_links(verify, exchange, task, body)
        expect_field(verify, "LL-CREATE-TITLE-ECHO", exchange, task, "title", body["title"])
        expect_field(verify, "LL-CREATE-STATUS-DEFAULT", exchange, task, "status", "open")


@pytest.mark.clause("LL-CREATE-PARENT-LINK-ANY", "LL-CREATE-LINKS-ECHO")
def test_all_three_links_are_kept(target: Target, verify: Verification) -> None:
    body = {"title": title("linked three ways"), **{link: linked_record(target, link, 1) for link in LINKS}}
    exchange = create_task(target, verify, body)
    task = accepted(
        verify, "LL-CREATE-PARENT-LINK-ANY", exchange, "a task linked to a contact, deal and event"
    )
    if task is not None:
        expect_sent_links(verify, exchange, task, body)


@pytest.mark.clause("LL-CREATE-STATUS-VALUES")
@pytest.mark.parametrize("status", STATUSES)
def test_each_documented_status_is_accepted_and_kept(
    target: Target, verify: Verification, status: str
) -> None:
    body = {
        "title": title(f"status {status}"),
        "contact_id": linked_record(target, "contact_id"),
        "status": status,
    }
    exchange = create_task(target, verify, body)
    task = accepted(verify, "LL-CREATE-STATUS-VALUES", exchange, f"status {status!r}")
    if task is not None:
        expect_field(verify, "LL-CREATE-STATUS-VALUES", exchange, task, "status", status)


@pytest.mark.clause("LL-CREATE-PRIORITY-VALUES")
@pytest.mark.parametrize("priority", PRIORITIES)
def test_each_documented_priority_is_accepted_and_kept(
    target: Target, verify: Verification, priority: str
) -> None:
    body = {
        "title": title(f"priority {priority}"),
        "contact_id": linked_record(target, "contact_id"),
        "priority": priority,
    }
    exchange = create_task(target, verify, body)
    task = accepted(verify, "LL-CREATE-PRIORITY-VALUES", exchange, f"priority {priority!r}")
    if task is not None:
        expect_field(verify, "LL-CREATE-PRIORITY-VALUES", exchange, task, "priority", priority)


@pytest.mark.clause("LL-CREATE-CONTACT-NAME-RESOLVED")
def test_a_unique_contact_name_resolves_to_its_contact(target: Target, verify: Verification) -> None:
    """A deal as well, so the body has a parent link whether or not a name counts as one."""
    name = target.option("unique_contact_name")
    expected = target.option("unique_contact_id")
    body = {
        "title": title("contact by name"),
        "deal_id": linked_record(target, "deal_id"),
        "contact_name": name,
    }
    exchange = create_task(target, verify, body)
    task = accepted(verify, "LL-CREATE-CONTACT-NAME-RESOLVED", exchange, f"contact_name {name!r}")
    if task is not None:
        verify.expect(
            "LL-CREATE-CONTACT-NAME-RESOLVED",
            same_id(task.get("contact_id"), expected),
            f"contact_id {expected} (the one contact named {name!r})",
            repr(task.get("contact_id")),
            exchange,
        )


@pytest.mark.clause("LL-CREATE-CONTACT-WORKSPACE")
@pytest.mark.parametrize("pool", ["foreign", "missing"], ids=["other-workspace", "no-such-contact"])
def test_a_contact_outside_the_workspace_is_rejected_even_with_a_deal(
    target: Target, verify: Verification, pool: str
) -> None:
    contact = target.first(pool)
    body = {
        "title": title("outside contact"),
        "deal_id": linked_record(target, "deal_id"),
        "contact_id": contact,
    }
    exchange = create_task(target, verify, body)
    verify.expect(
        "LL-CREATE-CONTACT-WORKSPACE",
        400 <= exchange.status < 500,
        f"a 4xx for contact {contact}, which is not a contact of the workspace",
        f"{exchange.status} {exchange.response.text[:300]}",
        exchange,
    )
