"""SmartLead master-inbox sandbox: a reference implementation of ``POST /api/v1/master-inbox/create-task``.

The suite needs a server that behaves exactly as the vendor page says, so that a conformance failure
against it means a bug in the suite, and so that named faults have a correct baseline to deviate
from. ``data.py`` holds the seed records, ``store.py`` the tasks, ``api.py`` the HTTP layer and its
rules, ``faults.py`` the named faults and variations as overrides of those.
"""

from __future__ import annotations

from taskconform.sandbox.smartlead.api import SmartLeadApi
from taskconform.sandbox.smartlead.data import SEED_ACCOUNTS
from taskconform.sandbox.smartlead.faults import DEVIATIONS
from taskconform.sandbox.smartlead.store import SmartLeadStore
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["SANDBOX"]

NAME = "smartlead"


def _target_section(base_url: str) -> str:
    """Account A's ids are the configured ones; the suite holds account A's key only."""
    ours, _ = SEED_ACCOUNTS
    return "\n".join(
        [
            "[smartlead]",
            f'base_url = "{base_url}"',
            'api_key_env = "SMARTLEAD_API_KEY"',
            f"email_lead_map_ids = [{', '.join(map(str, ours))}]",
        ]
    )


SANDBOX = SandboxVendor(
    name=NAME,
    position=2,
    prefix=f"/{NAME}",
    store=SmartLeadStore,
    api=SmartLeadApi,
    deviations=DEVIATIONS,
    # Account A, account B.
    default_keys=("sl-sandbox-account-a", "sl-sandbox-account-b"),
    key_envs=("SMARTLEAD_API_KEY", None),
    target_section=_target_section,
)
