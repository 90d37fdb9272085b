"""A local, faithful reference server for the vendor task APIs, to test the suite against.

``create_app`` builds the ASGI app (one fresh state per call); ``serve_in_thread`` runs it on
loopback for tests, ``serve_forever`` for the ``taskconform sandbox`` command.
"""

from taskconform.sandbox.app import create_app
from taskconform.sandbox.options import DEFAULT_KEYS, SandboxOptions, utc_now
from taskconform.sandbox.server import RunningServer, serve_forever, serve_in_thread

__all__ = [
    "DEFAULT_KEYS",
    "RunningServer",
    "SandboxOptions",
    "create_app",
    "serve_forever",
    "serve_in_thread",
    "utc_now",
]
