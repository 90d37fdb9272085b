"""What every vendor's sandbox test modules share: a frozen clock, one server per module, fault cases.

One uvicorn server per module serves whichever app the current test installed (starting a server
costs ~0.2 s, a fresh ``create_app`` nothing), so every test still starts from the seed data. Each
vendor's test module keeps its own client helper (a ``SandboxBase`` subclass), data and cases, and
gets its fixtures from ``sandbox_fixtures``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from taskconform.sandbox import SandboxOptions, create_app, serve_in_thread


class Clock:
    """The sandbox's ``now``: frozen unless a test moves it, so timestamps can be asserted exactly."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class AppSlot:
    """Serves whichever app the current test installed. Starting and stopping uvicorn costs ~0.2 s,
    a fresh ``create_app`` nothing, so one server per module still gives each test fresh seed state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.base_url = ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@dataclass
class SandboxBase:
    """What a vendor's client helper wraps: the module's client, this test's clock, and the slot (so a
    test can install an app built with other options)."""

    client: httpx.Client
    clock: Clock
    slot: AppSlot


SandboxT = TypeVar("SandboxT", bound=SandboxBase)
Build = Callable[..., Any]


def sandbox_fixtures(sandbox_type: type[SandboxT], start: datetime) -> tuple[Any, Any, Any, Any]:
    """The fixtures ``slot``, ``client``, ``build`` and ``sandbox`` for one test module.

    Bind them to those names at module level: ``slot, client, build, sandbox = sandbox_fixtures(...)``.
    ``build(faults=..., variations=...)`` installs a fresh app with a clock frozen at ``start`` and
    returns a ``sandbox_type`` over it; ``sandbox`` is ``build()``.
    """

    @pytest.fixture(scope="module", name="slot")
    def slot_fixture() -> Iterator[AppSlot]:
        app_slot = AppSlot(create_app(SandboxOptions()))
        with serve_in_thread(app_slot) as server:
            app_slot.base_url = server.base_url
            yield app_slot

    @pytest.fixture(scope="module", name="client")
    def client_fixture(slot: AppSlot) -> Iterator[httpx.Client]:
        """Shared because building a client (its TLS context) costs more than most tests here."""
        with httpx.Client(base_url=slot.base_url, timeout=10) as shared:
            yield shared

    @pytest.fixture(name="build")
    def build_fixture(slot: AppSlot, client: httpx.Client) -> Callable[..., SandboxT]:
        """A fresh sandbox (seed state, frozen clock) with the given faults and variations."""

        def build_sandbox(
            faults: frozenset[str] = frozenset(), variations: frozenset[str] = frozenset()
        ) -> SandboxT:
            clock = Clock(start)
            slot.app = create_app(SandboxOptions(faults=faults, variations=variations, now=clock))
            return sandbox_type(client, clock, slot)

        return build_sandbox

    @pytest.fixture(name="sandbox")
    def sandbox_fixture(build: Callable[..., SandboxT]) -> SandboxT:
        return build()

    return slot_fixture, client_fixture, build_fixture, sandbox_fixture


def outcome(response: httpx.Response) -> tuple[int, Any]:
    """``(status, message)``; a body that is not JSON gives its text."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text
    return response.status_code, body.get("message") if isinstance(body, dict) else body


# --- Fault and variation cases ----------------------------------------------------------------

Scenario = Callable[[Any], object]


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    faithful: object  # what the faithful sandbox shows
    changed: object  # what the sandbox built with the fault or variation shows


@dataclass
class CaseRegistry:
    """One vendor's fault and variation cases, registered by decorating the scenario that shows them.

    Each test module has its own registry, so a module's "every catalogue entry has a case" test sees
    only that vendor's names.
    """

    faults: dict[str, Case] = field(default_factory=dict)
    variations: dict[str, Case] = field(default_factory=dict)

    def fault(self, name: str, *, faithful: object, deviant: object) -> Callable[[Scenario], Scenario]:
        return self._register(self.faults, name, faithful, deviant)

    def variation(self, name: str, *, faithful: object, varied: object) -> Callable[[Scenario], Scenario]:
        return self._register(self.variations, name, faithful, varied)

    @staticmethod
    def _register(
        cases: dict[str, Case], name: str, faithful: object, changed: object
    ) -> Callable[[Scenario], Scenario]:
        def register(scenario: Scenario) -> Scenario:
            assert name not in cases, name
            cases[name] = Case(scenario, faithful, changed)
            return scenario

        return register

    def tests(self) -> tuple[Callable[[Build, str], None], Callable[[Build, str], None]]:
        """The two tests over every registered case; call it after the last case, and bind the result
        to ``test_fault_is_observable_and_absent_from_the_faithful_sandbox, test_variation_is_observable``.

        Each shows both that the deviation is visible from outside and that the faithful sandbox does
        not show it.
        """

        @pytest.mark.parametrize("name", sorted(self.faults))
        def test_fault(build: Build, name: str) -> None:
            self._check(self.faults[name], build, faults=frozenset({name}))

        @pytest.mark.parametrize("name", sorted(self.variations))
        def test_variation(build: Build, name: str) -> None:
            self._check(self.variations[name], build, variations=frozenset({name}))

        return test_fault, test_variation

    @staticmethod
    def _check(case: Case, build: Build, **switched: frozenset[str]) -> None:
        # One sandbox at a time: building the second installs its app in the module's one slot.
        assert case.faithful != case.changed
        assert case.scenario(build()) == case.faithful
        assert case.scenario(build(**switched)) == case.changed
