"""The loopback guard: in a test process, resolving or connecting to anything off this machine raises
instead of sending a packet.

The suite under test sends probes, fuzzed requests and writes to whatever its configuration names,
and many tests run it in child processes. A test that pointed it at a real host by mistake would
do all that to someone's server; the guard turns the attempt into a loud test failure instead.

The test session installs it in its own process (``tests/conftest.py``) and, through
``tests/loopback_site/sitecustomize.py`` on ``PYTHONPATH``, in every child Python process. A child
may catch the error (the runner turns transport errors into "target unreachable", exit 3), so each
refusal is also appended to the file named by ``$TASKCONFORM_LOOPBACK_GUARD_LOG``, which the
session reads after every test. Children load this file by path, so it imports only the stdlib.

The guard's own proofs aim at addresses off this machine; they run it over a tripwire
(``$TASKCONFORM_LOOPBACK_GUARD_TRIPWIRE`` in a child, ``Guard.tripwire()`` in process), under which
the real socket functions are never called, so even a broken guard could not send a packet.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "LOG_ENV",
    "TRIPWIRE_ENV",
    "Guard",
    "LoopbackGuardError",
    "TripwireError",
    "ViolationLog",
    "install",
    "is_loopback_host",
]

LOG_ENV = "TASKCONFORM_LOOPBACK_GUARD_LOG"
TRIPWIRE_ENV = "TASKCONFORM_LOOPBACK_GUARD_TRIPWIRE"
_INTERNET = (socket.AF_INET, socket.AF_INET6)


class LoopbackGuardError(OSError):
    """An OSError, so it travels the paths a real network failure would; its message names the address."""


class TripwireError(OSError):
    """Raised instead of a real socket call under the tripwire: the guard let an attempt through."""


def _tripwire(name: str) -> Callable[..., Any]:
    def tripped(*args: Any, **kwargs: Any) -> Any:
        raise TripwireError(f"taskconform tests: the loopback guard let {name}{args[-1:]!r} through")

    return tripped


def is_loopback_host(host: str | bytes | bytearray | None) -> bool:
    """``localhost``, 127.0.0.0/8 and ::1 (also IPv4-mapped). ``None`` is getaddrinfo's local address."""
    if host is None:
        return True
    name = (host.decode("ascii", "replace") if isinstance(host, bytes | bytearray) else host).lower()
    if name.rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:  # a name other than localhost: resolving it may already ask a DNS server
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class Guard:
    """The refusals of one process, each recorded before it is raised.

    ``real`` holds the socket functions a permitted call reaches; ``tripwire`` swaps them for
    functions that raise, for proofs whose every attempt must be refused.
    """

    def __init__(self, log: Path) -> None:
        self.log = log
        self.real: dict[str, Callable[..., Any]] = {}

    def tripwire(self) -> None:
        self.real = {name: _tripwire(name) for name in self.real}

    def check(self, action: str, host: Any, address: object) -> None:
        if is_loopback_host(host):
            return
        message = f"taskconform tests: {action} {address!r} refused by the loopback guard"
        command = " ".join(sys.orig_argv).replace("\n", "\\n")[:300]  # one line per refusal
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"{message} (pid {os.getpid()}: {command})\n")
        raise LoopbackGuardError(message)

    def check_socket(self, sock: socket.socket, address: Any) -> None:
        """AF_UNIX and other local families pass; an internet address must be a loopback one."""
        if sock.family in _INTERNET:
            self.check("connection to non-loopback address", address[0], address)

    def install(self) -> None:
        self.real = {
            "connect": socket.socket.connect,
            "connect_ex": socket.socket.connect_ex,
            "sendto": socket.socket.sendto,
            "create_connection": socket.create_connection,
            "getaddrinfo": socket.getaddrinfo,
        }
        for name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
            self.real[name] = getattr(socket, name)

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            self.check_socket(sock, address)
            self.real["connect"](sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            self.check_socket(sock, address)
            return int(self.real["connect_ex"](sock, address))

        def guarded_sendto(sock: socket.socket, data: Any, *flags_and_address: Any) -> int:
            self.check_socket(sock, flags_and_address[-1])
            return int(self.real["sendto"](sock, data, *flags_and_address))

        def guarded_create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            self.check("connection to non-loopback address", address[0], address)
            connection: socket.socket = self.real["create_connection"](address, *args, **kwargs)
            return connection

        def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            self.check("resolving non-loopback name", host, host)
            return self.real["getaddrinfo"](host, *args, **kwargs)

        def guarded_name_lookup(name: str) -> Callable[[str], Any]:
            def guarded(host: str) -> Any:
                self.check("resolving non-loopback name", host, host)
                return self.real[name](host)

            return guarded

        socket.socket.connect = guarded_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = guarded_sendto  # type: ignore[method-assign,assignment]
        socket.create_connection = guarded_create_connection  # type: ignore[assignment]
        socket.getaddrinfo = guarded_getaddrinfo
        socket.gethostbyname = guarded_name_lookup("gethostbyname")
        socket.gethostbyname_ex = guarded_name_lookup("gethostbyname_ex")
        socket.gethostbyaddr = guarded_name_lookup("gethostbyaddr")


def install(log: Path) -> Guard:
    """Guard this process's socket module; refusals are appended to ``log``. Under
    ``$TASKCONFORM_LOOPBACK_GUARD_TRIPWIRE`` no real socket function is ever reached."""
    guard = Guard(log)
    guard.install()
    if os.environ.get(TRIPWIRE_ENV):
        guard.tripwire()
    return guard


class ViolationLog:
    """The session's reading of the log: what was refused since it last looked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read = 0

    def take_new(self) -> list[str]:
        with self.path.open("rb") as log:
            log.seek(self._read)
            new = log.read()
        complete = new[: new.rfind(b"\n") + 1]  # a line still being written is taken next time
        self._read += len(complete)
        return complete.decode("utf-8", "replace").splitlines()
