"""How a vendor joins the sandbox: its routes under a prefix, its key roles and its target configuration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.routing import BaseRoute

from taskconform.sandbox.options import SandboxOptions

__all__ = ["SandboxVendor"]


@dataclass(frozen=True)
class SandboxVendor:
    name: str
    prefix: str
    # (options, path prefix) -> that vendor's routes; each call builds a fresh store.
    routes: Callable[[SandboxOptions, str], list[BaseRoute]]
    # For each key role (the order of SandboxOptions.keys[name]): the environment variable the
    # generated target configuration reads it from, or None where the suite never holds that key.
    key_envs: tuple[str | None, ...]
    # The vendor's section of a target configuration pointing at the sandbox (base URL with prefix).
    target_section: Callable[[str], str]
