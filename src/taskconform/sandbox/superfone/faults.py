"""Superfone's named faults and variations, each a small override of the one method (or value) it changes.

The catalogue entry of each name (``contracts/faults.yaml``, ``contracts/variations.yaml``) says what
it breaks or why it is allowed; ``deviations.py`` says how the overrides are composed into a sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from taskconform.sandbox.answers import (
    Crash,
    Handler,
    Rejection,
    parse_json,
    random_task_ids,
    shortest_timespec,
    utc_iso,
)
from taskconform.sandbox.deviations import Deviations
from taskconform.sandbox.superfone.api import (
    BODY_EMPTY,
    LEAD_NOT_FOUND,
    MAX_PAGE_SIZE,
    NO_OPEN_TASK,
    NOT_AVAILABLE,
    PAGE_SIZE_TOO_LARGE,
    TYPE_REQUIRED,
    UNAUTHORIZED,
    SuperfoneApi,
    integer,
    parse_instant,
)
from taskconform.sandbox.superfone.data import FIRST_CALL, REMINDER, SEED_ACCOUNTS, TASK_TYPES, Lead, Task
from taskconform.sandbox.superfone.store import DEFAULT_NOTIFY_LEAD_TIME, SuperfoneStore, TaskDraft

__all__ = ["DEVIATIONS"]

DEVIATIONS = Deviations(SuperfoneStore, SuperfoneApi)
fault, variation = DEVIATIONS.fault, DEVIATIONS.variation

ACCOUNT_A = SEED_ACCOUNTS[0].org_id
# autoclose-race: how long a create yields between reading what to close and closing it.
RACE_WINDOW_SECONDS = 0.02


# --- Faults: Create Task, auto-close ----------------------------------------------------------


@fault("autoclose-missing")
class AutocloseMissing(SuperfoneStore):
    def closes_other_tasks(self, task_type: str) -> bool:
        return False


@fault("autoclose-other-leads")
class AutocloseOtherLeads(SuperfoneStore):
    def _autoclosed_leads(self, lead: Lead) -> list[int]:
        return [other.id for other in self._leads.values() if other.org_id == lead.org_id]


@fault("autoclose-same-type-only")
class AutocloseSameTypeOnly(SuperfoneStore):
    def auto_closes(self, task: Task, new_type: str) -> bool:
        return task.type == new_type


@fault("autoclose-race")
class AutocloseRace(SuperfoneStore):
    async def create(self, lead: Lead, draft: TaskDraft, now: datetime) -> Task:
        """Other creates run between reading what to close and closing it."""
        with self._lock:
            read = self._closed_by(lead, draft.type)
        await asyncio.sleep(RACE_WINDOW_SECONDS)
        with self._lock:
            return self._add(lead, draft, now, read)


@fault("autoclose-closes-reminders")
class AutocloseClosesReminders(SuperfoneStore):
    def auto_closes(self, task: Task, new_type: str) -> bool:
        return True


@fault("reminder-create-autocloses")
class ReminderCreateAutocloses(SuperfoneStore):
    def closes_other_tasks(self, task_type: str) -> bool:
        return task_type == REMINDER or super().closes_other_tasks(task_type)


# --- Faults: Complete Task --------------------------------------------------------------------


@fault("complete-oldest")
class CompleteOldest(SuperfoneStore):
    def _open_positions(self, history: list[Task]) -> list[int]:
        return super()._open_positions(history)[::-1]


@fault("complete-skips-reminders")
class CompleteSkipsReminders(SuperfoneStore):
    def _open_positions(self, history: list[Task]) -> list[int]:
        positions = super()._open_positions(history)
        return [position for position in positions if history[position].type != REMINDER] or positions


@fault("complete-not-persisted")
class CompleteNotPersisted(SuperfoneStore):
    def _store_completion(self, history: list[Task], position: int, closed: Task, now: datetime) -> None:
        pass


@fault("complete-closes-all")
class CompleteClosesAll(SuperfoneStore):
    def _store_completion(self, history: list[Task], position: int, closed: Task, now: datetime) -> None:
        super()._store_completion(history, position, closed, now)
        history[:] = [self.closed(task, now) if task.is_open else task for task in history]


@fault("complete-no-open-200")
class CompleteNoOpen200(SuperfoneApi):
    def _nothing_to_complete(self) -> object:
        return None


@fault("complete-requires-body")
class CompleteRequiresBody(SuperfoneApi):
    async def complete_task(self, request: Request) -> object:
        """Only where there is something to close ("No open task" stays right)."""
        if self._store.has_open_task(self._lead(request, "complete")) and not (await request.body()).strip():
            raise Rejection(400, BODY_EMPTY)
        return await super().complete_task(request)


# --- Faults: List Tasks, content and order ----------------------------------------------------


@fault("list-oldest-first")
class ListOldestFirst(SuperfoneStore):
    def newest_first(self, lead: Lead) -> list[Task]:
        return super().newest_first(lead)[::-1]


@fault("list-hides-completed")
class ListHidesCompleted(SuperfoneStore):
    def newest_first(self, lead: Lead) -> list[Task]:
        return [task for task in super().newest_first(lead) if task.is_open]


@fault("list-shows-other-leads")
class ListShowsOtherLeads(SuperfoneStore):
    def _oldest_first(self, lead: Lead) -> list[Task]:
        """Every task of the account (ids count up in creation order)."""
        leads = [other.id for other in self._leads.values() if other.org_id == lead.org_id]
        return sorted((task for other in leads for task in self._history[other]), key=lambda task: task.id)


# --- Faults: List Tasks, pagination -----------------------------------------------------------


@fault("list-page-zero-based")
class ListPageZeroBased(SuperfoneApi):
    first_page = 0


@fault("list-default-page-size-10")
class ListDefaultPageSize10(SuperfoneApi):
    default_page_size = 10


@fault("list-page-size-21-accepted")
class ListPageSize21Accepted(SuperfoneApi):
    def _page_size(self, text: str) -> int:
        size = integer(text)
        return MAX_PAGE_SIZE if size is not None and size > MAX_PAGE_SIZE else super()._page_size(text)


@fault("list-max-page-size-19")
class ListMaxPageSize19(SuperfoneApi):
    def _page_size(self, text: str) -> int:
        if integer(text) == MAX_PAGE_SIZE:
            raise Rejection(400, PAGE_SIZE_TOO_LARGE)
        return super()._page_size(text)


@fault("list-page-size-zero-accepted")
class ListPageSizeZeroAccepted(SuperfoneApi):
    def _page_size(self, text: str) -> int:
        size = integer(text)
        return self.default_page_size if size is not None and size < 1 else super()._page_size(text)


@fault("list-total-pages-floor")
class ListTotalPagesFloor(SuperfoneApi):
    def _list_answer(
        self, rows: list[dict[str, object]], items: int, page: int, page_size: int
    ) -> dict[str, object]:
        return {**super()._list_answer(rows, items, page, page_size), "total_pages": items // page_size}


@fault("list-total-items-on-page")
class ListTotalItemsOnPage(SuperfoneApi):
    def _list_answer(
        self, rows: list[dict[str, object]], items: int, page: int, page_size: int
    ) -> dict[str, object]:
        return {**super()._list_answer(rows, items, page, page_size), "total_items": len(rows)}


@fault("list-page-overlap")
class ListPageOverlap(SuperfoneApi):
    def _page_start(self, page: int, page_size: int) -> int:
        start = super()._page_start(page, page_size)
        return start - 1 if page > 1 else start


@fault("list-current-page-zero-based")
class ListCurrentPageZeroBased(SuperfoneApi):
    def _list_answer(
        self, rows: list[dict[str, object]], items: int, page: int, page_size: int
    ) -> dict[str, object]:
        return {**super()._list_answer(rows, items, page, page_size), "current_page": page - 1}


# --- Faults: how an endpoint renders a task (the stored task stays right) ---------------------


def _answers_task(on: str, edit: Callable[[dict[str, object]], object]) -> type[SuperfoneApi]:
    class EditsTaskAnswer(SuperfoneApi):
        def _task(self, task: Task, endpoint: str) -> dict[str, object]:
            rendered = super()._task(task, endpoint)
            if endpoint == on:
                edit(rendered)
            return rendered

    return EditsTaskAnswer


fault("create-task-status-open")(_answers_task("create", lambda task: task.update(task_status="OPEN")))
fault("create-type-not-echoed")(_answers_task("create", lambda task: task.update(type="FOLLOW_UP_CALL")))
fault("create-customer-id-org")(_answers_task("create", lambda task: task.update(customer_id=task["org_id"])))
fault("create-response-missing-created-at")(_answers_task("create", lambda task: task.pop("created_at")))
fault("complete-returns-pending")(_answers_task("complete", lambda task: task.update(task_status="PENDING")))
fault("list-row-id-string")(_answers_task("list", lambda task: task.update(id=str(task["id"]))))


# --- Faults: literals only the examples show (example-level clauses) ---------------------------


def _answers_message(on: str, message: str) -> type[SuperfoneApi]:
    class AnswersMessage(SuperfoneApi):
        def _envelope(self, data: object, endpoint: str) -> dict[str, object]:
            envelope = super()._envelope(data, endpoint)
            return {**envelope, "message": message} if endpoint == on else envelope

    return AnswersMessage


fault("create-message-ok")(_answers_message("create", "ok"))
fault("list-message-ok")(_answers_message("list", "ok"))
fault("complete-message-ok")(_answers_message("complete", "ok"))
fault("create-status-pending")(_answers_task("create", lambda task: task.update(status="PENDING")))
fault("list-status-always-active")(_answers_task("list", lambda task: task.update(status="ACTIVE")))
fault("complete-status-active")(_answers_task("complete", lambda task: task.update(status="ACTIVE")))
fault("create-without-org-id")(_answers_task("create", lambda task: task.pop("org_id")))
fault("list-created-by-string")(
    _answers_task("list", lambda task: task.update(created_by=str(task["created_by"])))
)
fault("complete-without-updated-at")(_answers_task("complete", lambda task: task.pop("updated_at")))


# --- Faults: Create Task, the created task ----------------------------------------------------


@fault("create-status-201")
class CreateStatus201(SuperfoneApi):
    create_status = 201


@fault("create-rejects-site-visit")
class CreateRejectsSiteVisit(SuperfoneApi):
    creatable_types = tuple(task_type for task_type in TASK_TYPES if task_type != "SITE_VISIT")


@fault("due-date-timezone-shift")
class DueDateTimezoneShift(SuperfoneApi):
    def _parse_due_date(self, value: object) -> datetime | None:
        return parse_instant(value, honour_offset=False)


@fault("due-date-long-fraction-500")
class DueDateLongFraction500(SuperfoneApi):
    def _parse_due_date(self, value: object) -> datetime | None:
        """A parser of microseconds at most: a due_date with more fraction digits crashes it."""
        if isinstance(value, str) and re.search(r"\.\d{7,}", value):
            raise Crash(f"ValueError: Invalid isoformat string: {value!r}")
        return super()._parse_due_date(value)


@fault("assignee-lost")
class AssigneeLost(SuperfoneStore):
    def _assignee(self, lead: Lead) -> int | None:
        return None


@fault("create-type-any-case")
class CreateTypeAnyCase(SuperfoneApi):
    def _creatable_type(self, value: object) -> str | None:
        """A lenient validator: ``follow_up_call`` is taken for FOLLOW_UP_CALL."""
        return super()._creatable_type(value.upper() if isinstance(value, str) else value)


async def _body_field(request: Request, name: str) -> object:
    """A field of a body the faithful checks already found to be a JSON object."""
    body = parse_json(await request.body())
    return body.get(name) if isinstance(body, dict) else None


@fault("create-assignee-from-body")
class CreateAssigneeFromBody(SuperfoneApi):
    async def _lead_and_draft(
        self, request: Request, org_id: int, lead_id: int | None, now: datetime
    ) -> tuple[Lead, TaskDraft]:
        """An ``assignee_user_id`` in the body replaces the lead's assignee."""
        lead, draft = await super()._lead_and_draft(request, org_id, lead_id, now)
        assignee = await _body_field(request, "assignee_user_id")
        return (replace(lead, assignee_user_id=assignee) if isinstance(assignee, int) else lead), draft


@fault("create-customer-id-from-body")
class CreateCustomerIdFromBody(SuperfoneApi):
    async def _lead_and_draft(
        self, request: Request, org_id: int, lead_id: int | None, now: datetime
    ) -> tuple[Lead, TaskDraft]:
        """A ``customer_id`` in the body that names another of the account's leads gets the task."""
        lead, draft = await super()._lead_and_draft(request, org_id, lead_id, now)
        customer_id = await _body_field(request, "customer_id")
        other = self._store.find_lead(org_id, customer_id) if isinstance(customer_id, int) else None
        return other or lead, draft


# --- Faults: Create Task, notify_at -----------------------------------------------------------


@fault("notify-default-reminder-early")
class NotifyDefaultReminderEarly(SuperfoneStore):
    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        if task_type == REMINDER:
            return due_date - DEFAULT_NOTIFY_LEAD_TIME
        return super().default_notify_at(task_type, due_date, now)


@fault("notify-default-first-call-at-due")
class NotifyDefaultFirstCallAtDue(SuperfoneStore):
    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        return due_date if task_type == FIRST_CALL else super().default_notify_at(task_type, due_date, now)


@fault("notify-default-other-5-minutes")
class NotifyDefaultOther5Minutes(SuperfoneStore):
    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        if task_type in (REMINDER, FIRST_CALL):
            return super().default_notify_at(task_type, due_date, now)
        return due_date - timedelta(minutes=5)


@fault("notify-explicit-ignored")
class NotifyExplicitIgnored(SuperfoneStore):
    def _notify_at(self, draft: TaskDraft, now: datetime) -> datetime:
        return self.default_notify_at(draft.type, draft.due_date, now)


@fault("notify-window-past-accepted")
class NotifyWindowPastAccepted(SuperfoneApi):
    def _after_now(self, notify_at: datetime, now: datetime) -> bool:
        return True


@fault("notify-window-after-due-accepted")
class NotifyWindowAfterDueAccepted(SuperfoneApi):
    def _not_after_due(self, notify_at: datetime, due_date: datetime) -> bool:
        return True


@fault("notify-window-due-exclusive")
class NotifyWindowDueExclusive(SuperfoneApi):
    def _not_after_due(self, notify_at: datetime, due_date: datetime) -> bool:
        return notify_at < due_date


# --- Faults: documented errors, per endpoint --------------------------------------------------


def _answers_lead_id(on: str, status: int, message: str) -> type[SuperfoneApi]:
    """A non-numeric :lead_id on the endpoint ``on`` is answered ``status`` ``message``."""

    class AnswersLeadId(SuperfoneApi):
        def _lead_id_not_number(self, endpoint: str) -> Rejection:
            return Rejection(status, message) if endpoint == on else super()._lead_id_not_number(endpoint)

    return AnswersLeadId


fault("create-lead-id-message")(_answers_lead_id("create", 404, LEAD_NOT_FOUND))
fault("list-lead-id-message")(_answers_lead_id("list", 404, LEAD_NOT_FOUND))
fault("complete-lead-id-message")(_answers_lead_id("complete", 400, "lead_id must be numeric"))


def _reaches_foreign_leads(on: str) -> type[SuperfoneApi]:
    """The endpoint ``on`` reaches another account's lead."""

    class ReachesForeignLeads(SuperfoneApi):
        def _missing_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
            lead = self._store.lead(lead_id)
            if endpoint == on and lead is not None:
                return lead
            return super()._missing_lead(request, org_id, lead_id, endpoint)

    return ReachesForeignLeads


fault("create-foreign-lead-writes")(_reaches_foreign_leads("create"))
fault("list-foreign-lead-visible")(_reaches_foreign_leads("list"))


@fault("create-empty-body-message")
class CreateEmptyBodyMessage(SuperfoneApi):
    body_empty = TYPE_REQUIRED


@fault("create-type-required-message")
class CreateTypeRequiredMessage(SuperfoneApi):
    type_required = "type must be provided"


@fault("create-unknown-type-no-list")
class CreateUnknownTypeNoList(SuperfoneApi):
    def _type_not_available(self, value: object) -> str:
        return NOT_AVAILABLE.format(value)


@fault("create-due-date-defaulted")
class CreateDueDateDefaulted(SuperfoneApi):
    def _due_date(self, body: Mapping[str, object], now: datetime) -> datetime:
        return now + timedelta(days=1) if body.get("due_date") is None else super()._due_date(body, now)


@fault("create-wrong-key-writes")
class CreateWrongKeyWrites(SuperfoneApi):
    async def create_task(self, request: Request) -> object:
        """The documented 401 is answered, but only after writing as account A."""
        key = request.headers.get("x-api-key")
        if key is not None and self._store.org_for_key(key) is None:
            with contextlib.suppress(Rejection):
                await self._create(request, ACCOUNT_A)
            raise Rejection(401, UNAUTHORIZED)
        return await super().create_task(request)


@fault("create-missing-key-403")
class CreateMissingKey403(SuperfoneApi):
    def _unknown_key(self, key: str | None, endpoint: str) -> int:
        if key is None and endpoint == "create":
            raise Rejection(403, UNAUTHORIZED)
        return super()._unknown_key(key, endpoint)


@fault("malformed-json-500")
class MalformedJson500(SuperfoneApi):
    def _not_json(self) -> Exception:
        """A Python traceback as text/plain."""
        return Crash(traceback.format_exc())


@fault("list-wrong-key-accepted")
class ListWrongKeyAccepted(SuperfoneApi):
    def _unknown_key(self, key: str | None, endpoint: str) -> int:
        return ACCOUNT_A if key and endpoint == "list" else super()._unknown_key(key, endpoint)


@fault("list-unknown-lead-empty")
class ListUnknownLeadEmpty(SuperfoneApi):
    def _missing_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        """A lead of no account gets through: the store holds no task of it."""
        if endpoint == "list" and self._store.lead(lead_id) is None:
            return Lead(id=lead_id or 0, org_id=org_id, assignee_user_id=0)
        return super()._missing_lead(request, org_id, lead_id, endpoint)


@fault("not-found-echoes-key")
class NotFoundEchoesKey(SuperfoneApi):
    def _missing_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        if endpoint == "list":
            raise Rejection(404, f"{LEAD_NOT_FOUND} for key {request.headers.get('x-api-key')}")
        return super()._missing_lead(request, org_id, lead_id, endpoint)


@fault("success-header-echoes-key")
class SuccessHeaderEchoesKey(SuperfoneApi):
    """A debugging aid left on: every success answer names the key it was called with in a header."""

    def _answering(
        self, handler: Handler, endpoint: str, success_status: int = 200
    ) -> Callable[[Request], Awaitable[Response]]:
        answer = super()._answering(handler, endpoint, success_status)

        async def with_debug_header(request: Request) -> Response:
            response = await answer(request)
            if response.status_code < 300:
                response.headers["X-Debug-Key"] = request.headers.get("x-api-key", "")
            return response

        return with_debug_header


@fault("list-page-beyond-last-500")
class ListPageBeyondLast500(SuperfoneApi):
    def _page_beyond_last(self) -> None:
        raise Crash("Internal Server Error")


@fault("complete-auth-message")
class CompleteAuthMessage(SuperfoneApi):
    def _unknown_key(self, key: str | None, endpoint: str) -> int:
        if endpoint == "complete":
            raise Rejection(401, "Unauthorized")
        return super()._unknown_key(key, endpoint)


@fault("complete-unknown-lead-no-open")
class CompleteUnknownLeadNoOpen(SuperfoneApi):
    def _missing_lead(self, request: Request, org_id: int, lead_id: int | None, endpoint: str) -> Lead:
        if endpoint == "complete" and self._store.lead(lead_id) is None:
            raise Rejection(400, NO_OPEN_TASK)
        return super()._missing_lead(request, org_id, lead_id, endpoint)


# --- Variations -------------------------------------------------------------------------------


@variation("ids-large-random")
class IdsLargeRandom(SuperfoneStore):
    def _new_task_ids(self) -> Iterator[int]:
        return random_task_ids()


@variation("timestamps-offset-seconds")
class TimestampsOffsetSeconds(SuperfoneApi):
    def _timestamp(self, instant: datetime) -> str:
        return utc_iso(instant, shortest_timespec(instant), zulu=False)


@variation("timestamps-microseconds")
class TimestampsMicroseconds(SuperfoneApi):
    def _timestamp(self, instant: datetime) -> str:
        return utc_iso(instant, "microseconds")


@variation("extra-fields")
class ExtraFields(SuperfoneApi):
    def _envelope(self, data: object, endpoint: str) -> dict[str, object]:
        meta = {"request_id": uuid.uuid4().hex, "api_version": "2"}
        return {**super()._envelope(data, endpoint), "meta": meta}

    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        body = super()._error_body(rejection)
        return {**body, "code": f"E{rejection.status_code}", "request_id": uuid.uuid4().hex}

    def _task(self, task: Task, endpoint: str) -> dict[str, object]:
        rendered = super()._task(task, endpoint)
        return {**rendered, "source": "api", "meta": {"channel": "enterprise-api", "version": 2}}


@variation("error-body-nested")
class ErrorBodyNested(SuperfoneApi):
    def _error_body(self, rejection: Rejection) -> dict[str, object]:
        body = super()._error_body(rejection)
        nested = {"status": rejection.status_code, "message": body.pop("message")}
        return {"error": nested, **body}


@variation("page-zero-first-page")
class PageZeroFirstPage(SuperfoneApi):
    def _page_number(self, text: str) -> int:
        page = integer(text)
        return self.first_page if page is not None and page < self.first_page else super()._page_number(text)


@variation("page-beyond-last-400")
class PageBeyondLast400(SuperfoneApi):
    def _page_beyond_last(self) -> None:
        raise Rejection(400, "page out of range")


@variation("notify-window-422")
class NotifyWindow422(SuperfoneApi):
    def _outside_notify_window(self) -> Rejection:
        return Rejection(422, "notify_at out of range")


@variation("past-due-date-rejected")
class PastDueDateRejected(SuperfoneApi):
    def _due_date(self, body: Mapping[str, object], now: datetime) -> datetime:
        due_date = super()._due_date(body, now)
        if due_date <= now:
            raise Rejection(400, "due_date must be in the future")
        return due_date


@variation("create-unknown-fields-rejected")
class CreateUnknownFieldsRejected(SuperfoneApi):
    def _body(self, raw: bytes) -> dict[str, object]:
        body = super()._body(raw)
        unknown = sorted(set(body) - {"type", "due_date", "notify_at", "customer_note"})
        if unknown:
            raise Rejection(400, f"unknown field: {unknown[0]}")
        return body


@variation("malformed-json-other-message")
class MalformedJsonOtherMessage(SuperfoneApi):
    def _not_json(self) -> Exception:
        return Rejection(400, "Invalid JSON")


@variation("first-call-notify-plus-one-second")
class FirstCallNotifyPlusOneSecond(SuperfoneStore):
    def default_notify_at(self, task_type: str, due_date: datetime, now: datetime) -> datetime:
        if task_type == FIRST_CALL:
            return now + timedelta(seconds=1)
        return super().default_notify_at(task_type, due_date, now)


@variation("precedence-validation-before-lead")
class PrecedenceValidationBeforeLead(SuperfoneApi):
    async def _lead_and_draft(
        self, request: Request, org_id: int, lead_id: int | None, now: datetime
    ) -> tuple[Lead, TaskDraft]:
        draft = self._draft(await request.body(), now)
        return self._find_lead(request, org_id, lead_id, "create"), draft


@variation("timestamps-whole-seconds")
class WholeSecondClock(SuperfoneApi):
    def _now(self) -> datetime:
        return super()._now().replace(microsecond=0)


@variation("timestamps-whole-seconds")
class TiesByTimestamp(SuperfoneStore):
    def _creation_order(self, history: list[Task]) -> list[int]:
        """By created_at, and in a tie the first created counts as the newest: the list shows it first,
        and complete closes it first."""
        return sorted(range(len(history)), key=lambda position: (history[position].created_at, -position))
