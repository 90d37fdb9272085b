"""LeadLex task API sandbox: a reference implementation of Create Task.

The suite needs a server that behaves exactly as the vendor page says, so that a conformance
failure against it means a bug in the suite, and so that named faults have a correct baseline to
deviate from. ``data.py`` holds the seed workspaces, ``store.py`` the keys and tasks, ``matching.py``
the fuzzy name matching, ``api.py`` the HTTP layer and its rules, ``faults.py`` the named faults and
variations as overrides of those.
"""

from __future__ import annotations

from collections.abc import Iterable

from taskconform.sandbox.leadlex.api import LeadLexApi
from taskconform.sandbox.leadlex.data import (
    AMBIGUOUS_CONTACT_NAME,
    PLAIN_CONTACTS,
    UNIQUE_CONTACT_NAME,
    WORKSPACE_A,
    WORKSPACE_B,
)
from taskconform.sandbox.leadlex.faults import DEVIATIONS
from taskconform.sandbox.leadlex.store import LeadLexStore
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["SANDBOX"]

NAME = "leadlex"
# Workspace A's company whose name no other company (and no contact) shares a word with: "Müller Bau
# GmbH" also matches exactly one company, but shares "Müller" with the ambiguous contact name.
UNIQUE_COMPANY_NAME = "Acme Logistics"


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def _target_section(base_url: str) -> str:
    """Workspace A's plain contacts are ours, workspace B's foreign; the suite holds A's two keys."""
    ambiguous = [record for record, name in WORKSPACE_A.contacts.items() if name == AMBIGUOUS_CONTACT_NAME]
    unique = [record for record, name in WORKSPACE_A.contacts.items() if name == UNIQUE_CONTACT_NAME]
    return "\n".join(
        [
            "[leadlex]",
            f'base_url = "{base_url}"',
            'api_key_env = "LEADLEX_API_KEY"',
            'readonly_api_key_env = "LEADLEX_READONLY_API_KEY"',
            f"contact_ids = {_toml_list(PLAIN_CONTACTS)}",
            f"deal_ids = {_toml_list(WORKSPACE_A.deals)}",
            f"event_ids = {_toml_list(WORKSPACE_A.events)}",
            f"foreign_contact_ids = {_toml_list(WORKSPACE_B.contacts)}",
            f'unique_contact_name = "{UNIQUE_CONTACT_NAME}"',
            f'unique_contact_id = "{unique[0]}"',
            f'ambiguous_contact_name = "{AMBIGUOUS_CONTACT_NAME}"',
            f"ambiguous_contact_ids = {_toml_list(ambiguous)}",
            f'unique_company_name = "{UNIQUE_COMPANY_NAME}"',
        ]
    )


SANDBOX = SandboxVendor(
    name=NAME,
    position=3,
    prefix=f"/{NAME}",
    store=LeadLexStore,
    api=LeadLexApi,
    deviations=DEVIATIONS,
    # Workspace A with activities:write, workspace A without it, workspace B.
    default_keys=("wbk_sandbox_workspace_a", "wbk_sandbox_workspace_a_readonly", "wbk_sandbox_workspace_b"),
    key_envs=("LEADLEX_API_KEY", "LEADLEX_READONLY_API_KEY", None),
    target_section=_target_section,
)
