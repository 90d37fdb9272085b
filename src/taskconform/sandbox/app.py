"""The sandbox ASGI app: every vendor's routes under its own path prefix, plus a health check.

Vendors are listed as data (prefix, routes factory) so adding LeadLex or SmartLead is one line here
and one module of their own; nothing in this module knows any vendor's rules.

The factory receives the prefix and puts it into its route paths instead of being wrapped in a
Starlette ``Mount``: ``Mount`` matches the rest of the path with ``.*``, which stops at a newline,
so a ``lead_id`` of ``1%0A`` would get a bare 404 instead of the vendor's documented 400.

Variations every vendor shows (``vendor: all`` in ``contracts/variations.yaml``) are ASGI middleware
here, around all vendor routes; ``/healthz`` is exempt so a runner can always tell the sandbox is up.
"""

from __future__ import annotations

import asyncio
import itertools

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from taskconform.sandbox.leadlex import LEADLEX_SANDBOX
from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.smartlead import SMARTLEAD_SANDBOX
from taskconform.sandbox.superfone import SUPERFONE_SANDBOX
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["MIDDLEWARE_VARIATIONS", "VENDORS", "RateLimited", "Slow", "create_app"]

VENDORS: tuple[SandboxVendor, ...] = (SUPERFONE_SANDBOX, SMARTLEAD_SANDBOX, LEADLEX_SANDBOX)


async def _healthz(request: Request) -> JSONResponse:
    """Lets a runner wait for a sandbox started elsewhere before it sends the first real request."""
    return JSONResponse({"ok": True})


_HEALTHZ = "/healthz"
RATE_LIMIT_EVERY = 5
SLOW_SECONDS = 0.03


def _is_vendor_request(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["path"] != _HEALTHZ


class RateLimited:
    """Variation rate-limited: every 5th request of this app is answered 429 with ``Retry-After: 0``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._requests = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_vendor_request(scope) and next(self._requests) % RATE_LIMIT_EVERY == 0:
            refusal = JSONResponse(
                {"message": "Too Many Requests"}, status_code=429, headers={"Retry-After": "0"}
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


class Slow:
    """Variation slow: every request is answered 30 ms later."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_vendor_request(scope):
            await asyncio.sleep(SLOW_SECONDS)
        await self.app(scope, receive, send)


# Variations of every vendor: name -> the middleware that implements it.
MIDDLEWARE_VARIATIONS: dict[str, type[RateLimited] | type[Slow]] = {"rate-limited": RateLimited, "slow": Slow}


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
