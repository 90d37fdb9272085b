"""The documented behaviour of tasks over time, checked against a plain-Python model.

A Hypothesis state machine creates tasks of every type (with and without notify_at and
customer_note), completes tasks and walks the list with every page size, on several of this
worker's leads at once, each example starting from leads without an open task. After every step
each lead's first page must match the model, so an action on one lead that changes another is caught
too. Tasks created at the same instant may be
listed, and closed by Complete Task, in any order: the model follows the server's choice.
Hypothesis shrinks a failure to the shortest sequence; the finding carries every exchange of it, so
the report replays it.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import seed
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from taskconform.client import OutcomeUnknown
from taskconform.findings import Verification
from taskconform.profiles import PROFILES, Profile
from taskconform.session import RunState
from taskconform.target import Target
from taskconform.vendors.superfone.api import (
    TASK_TYPES,
    complete_task,
    create_task,
    list_page,
    list_pages,
)
from taskconform.vendors.superfone.listing import expect_listing, expect_page_arithmetic, lead_as_listed
from taskconform.vendors.superfone.model import MODEL_CLAUSES, LeadModel
from taskconform.vendors.superfone.rules import (
    TaskRequest,
    expect_completed,
    expect_created_task,
    whole_seconds_from_now,
)

pytestmark = pytest.mark.vendor("superfone")

MODEL_LEADS = 2
notes = st.none() | st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)


class SuperfoneTaskMachine(RuleBasedStateMachine):
    target: Target
    verify: Verification
    leads: tuple[Any, ...]
    # Models that ended an example in agreement with the target, reused by the next example after a
    # cheap check: re-reading a long history before every example would make shrinking crawl.
    agreed: dict[Any, LeadModel]

    def __init__(self) -> None:
        super().__init__()
        self.models: dict[Any, LeadModel] = {}
        self.last_action: str | None = None
        self.tolerance = timedelta(seconds=self.target.settings.clock_tolerance_s)

    @property
    def journal(self) -> tuple[Any, ...]:
        return tuple(self.target.client.journal)

    @property
    def diverged(self) -> bool:
        """After the first finding the model no longer describes the target: later steps stay silent.

        Rules still run (so Hypothesis draws the same data on every replay); the finding is raised
        once, at teardown.
        """
        return bool(self.verify.findings)

    def read_lead(self, lead: Any) -> LeadModel:
        return lead_as_listed(self.target, self.verify, lead)

    def still_agrees(self, model: LeadModel) -> bool:
        data = list_page(self.target, self.verify, model.lead, 1, 20).data()
        rows = data.get("rows") or []
        shown = [(row.get("id"), row.get("task_status")) for row in rows]
        expected = [(task.id, task.status) for task in model.newest_first(rows)[:20]]
        return data.get("total_items") == len(model.tasks) and shown == expected

    def close_what_is_open(self, model: LeadModel) -> LeadModel:
        """Complete Task as often as the lead holds open tasks, unjudged (no rule of the example's is
        at stake yet), and return the lead as it is then.

        Every example starts from a lead without an open task, so what it finds follows from its own
        steps: the shrunk example, with these completes at its head, shows the violation again on a
        fresh deployment, whatever earlier examples or tests left on the lead.
        """
        open_tasks = sum(task.open for task in model.tasks)
        if not open_tasks:
            return model
        unjudged = Verification(self.verify.redactor)
        for _ in range(open_tasks):
            closed = complete_task(self.target, unjudged, model.lead)
            if not closed.succeeded or model.complete(closed.data().get("id")) is None:
                break
        return model if self.still_agrees(model) else self.read_lead(model.lead)

    @initialize()
    def start_from_leads_without_open_tasks(self) -> None:
        self.target.client.journal.clear()
        for lead in self.leads:
            cached = self.agreed.pop(lead, None)
            model = cached if cached and self.still_agrees(cached) else self.read_lead(lead)
            self.models[lead] = self.close_what_is_open(model)

    @rule(
        lead_index=st.integers(0, MODEL_LEADS - 1),
        task_type=st.sampled_from(TASK_TYPES),
        due_in_hours=st.integers(1, 24 * 60),
        notify_hours_before=st.none() | st.integers(0, 24),
        note=notes,
    )
    def create(
        self,
        lead_index: int,
        task_type: str,
        due_in_hours: int,
        notify_hours_before: int | None,
        note: str | None,
    ) -> None:
        if self.diverged:
            return
        lead = self.leads[lead_index % len(self.leads)]
        due = whole_seconds_from_now(timedelta(hours=due_in_hours))
        notify = None
        if notify_hours_before is not None and notify_hours_before < due_in_hours:
            notify = due - timedelta(hours=notify_hours_before)
        request = TaskRequest(task_type, due, notify, note)
        try:
            exchange = create_task(self.target, self.verify, lead, request.body())
        except OutcomeUnknown:
            self.models[lead] = self.read_lead(lead)
            return
        assignee = self.target.option("lead_assignees").get(lead)
        task = expect_created_task(self.verify, exchange, request, self.tolerance, assignee)
        if task is not None:
            self.models[lead].create(task_type, task)
        self.last_action = "create"

    @rule(lead_index=st.integers(0, MODEL_LEADS - 1), hours_late=st.integers(1, 48), past=st.booleans())
    def create_with_notify_outside_its_window(self, lead_index: int, hours_late: int, past: bool) -> None:
        if self.diverged:
            return
        lead = self.leads[lead_index % len(self.leads)]
        due = whole_seconds_from_now(timedelta(days=2))
        margin = timedelta(hours=hours_late) + self.tolerance
        notify = whole_seconds_from_now(-margin) if past else due + margin
        exchange = create_task(self.target, self.verify, lead, TaskRequest("BOOKING", due, notify).body())
        self.verify.expect(
            "SF-CREATE-NOTIFY-WINDOW",
            400 <= exchange.status < 500,
            "a 4xx for a notify_at outside now < notify_at <= due_date",
            exchange.status,
            *self.journal,
        )
        self.last_action = "rejected create"

    @rule(lead_index=st.integers(0, MODEL_LEADS - 1))
    def complete(self, lead_index: int) -> None:
        if self.diverged:
            return
        lead = self.leads[lead_index % len(self.leads)]
        try:
            exchange = complete_task(self.target, self.verify, lead)
        except OutcomeUnknown:
            self.models[lead] = self.read_lead(lead)
            return
        expect_completed(self.verify, self.models[lead], exchange, *self.journal)
        self.last_action = "complete"

    @rule(lead_index=st.integers(0, MODEL_LEADS - 1), page_size=st.integers(1, 20))
    def walk_all_pages(self, lead_index: int, page_size: int) -> None:
        if self.diverged:
            return
        lead = self.leads[lead_index % len(self.leads)]
        model = self.models[lead]
        rows: list[dict[str, Any]] = []
        pages = max(1, math.ceil(len(model.tasks) / page_size))
        # The pages the model holds, read at once: the walk ends where a page shows nothing.
        walk = list_pages(self.target, self.verify, [(lead, page, page_size) for page in range(1, pages + 1)])
        for page, exchange in enumerate(walk, start=1):
            data = exchange.data()
            expect_page_arithmetic(self.verify, data, page, page_size, len(model.tasks), exchange)
            rows += data.get("rows") or []
            if not data.get("rows"):
                break
        expect_listing(self.verify, model, rows, self.journal, self.last_action)

    @invariant()
    def every_lead_shows_what_the_model_holds(self) -> None:
        if self.diverged:
            return
        if not self.models:
            return
        first_pages = list_pages(self.target, self.verify, [(lead, 1, 20) for lead in self.models])
        for (lead, model), exchange in zip(self.models.items(), first_pages, strict=True):
            data = exchange.data()
            self.verify.expect(
                "SF-LIST-PAGINATION",
                data.get("total_items") == len(model.tasks),
                f"total_items {len(model.tasks)} on lead {lead}",
                data.get("total_items"),
                *self.journal,
            )
            rows = data.get("rows") or []
            expect_listing(self.verify, model, rows, self.journal, self.last_action, limit=20)
            open_non_reminders = [
                row.get("id")
                for row in rows
                if row.get("task_status") == "PENDING" and row.get("type") != "REMINDER"
            ]
            self.verify.expect(
                "SF-CREATE-AUTOCLOSE",
                len(open_non_reminders) <= 1,
                f"at most one open non-reminder task on lead {lead}",
                f"open: {open_non_reminders}",
                *self.journal,
            )

    def teardown(self) -> None:
        if not self.diverged:
            self.agreed.update(self.models)
        self.verify.settle()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """As many parts as the run's profile splits the model into, each with its own seed; each of its
    steps sends about what a short test does (lanes deal the parts first)."""
    if "part" in metafunc.fixturenames:
        profile = PROFILES[metafunc.config.getoption("--conformance-profile")]
        weight = pytest.mark.lane_weight(_examples_per_part(profile) * profile.stateful_steps)
        parts = range(profile.model_parts)
        metafunc.parametrize(
            "part", [pytest.param(part, marks=[weight, pytest.mark.hypothesis_seed(part)]) for part in parts]
        )


def _examples_per_part(profile: Profile) -> int:
    return max(1, profile.stateful_examples // profile.model_parts)


@pytest.mark.clause(
    *sorted(MODEL_CLAUSES),
    "SF-CREATE-NOTIFY-WINDOW",
    "SF-CREATE-NOTIFY-EXPLICIT",
    "SF-CREATE-STATUS-PENDING",
    "SF-CREATE-TYPE-ECHO",
    "SF-CREATE-DUE-DATE-INSTANT",
)
def test_tasks_over_time_follow_the_documented_model(
    superfone: Target, verify: Verification, run_state: RunState, part: int
) -> None:
    """One of the profile's independent explorations (own seed, own share of the budget, own leads
    where the configuration names enough), so that parallel workers, and the lanes of one, split the
    longest check of the suite instead of one of them running it all."""
    _explore(superfone, verify, run_state, part)


def _model_leads(superfone: Target, run_state: RunState, part: int) -> tuple[Any, ...]:
    """Each part's own leads where the configuration names enough, else the first ones for all."""
    leads = superfone.pool("own")
    if len(leads) < run_state.profile.model_parts * MODEL_LEADS:
        return leads[:MODEL_LEADS]
    return leads[part * MODEL_LEADS : (part + 1) * MODEL_LEADS]


def _explore(superfone: Target, verify: Verification, run_state: RunState, part: int) -> None:
    profile = run_state.profile
    leads = _model_leads(superfone, run_state, part)
    attributes = {"target": superfone, "verify": verify, "agreed": {}, "leads": leads}
    machine = seed(part)(type("Machine", (SuperfoneTaskMachine,), attributes))
    run_state_machine_as_test(
        machine,
        settings=profile.hypothesis(
            max_examples=_examples_per_part(profile), stateful_step_count=profile.stateful_steps
        ),
    )
