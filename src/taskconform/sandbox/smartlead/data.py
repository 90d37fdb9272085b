"""SmartLead's vocabulary and the sandbox's seed data.

Account A owns the email_lead_map_ids 2433664091–2433664098 (the page's example id and seven more, so
parallel workers each get their own), account B owns 3122000001–3122000003. Task ids count up from
1000 across both accounts (SL-OPEN-ID-SCHEME).
"""

from __future__ import annotations

__all__ = ["DEFAULT_PRIORITY", "FIRST_TASK_ID", "PRIORITIES", "SEED_ACCOUNTS"]

PRIORITIES: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH")
DEFAULT_PRIORITY = "MEDIUM"

# Account A's and account B's email_lead_map_ids, paired by position with SandboxOptions.keys["smartlead"].
SEED_ACCOUNTS: tuple[tuple[int, ...], tuple[int, ...]] = (
    tuple(range(2433664091, 2433664099)),
    (3122000001, 3122000002, 3122000003),
)
FIRST_TASK_ID = 1000
