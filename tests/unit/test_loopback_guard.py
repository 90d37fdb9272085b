"""The loopback guard holds, in this process and in every Python process the tests start.

Every attempt here is at TEST-NET-1 (192.0.2.0/24) or an ``.invalid`` name, and runs over the
guard's tripwire (the ``tripwire`` fixture, ``$TASKCONFORM_LOOPBACK_GUARD_TRIPWIRE`` in a child): no
real socket function is called, so even a broken guard could not resolve or connect to anything.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from .. import loopback_guard
from ..conftest import child_env
from ..loopback_guard import (
    LOG_ENV,
    TRIPWIRE_ENV,
    LoopbackGuardError,
    TripwireError,
    ViolationLog,
    is_loopback_host,
)

OFF_MACHINE = ("192.0.2.1", 80)
# Run first in every child: one without the guard exits before it could send anything.
CHILD_PRELUDE = (
    "import socket, sys\nif 'taskconform_loopback_guard' not in sys.modules: sys.exit('unguarded')\n"
)


def _assert_guarded() -> None:
    patched = [
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
        socket.create_connection,
        socket.getaddrinfo,
        socket.gethostbyname,
        socket.gethostbyname_ex,
        socket.gethostbyaddr,
    ]
    assert all(f.__module__ == loopback_guard.__name__ for f in patched), "the session installs the guard"


def _tcp(method: str, address: tuple[str, int]) -> object:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return getattr(sock, method)(address)


def _udp_sendto(address: tuple[str, int]) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        return sock.sendto(b"x", address)


ATTEMPTS: dict[str, tuple[Callable[[], object], str]] = {
    "create_connection": (lambda: socket.create_connection(OFF_MACHINE, timeout=1), "192.0.2.1"),
    "connect": (lambda: _tcp("connect", OFF_MACHINE), "192.0.2.1"),
    "connect_ex": (lambda: _tcp("connect_ex", OFF_MACHINE), "192.0.2.1"),
    "connect by name": (lambda: _tcp("connect", ("example.invalid", 80)), "example.invalid"),
    "ipv4-mapped": (
        lambda: socket.create_connection(("::ffff:192.0.2.1", 80), timeout=1),
        "::ffff:192.0.2.1",
    ),
    "udp sendto": (lambda: _udp_sendto(OFF_MACHINE), "192.0.2.1"),
    "getaddrinfo": (lambda: socket.getaddrinfo("example.invalid", 443), "example.invalid"),
    "gethostbyname": (lambda: socket.gethostbyname("example.invalid"), "example.invalid"),
    "gethostbyname_ex": (lambda: socket.gethostbyname_ex("example.invalid"), "example.invalid"),
    "gethostbyaddr": (lambda: socket.gethostbyaddr("192.0.2.1"), "192.0.2.1"),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
@pytest.mark.usefixtures("tripwire")
def test_reaching_off_this_machine_is_refused_and_recorded(
    attempt: str, loopback_violations: ViolationLog
) -> None:
    _assert_guarded()
    act, address = ATTEMPTS[attempt]
    with pytest.raises(LoopbackGuardError, match=r"^taskconform tests: .* refused by the loopback guard$"):
        act()
    [recorded] = loopback_violations.take_new()
    assert address in recorded and "refused by the loopback guard" in recorded


@pytest.mark.usefixtures("tripwire")
def test_an_http_client_fails_naming_the_guard(loopback_violations: ViolationLog) -> None:
    """What the suite's client sees: a transport error, the guard's message inside it."""
    _assert_guarded()
    with pytest.raises(httpx.ConnectError, match="refused by the loopback guard"):
        httpx.get("http://192.0.2.1/", timeout=1)
    assert len(loopback_violations.take_new()) == 1


@pytest.mark.usefixtures("tripwire")
def test_the_tripwire_reaches_no_real_socket_function(loopback_violations: ViolationLog) -> None:
    """What makes the proofs above safe: a call the guard lets through meets the tripwire instead."""
    with pytest.raises(TripwireError, match="the loopback guard let create_connection"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(TripwireError, match="the loopback guard let getaddrinfo"):
        socket.getaddrinfo("localhost", 80)
    assert loopback_violations.take_new() == []


def test_a_child_runs_over_the_tripwire() -> None:
    child = _child("socket.create_connection(('127.0.0.1', 9), timeout=1)")
    assert "TripwireError: taskconform tests: the loopback guard let create_connection" in child.stderr


def test_loopback_and_local_sockets_pass(tmp_path: Path, loopback_violations: ViolationLog) -> None:
    _assert_guarded()
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, port), timeout=5):
                pass
        with socket.socket() as plain:
            assert plain.connect_ex(("127.0.0.1", port)) == 0
    assert socket.getaddrinfo("localhost", 80) and socket.getaddrinfo(None, 80)
    with socket.socket(socket.AF_UNIX) as unix_server:
        unix_server.bind(str(tmp_path / "s"))
        unix_server.listen()
        with socket.socket(socket.AF_UNIX) as unix_client:
            unix_client.connect(str(tmp_path / "s"))
    assert loopback_violations.take_new() == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        (b"127.0.0.1", True),
        (None, True),
        ("192.0.2.1", False),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("", False),
        ("localhost.example.com", False),
        ("prod-api.superfone.co.in", False),
        ("2001:db8::1", False),
        ("::ffff:192.0.2.1", False),
    ],
)
def test_what_counts_as_loopback(host: str | bytes | None, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def _child(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD_PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**(env if env is not None else child_env(None)), TRIPWIRE_ENV: "1"},
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_a_child_process_is_refused_loudly(loopback_violations: ViolationLog) -> None:
    child = _child("socket.create_connection(('192.0.2.1', 80), timeout=1)")
    assert child.returncode == 1 and "unguarded" not in child.stderr, child.stderr
    assert (
        "LoopbackGuardError: taskconform tests: connection to non-loopback address ('192.0.2.1', 80) "
        "refused by the loopback guard"
    ) in child.stderr
    [recorded] = loopback_violations.take_new()
    assert "('192.0.2.1', 80)" in recorded and "-c import socket" in recorded


def test_a_child_that_swallows_the_error_is_still_recorded(loopback_violations: ViolationLog) -> None:
    """The runner turns any OSError into "target unreachable": the log is what makes it unambiguous."""
    child = _child(
        """
        try:
            socket.getaddrinfo('example.invalid', 443)
        except OSError:
            pass
        """
    )
    assert child.returncode == 0, child.stderr
    [recorded] = loopback_violations.take_new()
    assert "resolving non-loopback name 'example.invalid'" in recorded


def test_taskconform_run_at_an_outside_host_exits_3_naming_the_guard(
    tmp_path: Path, loopback_violations: ViolationLog
) -> None:
    config = tmp_path / "t.toml"
    config.write_text('[superfone]\nbase_url = "http://192.0.2.1/x"\napi_key_env = "K"\nlead_ids = [1]\n')
    child = _child(
        f"""
        import runpy
        sys.argv = ["taskconform", "run", "--config", {str(config)!r}]
        runpy.run_module("taskconform", run_name="__main__")
        """,
        env=child_env({"K": "sfk-guard-proof"}),
    )
    assert child.returncode == 3, child.stdout + child.stderr
    assert "target unreachable" in child.stderr and "refused by the loopback guard" in child.stderr
    [recorded] = loopback_violations.take_new()
    assert "('192.0.2.1', 80)" in recorded


def test_a_child_that_cannot_install_the_guard_does_not_run() -> None:
    """Python would run on unguarded after a failing sitecustomize; ours ends the process instead."""
    env = {name: value for name, value in child_env(None).items() if name != LOG_ENV}
    child = _child("print('ran')", env=env)
    assert child.returncode == 70 and "ran" not in child.stdout
    assert "cannot install the loopback guard" in child.stderr
