"""Generated requests drawn ahead, by one forked process per run, while the tests talk to the target.

Drawing a request from the spec is CPU work (Hypothesis and Schemathesis, several milliseconds
each); talking to a target is mostly waiting. So the process that starts a run (the only one, or
the pytest-xdist controller, which runs no test itself) forks a drawer. The drawer runs the
searches the run's vendors need (``fuzzing.request_search``: same seeds and settings as in a test)
and appends each request, as soon as it is drawn, to its search's stream in a private directory,
which every process of the run finds through ``TASKCONFORM_DRAWN_REQUESTS``.

A search is claimed by whoever starts it first: the drawer, or a test that got there before it and
draws its own requests, as it would without a drawer. Nobody draws a search twice, and a test waits
only for a search the drawer has in hand.

Linux only: there ``fork`` from a process without threads is safe, and the copy-on-write child
starts with every import done. Elsewhere tests draw their own requests.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO

from .drawn_cache import DrawnCache
from .fuzzing import DrawingUnavailable, DrawnRequest, FuzzKey, load_operation, request_search
from .profiles import Profile

__all__ = [
    "DIRECTORY_VARIABLE",
    "DrawnRequests",
    "RequestDrawer",
    "can_draw_ahead",
    "drawn_once_for_every_run",
]

DIRECTORY_VARIABLE = "TASKCONFORM_DRAWN_REQUESTS"
_POLL_S = 0.005
# A stream is frames: a 4-byte length, then a pickled request. Length 0 ends the search; _FAILED
# says the drawer could not draw it.
_HEADER = struct.Struct(">I")
_END = 0
_FAILED = 0xFFFFFFFF


def can_draw_ahead() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def _stream_file(directory: Path, key: FuzzKey) -> Path:
    return directory / f"{key.operation_id}-{key.mode}-{key.seed:08x}.stream"


def _claim(directory: Path, key: FuzzKey) -> bool:
    """Whether this process is the first to start the search (the claim is an exclusive create)."""
    try:
        os.close(os.open(_stream_file(directory, key).with_suffix(".claimed"), os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


def _draw_all(
    profile: Profile, keys: Sequence[FuzzKey], directory: Path, cache: DrawnCache | None, go: Connection
) -> None:
    """The drawer: waits for the go, then every search nobody has claimed, in order.

    A search that fails is marked failed: its test draws it again and reports the error. Ctrl-C is
    the run's to handle; the run kills the drawer when it ends, however it ends.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        go.recv_bytes()
    except EOFError:
        return
    _draw_unclaimed(profile, keys, directory, cache)


def _draw_unclaimed(
    profile: Profile, keys: Sequence[FuzzKey], directory: Path, cache: DrawnCache | None
) -> None:
    for key in keys:
        if not _claim(directory, key):
            continue
        path = _stream_file(directory, key)
        with path.open("ab", buffering=0) as stream:
            try:
                request_search(profile, key, partial(_append, stream))()
            except Exception:  # whatever it is, the test meets it again and reports it
                stream.write(_HEADER.pack(_FAILED))
                continue
            if cache is not None:  # kept before the end is told: a run may end the moment it reads it
                cache.keep(key, path.read_bytes() + _HEADER.pack(_END))
            stream.write(_HEADER.pack(_END))


def _new_directory(keys: Sequence[FuzzKey], cache: DrawnCache | None) -> Path:
    """A stream per search; those an earlier run finished (``cache``) come whole, already claimed."""
    directory = Path(tempfile.mkdtemp(prefix="taskconform-drawn-"))
    for key in keys:
        stream = _stream_file(directory, key)
        if cache is not None and cache.fetch(key, stream):
            _claim(directory, key)
        else:
            stream.touch()
    return directory


@contextmanager
def drawn_once_for_every_run(
    profile: Profile, keys: Sequence[FuzzKey], cache: DrawnCache | None
) -> Iterator[None]:
    """Draws every search here and now, for the runs this process forks next (the selftest's).

    A search draws the same requests in every run of one profile, whatever the target answers
    (same seed, same settings), so runs forked from here read them instead of drawing their own;
    this process, alive while they run, stands in for their drawer.
    """
    directory = _new_directory(keys, cache)
    _draw_unclaimed(replace(profile, shrink=False), keys, directory, cache)
    os.environ[DIRECTORY_VARIABLE] = f"{directory}:{os.getpid()}"
    try:
        yield
    finally:
        os.environ.pop(DIRECTORY_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def _append(stream: BinaryIO, request: DrawnRequest, _drawing_s: float) -> None:
    frame = pickle.dumps(request)
    stream.write(_HEADER.pack(len(frame)) + frame)


class RequestDrawer:
    """The drawer process and its directory, owned by the process that started the run.

    Forked at once (before any thread exists), it starts drawing at ``go()``: when the run's
    processes are done with their own start-up work, which it would otherwise slow down.
    """

    def __init__(
        self, profile: Profile, keys: Sequence[FuzzKey], *, preload: bool, cache: DrawnCache | None = None
    ) -> None:
        """``preload``: load the operations before the fork, when this process sends requests too.
        ``cache``: searches earlier runs finished, and where this one keeps those it finishes."""
        for key in keys if preload else ():
            load_operation(key.spec_file, key.operation_id)
        self.directory = _new_directory(keys, cache)
        fork = get_context("fork")
        waiting, self._go = fork.Pipe(duplex=False)
        sys.stdout.flush()
        sys.stderr.flush()
        self._process = fork.Process(
            target=_draw_all,
            args=(replace(profile, shrink=False), list(keys), self.directory, cache, waiting),
            daemon=True,
            name="taskconform-drawer",
        )
        self._process.start()
        waiting.close()
        os.environ[DIRECTORY_VARIABLE] = f"{self.directory}:{self._process.pid}"

    def go(self) -> None:
        if not self._go.closed:
            self._go.send_bytes(b"go")
            self._go.close()

    def close(self) -> None:
        self._go.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        os.environ.pop(DIRECTORY_VARIABLE, None)
        shutil.rmtree(self.directory, ignore_errors=True)


class DrawnRequests:
    """A run's requests drawn ahead, as any of its processes reads them."""

    def __init__(self, directory: Path, drawer_pid: int) -> None:
        self.directory = directory
        self._drawer_pid = drawer_pid

    @classmethod
    def of_this_run(cls) -> DrawnRequests | None:
        directory, _, pid = os.environ.get(DIRECTORY_VARIABLE, "").rpartition(":")
        return cls(Path(directory), int(pid)) if directory and pid.isdigit() else None

    def take(self, key: FuzzKey) -> Iterator[DrawnRequest] | None:
        """The search's requests as the drawer draws them; None if the test is to draw them itself
        (the drawer was not asked for them, or has not started them: the test claims them).

        Should the drawer stop before the search's end, the iterator raises ``DrawingUnavailable``.
        """
        path = _stream_file(self.directory, key)
        if not path.exists() or _claim(self.directory, key):
            return None
        return self._read(path)

    def _read(self, path: Path) -> Iterator[DrawnRequest]:
        pending = b""
        with path.open("rb") as stream:
            while True:
                chunk = stream.read()
                pending += chunk
                while len(pending) >= _HEADER.size:
                    (size,) = _HEADER.unpack_from(pending)
                    if size == _END:
                        return
                    if size == _FAILED:
                        raise DrawingUnavailable(f"the drawer could not draw {path.name}")
                    if len(pending) < _HEADER.size + size:
                        break
                    yield pickle.loads(pending[_HEADER.size : _HEADER.size + size])
                    pending = pending[_HEADER.size + size :]
                if not chunk:
                    if not self._drawing():
                        raise DrawingUnavailable("the drawer stopped")
                    time.sleep(_POLL_S)

    def _drawing(self) -> bool:
        """Whether the drawer still runs (a zombie, dead but not yet reaped, does not)."""
        try:
            stat = Path(f"/proc/{self._drawer_pid}/stat").read_text()
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[0] not in ("Z", "X")
