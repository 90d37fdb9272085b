"""How a vendor joins the sandbox: its reference store and HTTP layer, its key roles, its named deviations
and its target configuration. Each ``sandbox/<vendor>/__init__.py`` exports one as ``SANDBOX``;
``registry.py`` finds them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from starlette.routing import BaseRoute

from taskconform.sandbox.deviations import Deviations

__all__ = ["SandboxVendor", "VendorApi", "VendorStore"]


class VendorStore(Protocol):
    """A vendor's state: built from its API keys, one per key role, and holding the seed data."""

    def __init__(self, keys: tuple[str, ...]) -> None: ...


class VendorApi(Protocol):
    """A vendor's HTTP layer over its store, reading the time from ``clock``."""

    def __init__(self, store: Any, clock: Callable[[], datetime]) -> None: ...

    def routes(self, prefix: str) -> list[BaseRoute]:
        """The vendor's routes, their paths under ``prefix``."""
        ...


@dataclass(frozen=True)
class SandboxVendor:
    name: str
    # Where the vendor stands among the others (they are sorted by it): the order of the sections of
    # a generated target configuration, and so of the vendors in a run's reports. The order in which
    # the vendors joined; a new vendor takes the next number.
    position: int
    prefix: str
    store: type[VendorStore]
    api: type[VendorApi]
    # The vendor's faults and variations, by name: overrides of ``store`` and ``api``.
    deviations: Deviations
    # Not secrets: the sandbox's well-known API keys, one per key role (their order is the order of
    # SandboxOptions.keys[name]), so a sandbox started by hand needs no configuration.
    default_keys: tuple[str, ...]
    # For each key role: the environment variable the generated target configuration reads it from,
    # or None where the suite never holds that key.
    key_envs: tuple[str | None, ...]
    # The vendor's section of a target configuration pointing at the sandbox (base URL with prefix).
    target_section: Callable[[str], str]

    def routes(
        self, keys: tuple[str, ...], clock: Callable[[], datetime], names: frozenset[str]
    ) -> list[BaseRoute]:
        """The routes over a fresh store (so every app instance starts from the seed data), built with
        the overrides of the faults and variations ``names``."""
        store = self.deviations.build(self.store, names)(keys)
        return self.deviations.build(self.api, names)(store, clock).routes(self.prefix)
