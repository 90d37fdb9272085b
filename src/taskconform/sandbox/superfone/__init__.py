"""Superfone task API sandbox: a reference implementation of Create, List and Complete Task.

The suite needs a server that behaves exactly as the vendor documents say, so that a conformance
failure against it means a bug in the suite, and so that named faults have a correct baseline to
deviate from. ``data.py`` holds the seed records, ``store.py`` the rules over them, ``api.py`` the
HTTP layer, ``faults.py`` the named faults and variations as overrides of those.
"""

from __future__ import annotations

from taskconform.sandbox.superfone.api import SuperfoneApi
from taskconform.sandbox.superfone.data import MISSING_LEAD, SEED_ACCOUNTS
from taskconform.sandbox.superfone.faults import DEVIATIONS
from taskconform.sandbox.superfone.store import SuperfoneStore
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["SANDBOX"]

NAME = "superfone"


def _target_section(base_url: str) -> str:
    """Account A's leads are ours, account B's foreign; the suite writes with account A's key only, and
    sends account B's to check it does not reach account A's leads."""
    ours, theirs = SEED_ACCOUNTS
    assignees = ", ".join(f'"{lead}" = {user}' for lead, user in ours.lead_assignees.items())
    return "\n".join(
        [
            "[superfone]",
            f'base_url = "{base_url}"',
            'api_key_env = "SF_API_KEY"',
            'other_account_api_key_env = "SF_OTHER_ACCOUNT_API_KEY"',
            f"lead_ids = [{', '.join(map(str, ours.lead_assignees))}]",
            f"foreign_lead_ids = [{', '.join(map(str, theirs.lead_assignees))}]",
            f"missing_lead_ids = [{MISSING_LEAD}]",
            f"lead_assignees = {{ {assignees} }}",
        ]
    )


SANDBOX = SandboxVendor(
    name=NAME,
    position=1,
    prefix=f"/{NAME}",
    store=SuperfoneStore,
    api=SuperfoneApi,
    deviations=DEVIATIONS,
    # Account A, account B.
    default_keys=("sf-sandbox-account-a", "sf-sandbox-account-b"),
    key_envs=("SF_API_KEY", "SF_OTHER_ACCOUNT_API_KEY"),
    target_section=_target_section,
)
