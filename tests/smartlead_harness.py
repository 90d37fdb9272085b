"""What both SmartLead sandbox test modules need: a frozen clock, an app slot, a small client.

One uvicorn server per module serves whichever app the current test installed (starting a server
costs ~0.2 s, a fresh ``create_app`` nothing), so every test still starts from the seed data.
Expected values are written out here, not imported from the sandbox, so a typo there fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

KEY_A, KEY_B = "sl-sandbox-account-a", "sl-sandbox-account-b"
ID_A, ID_A2, ID_B = 2433664091, 2433664092, 3122000001
PATH = "/smartlead/api/v1/master-inbox/create-task"
NOW = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
NOW_TEXT = "2025-12-01T10:00:00.000Z"
FIRST_ID = 1000

# The page's example request and the task its example response shows.
EXAMPLE = {
    "email_lead_map_id": 2433664091,
    "name": "Follow up on enterprise proposal",
    "description": "Send pricing breakdown for 50-seat plan",
    "priority": "HIGH",
    "due_date": "2025-12-15T09:00:00Z",
}
EXAMPLE_TASK = {"id": FIRST_ID, **EXAMPLE, "created_at": NOW_TEXT}

# The sandbox's messages: the 401 description of the page, and its own choices elsewhere.
UNAUTHORIZED = "Invalid or missing API key"
MALFORMED = "Malformed request body"
NOT_AN_OBJECT = "Request body must be a JSON object"
ID_REQUIRED = "email_lead_map_id is required"
NAME_REQUIRED = "name is required"
ID_NOT_A_NUMBER = "email_lead_map_id must be a number"
ID_NOT_FOUND = "email_lead_map_id not found"
PRIORITY_INVALID = "priority must be one of LOW, MEDIUM, HIGH"
DUE_DATE_INVALID = "due_date must be an ISO 8601 date-time"


class Clock:
    def __init__(self) -> None:
        self.current = NOW

    def __call__(self) -> datetime:
        return self.current


class AppSlot:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.base_url = ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


_UNSET: Any = object()


@dataclass
class Sandbox:
    client: httpx.Client
    clock: Clock

    def create(
        self,
        body: Any = _UNSET,
        *,
        key: str | None = KEY_A,
        content: bytes | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """``body`` is sent as JSON, ``content`` as raw bytes (neither: no body); the key in the query."""
        query = params if params is not None else ({} if key is None else {"api_key": key})
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        if body is not _UNSET:
            return self.client.post(PATH, json=body, params=query, headers=headers)
        return self.client.post(PATH, content=content, params=query, headers=sent_headers)

    def task(self, **fields: Any) -> dict[str, Any]:
        """Create a task that must succeed (the page's example, with ``fields`` changed); its data."""
        response = self.create({**EXAMPLE, **fields})
        assert response.status_code == 200, response.text
        return response.json()["data"]


def outcome(response: httpx.Response) -> tuple[int, Any]:
    """``(status, message)``; a body that is not JSON gives its text."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text
    return response.status_code, body.get("message") if isinstance(body, dict) else body
