"""Superfone's vocabulary and the sandbox's seed data: the records a fresh sandbox starts from.

Account A (org 42) owns leads 1001–1008, account B (org 43) owns leads 2001–2003; every lead has an
assignee. Lead 1001 starts with a completed FIRST_CALL and a pending REMINDER, lead 2001 with a pending
FOLLOW_UP_CALL, so the suite meets leads with history. New task ids count up from 5000 across both
accounts (SF-OPEN-ID-SCHEME).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "FIRST_CALL",
    "FIRST_TASK_ID",
    "MISSING_LEAD",
    "REMINDER",
    "SEED_ACCOUNTS",
    "SEED_HISTORY",
    "TASK_TYPES",
    "Lead",
    "SeedAccount",
    "Task",
]

REMINDER = "REMINDER"
FIRST_CALL = "FIRST_CALL"
# Order as in the documented "Allowed: ..." list, which the error message reproduces.
TASK_TYPES: tuple[str, ...] = (
    "FOLLOW_UP_CALL",
    FIRST_CALL,
    "CALLBACK_REQUEST",
    "SITE_VISIT",
    REMINDER,
    "BOOKING",
)


@dataclass(frozen=True, slots=True)
class Lead:
    id: int
    org_id: int
    assignee_user_id: int


@dataclass(frozen=True, slots=True)
class Task:
    """One task as stored. Immutable: closing a task replaces it, so a response can be rendered
    outside the store's lock from a consistent snapshot."""

    id: int
    org_id: int
    customer_id: int
    type: str
    due_date: datetime
    notify_at: datetime
    assignee_user_id: int | None  # None only under the fault assignee-lost
    created_at: datetime
    updated_at: datetime
    customer_note: str | None = None
    completed: bool = False

    @property
    def is_open(self) -> bool:
        return not self.completed


@dataclass(frozen=True, slots=True)
class SeedAccount:
    org_id: int
    lead_assignees: Mapping[int, int]  # lead id -> assignee user id


# Account A and account B, paired by position with ``SandboxOptions.keys["superfone"]``.
SEED_ACCOUNTS: tuple[SeedAccount, SeedAccount] = (
    SeedAccount(
        org_id=42,
        lead_assignees={
            1001: 678,
            1002: 679,
            1003: 680,
            1004: 681,
            1005: 682,
            1006: 683,
            1007: 684,
            1008: 685,
        },
    ),
    SeedAccount(org_id=43, lead_assignees={2001: 901, 2002: 902, 2003: 903}),
)

# Tasks that exist before the first request, in creation order.
SEED_HISTORY: tuple[Task, ...] = (
    Task(
        id=4001,
        org_id=42,
        customer_id=1001,
        type=FIRST_CALL,
        due_date=datetime(2025, 3, 3, 10, 0, tzinfo=UTC),
        notify_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
        assignee_user_id=678,
        created_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
        updated_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
        customer_note="Inbound enquiry from the website form.",
        completed=True,
    ),
    Task(
        id=4002,
        org_id=42,
        customer_id=1001,
        type=REMINDER,
        due_date=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        notify_at=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        assignee_user_id=678,
        created_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
        updated_at=datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
    ),
    Task(
        id=4003,
        org_id=43,
        customer_id=2001,
        type="FOLLOW_UP_CALL",
        due_date=datetime(2025, 4, 1, 11, 0, tzinfo=UTC),
        notify_at=datetime(2025, 4, 1, 10, 50, tzinfo=UTC),
        assignee_user_id=901,
        created_at=datetime(2025, 3, 28, 14, 0, tzinfo=UTC),
        updated_at=datetime(2025, 3, 28, 14, 0, tzinfo=UTC),
    ),
)
FIRST_TASK_ID = 5000
# A lead id no account has: the target configuration names it as the missing lead.
MISSING_LEAD = 999_999_999
