"""What a vendor's judge of replayed sequences is given (see ``replay`` and ``Vendor.replay_judge``).

Kept apart from ``replay`` so that ``target`` can name the judge's type without importing the
replayer, which itself sends through a ``Target``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .exchange import Exchange

__all__ = ["ReplayedRequest", "SequenceJudge"]


@dataclass(frozen=True)
class ReplayedRequest:
    """A recorded step as it goes to this target: its records, key and timestamps rewritten."""

    operation_id: str
    method: str
    path: str
    path_params: Mapping[str, Any]
    params: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    content: bytes | None


class SequenceJudge(Protocol):
    """A vendor's model of what a sequence of requests must do."""

    def before(self, operation_id: str, path_params: Mapping[str, Any]) -> None:
        """Before a step is sent (e.g. read the record it touches first)."""

    def after(self, request: ReplayedRequest, exchange: Exchange, *, concurrent: bool) -> None:
        """Judge a step's answer (of a group of concurrent steps: in no particular order)."""

    def after_concurrent(self) -> None:
        """After a group of concurrent steps: the order the target took them in is unknown."""
