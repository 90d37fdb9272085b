"""The variations every vendor shows (``vendor: all`` in ``contracts/variations.yaml``), as ASGI middleware.

They wrap all vendor routes; ``HEALTHZ`` is exempt so a runner can always tell the sandbox is up. The
refusing ones (rate-limited, gateway) count requests, so a run meets the same refusals every time.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from http import HTTPStatus

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["HEALTHZ", "MIDDLEWARE_VARIATIONS", "Gateway", "RateLimited", "Slow"]

HEALTHZ = "/healthz"
RATE_LIMIT_EVERY = 5
GATEWAY_EVERY = 13
SLOW_SECONDS = 0.03


def _is_vendor_request(scope: Scope) -> bool:
    return bool(scope["type"] == "http" and scope["path"] != HEALTHZ)


class _Refusing(ABC):
    """Answers every ``every``-th vendor request of this app itself, without passing it on (so nothing
    is processed, a write included). Never two in a row: a client's prompt retry gets through."""

    every: int

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._requests = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_vendor_request(scope):
            count = next(self._requests)
            if count % self.every == 0:
                await self.refusal(count // self.every)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @abstractmethod
    def refusal(self, turn: int) -> Response:
        """The answer to the ``turn``-th refused request (from 1)."""


class RateLimited(_Refusing):
    """Variation rate-limited: every 5th request of this app is answered 429 with ``Retry-After: 0``."""

    every = RATE_LIMIT_EVERY

    def refusal(self, turn: int) -> Response:
        return JSONResponse({"message": "Too Many Requests"}, status_code=429, headers={"Retry-After": "0"})


def _http_date(offset_s: float) -> str:
    return email.utils.formatdate(time.time() + offset_s, usegmt=True)


# A gateway's "not now" in each form a client must survive, in turn: (status, Retry-After or None).
_GATEWAY_REFUSALS: tuple[tuple[int, Callable[[], str | None]], ...] = (
    (503, lambda: "0"),
    (503, lambda: _http_date(0)),  # now, to the second: already past when it arrives
    (429, lambda: "soon"),
    (503, lambda: _http_date(-3600)),
    (429, lambda: None),
)


class Gateway(_Refusing):
    """Variation gateway: a gateway in front of every vendor refuses every 13th request, taking
    ``_GATEWAY_REFUSALS`` in turn. Its waits are 0 or a client's own short back-off, so a run stays quick."""

    every = GATEWAY_EVERY

    def refusal(self, turn: int) -> Response:
        status, retry_after = _GATEWAY_REFUSALS[(turn - 1) % len(_GATEWAY_REFUSALS)]
        value = retry_after()
        headers = {} if value is None else {"Retry-After": value}
        return PlainTextResponse(HTTPStatus(status).phrase, status_code=status, headers=headers)


class Slow:
    """Variation slow: every request is answered 30 ms later."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_vendor_request(scope):
            await asyncio.sleep(SLOW_SECONDS)
        await self.app(scope, receive, send)


# Variations of every vendor: name -> the middleware that implements it.
MIDDLEWARE_VARIATIONS: dict[str, Callable[[ASGIApp], ASGIApp]] = {
    "rate-limited": RateLimited,
    "gateway": Gateway,
    "slow": Slow,
}
