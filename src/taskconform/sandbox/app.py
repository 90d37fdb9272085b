"""The sandbox ASGI app: every vendor's routes under its own path prefix, plus a health check.

Vendors are listed as data (``registry.VENDORS``) so nothing in this module knows any vendor's rules.
Each vendor's HTTP layer receives its prefix and puts it into its route paths instead of being
wrapped in a Starlette ``Mount``: ``Mount`` matches the rest of the path with ``.*``, which stops at a
newline, so a path parameter of ``1%0A`` would get a bare 404 instead of the vendor's documented 400.

Variations every vendor shows are middleware (``middleware.py``) around all vendor routes.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.middleware import HEALTHZ, MIDDLEWARE_VARIATIONS
from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.registry import VENDORS

__all__ = ["create_app"]


async def _healthz(request: Request) -> JSONResponse:
    """Lets a runner wait for a sandbox started elsewhere before it sends the first real request."""
    return JSONResponse({"ok": True})


def create_app(options: SandboxOptions) -> Starlette:
    """A sandbox with its own state: two apps never share tasks, so tests can run isolated."""
    routes: list[BaseRoute] = [Route(HEALTHZ, _healthz, methods=["GET"])]
    for vendor in VENDORS:
        routes += vendor.routes(options.keys[vendor.name], options.now, options.faults | options.variations)
    middleware = [
        Middleware(variation)
        for name, variation in MIDDLEWARE_VARIATIONS.items()
        if name in options.variations
    ]
    return Starlette(routes=routes, middleware=middleware)
