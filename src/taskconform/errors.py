"""The three ways a run can end other than "conforms", kept apart so none is mistaken for another.

A contract violation is the target's fault; a configuration error is the user's; an
infrastructure failure (target down, reset, timeout, rate limit never lifted) is nobody's verdict
and must never be reported as a violation.
"""

from __future__ import annotations

__all__ = ["ConfigError", "InfrastructureError", "NotConfigured", "NotRun", "UsageError"]


class UsageError(Exception):
    """Bad command line or configuration: exit 2 with one line naming the problem and the fix."""


class ConfigError(UsageError):
    """The target configuration cannot be used as written."""


class InfrastructureError(Exception):
    """The target could not be exercised (unreachable, reset, timed out): exit 3, never a clause failure."""


class NotRun(Exception):
    """A check could not do what it is for: its clauses are not run, and say why; what it found before
    still counts."""


class NotConfigured(NotRun):
    """A check needs a record or key the configuration leaves out: its clauses are not run, and say why.

    Optional keys exist so a first-time user can start with the few records they have; leaving one
    out must cost the clauses that need it, visibly, and nothing else.
    """

    def __init__(self, vendor: str, key: str, why: str = "") -> None:
        self.vendor = vendor
        self.key = key
        super().__init__(why or f"not configured: set `{key}` in [{vendor}]")
