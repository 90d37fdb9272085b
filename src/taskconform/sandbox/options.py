"""What a sandbox instance is built from: credentials, the clock, and the faults and variations it shows.

Kept apart from the vendor packages so that every vendor reads the same options object and the app
composition can stay vendor-neutral. A name no vendor implements is refused here, before any app is
built: a typo would otherwise build a faithful sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from taskconform.sandbox.faults import check_names
from taskconform.sandbox.registry import DEFAULT_KEYS, FAULT_NAMES, VARIATION_NAMES

__all__ = ["DEFAULT_KEYS", "SandboxOptions", "utc_now"]


def utc_now() -> datetime:
    """The real clock; tests pass their own so timestamps in responses are predictable."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class SandboxOptions:
    """Configuration of one sandbox app; each ``create_app`` call gets its own state from it."""

    # Per vendor, the API keys of its key roles; vendors not named here get DEFAULT_KEYS.
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Names from contracts/faults.yaml: deliberate deviations from the documents, which a suite must catch.
    faults: frozenset[str] = frozenset()
    # Names from contracts/variations.yaml: behaviour the documents allow, which a suite must accept.
    variations: frozenset[str] = frozenset()
    now: Callable[[], datetime] = field(default=utc_now)

    def __post_init__(self) -> None:
        for names in (self.faults, self.variations):
            if isinstance(names, str):  # frozenset("slow") would be four one-letter names
                raise TypeError(f"faults and variations are collections of names, not the string {names!r}")
        object.__setattr__(self, "faults", frozenset(self.faults))
        object.__setattr__(self, "variations", frozenset(self.variations))
        check_names("fault", self.faults, FAULT_NAMES)
        check_names("variation", self.variations, VARIATION_NAMES)
        object.__setattr__(self, "keys", {**DEFAULT_KEYS, **self.keys})
        for vendor, keys in self.keys.items():
            # One key per role: if two matched, the second role (another account) would be unreachable.
            if len(set(keys)) != len(keys) or len(keys) != len(DEFAULT_KEYS[vendor]):
                raise ValueError(
                    f"{vendor} needs {len(DEFAULT_KEYS[vendor])} different API keys, got {len(keys)}"
                )
