"""The sandbox ASGI app: every vendor's routes under its own path prefix, plus a health check.

Vendors are listed as data (prefix, routes factory) so adding LeadLex or SmartLead is one line here
and one module of their own; nothing in this module knows any vendor's rules.

The factory receives the prefix and puts it into its route paths instead of being wrapped in a
Starlette ``Mount``: ``Mount`` matches the rest of the path with ``.*``, which stops at a newline,
so a ``lead_id`` of ``1%0A`` would get a bare 404 instead of the vendor's documented 400.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from taskconform.sandbox.options import SandboxOptions
from taskconform.sandbox.superfone import superfone_routes

__all__ = ["VENDORS", "VendorRoutes", "create_app"]

# (options, path prefix) -> that vendor's routes; each call builds a fresh store.
VendorRoutes = Callable[[SandboxOptions, str], list[BaseRoute]]

VENDORS: tuple[tuple[str, VendorRoutes], ...] = (("/superfone", superfone_routes),)


async def _healthz(request: Request) -> JSONResponse:
    """Lets a runner wait for a sandbox started elsewhere before it sends the first real request."""
    return JSONResponse({"ok": True})


def create_app(options: SandboxOptions) -> Starlette:
    """A sandbox with its own state: two apps never share tasks, so tests can run isolated."""
    routes: list[BaseRoute] = [Route("/healthz", _healthz, methods=["GET"])]
    for prefix, vendor_routes in VENDORS:
        routes += vendor_routes(options, prefix)
    return Starlette(routes=routes)
