"""The sandbox ASGI app: every vendor's routes under its own path prefix, plus a health check.

Vendors are listed as data (prefix, routes factory) so adding LeadLex or SmartLead is one line here
and one module of their own; nothing in this module knows any vendor's rules.

The factory receives the prefix and puts it into its route paths instead of being wrapped in a
Starlette ``Mount``: ``Mount`` matches the rest of the path with ``.*``, which stops at a newline,
so a ``lead_id`` of ``1%0A`` would get a bare 404 instead of the vendor's documented 400.

Variations every vendor shows (``vendor: all`` in ``contracts/variations.yaml``) are ASGI middleware
here, around all vendor routes; ``/healthz`` is exempt so a runner can always tell the sandbox is up.
The refusing ones (rate-limited, gateway) count requests, so a run meets the same refusals every time.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from taskconform.sandbox.leadlex import LEADLEX_SANDBOX
from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.smartlead import SMARTLEAD_SANDBOX
from taskconform.sandbox.superfone import SUPERFONE_SANDBOX
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["MIDDLEWARE_VARIATIONS", "VENDORS", "Gateway", "RateLimited", "Slow", "create_app"]

VENDORS: tuple[SandboxVendor, ...] = (SUPERFONE_SANDBOX, SMARTLEAD_SANDBOX, LEADLEX_SANDBOX)


async def _healthz(request: Request) -> JSONResponse:
    """Lets a runner wait for a sandbox started elsewhere before it sends the first real request."""
    return JSONResponse({"ok": True})


_HEALTHZ = "/healthz"
RATE_LIMIT_EVERY = 5
GATEWAY_EVERY = 13
SLOW_SECONDS = 0.03


def _is_vendor_request(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["path"] != _HEALTHZ


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


def create_app(options: SandboxOptions) -> Starlette:
    """A sandbox with its own state: two apps never share tasks, so tests can run isolated."""
    routes: list[BaseRoute] = [Route(_HEALTHZ, _healthz, methods=["GET"])]
    for vendor in VENDORS:
        routes += vendor.routes(options, vendor.prefix)
    middleware = [
        Middleware(variation)
        for name, variation in MIDDLEWARE_VARIATIONS.items()
        if name in options.variations
    ]
    return Starlette(routes=routes, middleware=middleware)
