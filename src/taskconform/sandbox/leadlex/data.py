"""LeadLex's seed data: the workspaces a fresh sandbox starts from, and who the keys are.

Ids are readable UUIDs: ``a1`` workspace A, ``b2`` workspace B; then ``c0`` contact, ``d0`` deal, ``e0``
event, ``f0`` company.

- Workspace A: contacts Anna Becker, Lukas Weber, Sophie Fischer, Jonas Wagner, Mia Hoffmann, Felix
  Schulz, Grete Schmidt (the unique name) and two contacts named Hans Müller (the ambiguous name);
  three deals (primary contacts Anna, Lukas, Sophie), three events, companies Müller Bau GmbH and
  Acme Logistics.
- Workspace B: contacts Otto Braun and Grete Schmidt, one deal, one event, company Braun Consulting.
- Key roles (``SandboxOptions.keys["leadlex"]``): workspace A with activities:write, workspace A
  without it (read-only), workspace B with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "AMBIGUOUS_CONTACT_NAME",
    "KEY_ROLES",
    "PLAIN_CONTACTS",
    "SEED_WORKSPACES",
    "UNIQUE_CONTACT_NAME",
    "WORKSPACE_A",
    "WORKSPACE_B",
    "KeyRole",
    "Workspace",
]


@dataclass(frozen=True, slots=True)
class Workspace:
    name: str
    contacts: Mapping[str, str]  # id -> full name
    deals: Mapping[str, str]  # id -> primary contact id (used only by a variation)
    events: tuple[str, ...]
    companies: Mapping[str, str]  # id -> name


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}0000-0000-4000-8000-{n:012d}" for n in range(1, count + 1)]


_A_CONTACTS = _ids("a1c0", 9)
SEED_WORKSPACES: tuple[Workspace, Workspace] = (
    Workspace(
        name="A",
        contacts=dict(
            zip(
                _A_CONTACTS,
                [
                    "Anna Becker",
                    "Lukas Weber",
                    "Sophie Fischer",
                    "Jonas Wagner",
                    "Mia Hoffmann",
                    "Felix Schulz",
                    "Grete Schmidt",
                    "Hans Müller",
                    "Hans Müller",
                ],
                strict=True,
            )
        ),
        deals=dict(zip(_ids("a1d0", 3), _A_CONTACTS[:3], strict=True)),
        events=tuple(_ids("a1e0", 3)),
        companies=dict(zip(_ids("a1f0", 2), ["Müller Bau GmbH", "Acme Logistics"], strict=True)),
    ),
    Workspace(
        name="B",
        contacts=dict(zip(_ids("b2c0", 2), ["Otto Braun", "Grete Schmidt"], strict=True)),
        deals=dict(zip(_ids("b2d0", 1), _ids("b2c0", 1), strict=True)),
        events=tuple(_ids("b2e0", 1)),
        companies=dict(zip(_ids("b2f0", 1), ["Braun Consulting"], strict=True)),
    ),
)
WORKSPACE_A, WORKSPACE_B = SEED_WORKSPACES
UNIQUE_CONTACT_NAME = "Grete Schmidt"
AMBIGUOUS_CONTACT_NAME = "Hans Müller"
# The contacts the suite may link freely: workspace A's, minus the named ones.
PLAIN_CONTACTS = tuple(_A_CONTACTS[:6])


@dataclass(frozen=True, slots=True)
class KeyRole:
    workspace: Workspace
    can_write: bool


# Paired by position with ``SandboxOptions.keys["leadlex"]``.
KEY_ROLES = (KeyRole(WORKSPACE_A, True), KeyRole(WORKSPACE_A, False), KeyRole(WORKSPACE_B, True))
