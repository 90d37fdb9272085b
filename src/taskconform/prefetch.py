"""Generated requests drawn ahead, in a forked process, while the run's other tests talk to the target.

Drawing a request from the spec is CPU work (Hypothesis and Schemathesis, several milliseconds
each); talking to a target is mostly waiting. A single-process run therefore forks, once its tests
are collected, a drawer that runs each search the run will need (``fuzzing.request_search``, same
seeds and settings) and streams the requests back in run order. The generated-request tests then
only send and check; where a search cannot be drawn ahead they draw it themselves, unchanged.

Linux only (``fork`` without threads is safe there, and the copy-on-write child starts with every
import done); elsewhere, and under pytest-xdist, whose workers keep each other's cores busy, each
test draws its own requests.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Any

from .fuzzing import DrawingUnavailable, DrawnRequest, FuzzKey, load_operation, request_search
from .profiles import Profile

__all__ = ["RequestPrefetcher", "can_prefetch"]

_END = "end"
_FAILED = "failed"


def can_prefetch() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def _draw_all(profile: Profile, keys: Sequence[FuzzKey], out: Connection) -> None:
    """The drawer: every search in order; a search that fails is left to its test to run and report.

    Ctrl-C is the run's to handle: the drawer is killed when the run ends, however it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for index, key in enumerate(keys):
        try:
            request_search(profile, key, partial(_send, out, index))()
        except Exception:  # whatever it is, the test meets it again and reports it
            out.send((index, _FAILED))
            continue
        out.send((index, _END))
    out.close()


def _send(out: Connection, index: int, drawn: DrawnRequest, _drawing_s: float) -> None:
    out.send((index, drawn))


class RequestPrefetcher:
    """The drawer and the requests it has sent, kept by search until their test takes them."""

    def __init__(self, profile: Profile, keys: Sequence[FuzzKey]) -> None:
        self._index = {key: i for i, key in enumerate(keys)}
        self._received: defaultdict[int, deque[Any]] = defaultdict(deque)
        for key in keys:  # loaded before the fork: both processes need the operations
            load_operation(key.spec_file, key.operation_id)
        fork = get_context("fork")
        receiving, sending = fork.Pipe(duplex=False)
        drawing = replace(profile, shrink=False)
        self._drawer = fork.Process(
            target=_draw_all, args=(drawing, list(keys), sending), daemon=True, name="taskconform-drawer"
        )
        sys.stdout.flush()
        sys.stderr.flush()
        self._drawer.start()
        sending.close()
        self._inbox = receiving

    def drawn(self, key: FuzzKey) -> Iterator[DrawnRequest] | None:
        """The search's requests as they arrive; None if it was not drawn ahead."""
        index = self._index.pop(key, None)
        return None if index is None else self._stream(index)

    def _stream(self, index: int) -> Iterator[DrawnRequest]:
        queue = self._received[index]
        while True:
            while not queue:
                self._receive()
            item = queue.popleft()
            if isinstance(item, DrawnRequest):
                yield item
            elif item == _END:
                del self._received[index]
                return
            else:
                raise DrawingUnavailable(f"search {index} could not be drawn ahead")

    def _receive(self) -> None:
        try:
            index, item = self._inbox.recv()
        except (EOFError, OSError):
            raise DrawingUnavailable("the drawer ended early") from None
        self._received[index].append(item)

    def close(self) -> None:
        self._inbox.close()
        if self._drawer.is_alive():
            self._drawer.kill()
        self._drawer.join(timeout=5)
