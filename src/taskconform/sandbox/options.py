"""What a sandbox instance is built from: credentials, the clock, and (later) the faults it injects.

Kept apart from the vendor modules so that every vendor reads the same options object and the app
composition can stay vendor-neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["DEFAULT_SUPERFONE_KEYS", "SandboxOptions", "utc_now"]

# Not secrets: the sandbox's well-known keys for Superfone account A and account B, so a suite run
# against a freshly started sandbox needs no configuration.
DEFAULT_SUPERFONE_KEYS: tuple[str, str] = ("sf-sandbox-account-a", "sf-sandbox-account-b")


def utc_now() -> datetime:
    """The real clock; tests pass their own so timestamps in responses are predictable."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class SandboxOptions:
    """Configuration of one sandbox app; each ``create_app`` call gets its own state from it."""

    superfone_keys: tuple[str, str] = DEFAULT_SUPERFONE_KEYS
    # Names of deliberate deviations from the documents; no fault is implemented yet.
    faults: frozenset[str] = frozenset()
    now: Callable[[], datetime] = field(default=utc_now)

    def __post_init__(self) -> None:
        # Account B would be unreachable (every request would land in account A) if the keys matched.
        if self.superfone_keys[0] == self.superfone_keys[1]:
            raise ValueError("superfone_keys must name two different API keys (account A, account B)")
