"""Superfone's rules over sequences, for ``taskconform replay``: the model the state machine keeps.

Each lead is read once before its first replayed step, so the model starts from whatever the target
holds; every create, complete and listing page is then judged against the model exactly as the suite
judges them (auto-close, the most recent open task, newest first, pagination).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...exchange import Exchange
from ...findings import Verification
from ...sequences import ReplayedRequest
from ...target import Target
from .api import list_tasks
from .listing import expect_listing, expect_page_arithmetic
from .model import PENDING, REMINDER, LeadModel
from .rules import expect_completed

__all__ = ["ModelJudge"]

_FIRST_PAGE, _DEFAULT_PAGE_SIZE = 1, 20


class ModelJudge:
    def __init__(self, target: Target, verify: Verification) -> None:
        self._target = target
        self._verify = verify
        self._models: dict[Any, LeadModel] = {}
        self._last_action: str | None = None
        # Leads this replay created a non-reminder on: from then on at most one may be open.
        self._non_reminder_created: set[Any] = set()
        # Leads a group of concurrent steps touched: the model reads them again after the group.
        self._unordered: set[Any] = set()

    def before(self, operation_id: str, path_params: Mapping[str, Any]) -> None:
        lead = path_params.get("lead_id")
        # Another account's lead, or a missing one, has no history to model: its answers are the
        # answer checks' to judge.
        if lead in self._target.pool("own") and lead not in self._models:
            self._models[lead] = LeadModel.from_listing(lead, list_tasks(self._target, self._verify, lead))

    def after(self, request: ReplayedRequest, exchange: Exchange, *, concurrent: bool) -> None:
        model = self._models.get(request.path_params.get("lead_id"))
        if model is None:
            return
        if request.operation_id == "createTask":
            self._created(model, request.body, exchange, concurrent=concurrent)
        elif request.operation_id == "completeTask":
            if concurrent:
                self._unordered.add(model.lead)
            else:
                expect_completed(self._verify, model, exchange)
            self._last_action = "complete"
        elif request.operation_id == "listTasks" and exchange.status == 200:
            self._judge_page(model, request.params, exchange)

    def after_concurrent(self) -> None:
        """The model reads what the concurrent steps left; one rule holds whatever their order."""
        for lead in self._unordered:
            listing = list_tasks(self._target, self._verify, lead)
            self._models[lead] = LeadModel.from_listing(lead, listing)
            if lead in self._non_reminder_created:
                self._expect_one_open_non_reminder(
                    self._models[lead], listing, self._target.client.journal[-1]
                )
        self._unordered.clear()

    def _created(self, model: LeadModel, body: Any, exchange: Exchange, *, concurrent: bool) -> None:
        task_type = body.get("type") if isinstance(body, dict) else None
        if not exchange.succeeded or not isinstance(task_type, str):
            return
        if concurrent:
            self._unordered.add(model.lead)
        else:
            model.create(task_type, exchange.data())
        self._last_action = "create"
        if task_type != REMINDER:
            self._non_reminder_created.add(model.lead)

    def _judge_page(self, model: LeadModel, params: Mapping[str, str], exchange: Exchange) -> None:
        try:
            page = int(params.get("page", _FIRST_PAGE))
            size = int(params.get("page_size", _DEFAULT_PAGE_SIZE))
        except ValueError:
            return  # a rejected query: the answer checks judge it
        data = exchange.data()
        rows = data.get("rows") or []
        expect_page_arithmetic(self._verify, data, page, size, len(model.tasks), exchange)
        if page == _FIRST_PAGE:
            expect_listing(self._verify, model, rows, (exchange,), self._last_action, limit=size)
            if model.lead in self._non_reminder_created:
                self._expect_one_open_non_reminder(model, rows, exchange)
            return
        expected = [task.id for task in model.newest_first(rows)][(page - 1) * size : page * size]
        shown = [row.get("id") for row in rows]
        self._verify.expect(
            "SF-LIST-PAGINATION",
            shown == expected,
            f"page {page} of {size}: tasks {expected}",
            f"tasks {shown}",
            exchange,
        )

    def _expect_one_open_non_reminder(self, model: LeadModel, rows: list[Any], exchange: Exchange) -> None:
        open_tasks = [
            row.get("id") for row in rows if row.get("task_status") == PENDING and row.get("type") != REMINDER
        ]
        self._verify.expect(
            "SF-CREATE-AUTOCLOSE",
            len(open_tasks) <= 1,
            f"at most one open non-reminder task on lead {model.lead}",
            f"open: {open_tasks}",
            exchange,
        )
