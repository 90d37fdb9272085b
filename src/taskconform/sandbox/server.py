"""Run a sandbox app on loopback with uvicorn: in a background thread for tests, or blocking for the CLI."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["RunningServer", "serve_forever", "serve_in_thread"]

_STARTUP_TIMEOUT_SECONDS = 10.0
# Longer than any client keeps an idle connection (taskconform's: 2 s), so the server never closes a
# connection at the moment a client reuses it: that race reads as a reset of a request in flight.
KEEP_ALIVE_SECONDS = 30
_STOP_TIMEOUT_SECONDS = 10.0


class _AnsweredCrashes:
    """An exception in the app ends as the 500 Starlette has already sent, and nothing more.

    Starlette answers an unhandled exception with a 500 and re-raises it for the server to log;
    uvicorn then drops the connection, which the client keeps alive, so the client's next request
    on it fails as if the target were down — a sandbox that crashes on one request (a mutant, a
    fault) would read as unreachable instead of as the 500 it answered. Formatting the traceback in
    a process that also runs the suite trips CPython 3.11's thread-unsafe ``ast.parse`` too (gh-106905,
    "AST constructor recursion depth mismatch"), ending the whole pytest session.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with contextlib.suppress(Exception):
            await self._app(scope, receive, send)


@dataclass
class RunningServer:
    """A sandbox served from a daemon thread; ``stop()`` (or leaving the ``with`` block) shuts it down."""

    base_url: str
    port: int
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, *, wait: bool = True) -> None:
        """``wait=False`` for a process about to end: uvicorn takes 0.1–0.2 s to notice and finish
        (its loop polls every 0.1 s, then waits 0.1 s for connections), a third of a short run."""
        self._server.should_exit = True
        if wait:
            self._thread.join(_STOP_TIMEOUT_SECONDS)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    """Bind before starting uvicorn, so with port 0 the caller learns the kernel-chosen port up front."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio enables TCP_NODELAY only on sockets whose proto says TCP, and
    # without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve ``app`` from a daemon thread and return once it accepts connections.

    ``log_config=None`` leaves the host process's logging (pytest's capture, the CLI's setup) alone;
    the access log is off because one line per request would drown a test run's output.
    """
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        _AnsweredCrashes(app),
        host=host,
        port=bound_port,
        log_level="warning",
        log_config=None,
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{bound_port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + _STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"sandbox server on {host}:{bound_port} did not start")
        time.sleep(0.005)
    url_host = f"[{host}]" if ":" in host else host
    return RunningServer(f"http://{url_host}:{bound_port}", bound_port, server, thread)


def serve_forever(app: ASGIApp, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``app`` until Ctrl+C, then return after a graceful shutdown.

    Logs at info level so the operator sees the address uvicorn is listening on (also when
    ``port`` is 0); the access log stays off.
    """
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", access_log=False, timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    server = uvicorn.Server(config)
    # uvicorn re-raises the captured SIGINT after shutting down; the shutdown is the expected outcome.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
