"""LeadLex task API: everything the suite knows of it.

Source document: contracts/seeds/003_37093ce25c986d01.txt (Create Task). The page documents one
operation and no way to read, update or close a task:

- No ``snapshot``: the suite cannot prove that a rejected request wrote nothing.
- No ``created_task``/``cleanup``: the tasks a run creates stay, linked to the configured contacts,
  deals and events (use test records).
- No ``read_operation``: nothing can vet the "missing" contact, a made-up UUID.

Two key roles: the workspace's key with activities:write, and one without it
(``readonly_api_key_env``), which only the 403 probe sends (``Probe.key_option``). The key probes
(LL-CREATE-KEY-REQUIRED) present the writing key in the ways the page rules out: it is the one key a
wrongly accepted request would create a task with. Generated requests never carry assignee_id or
company_name (see ``confine``).
"""

from __future__ import annotations

from ...client import AuthScheme
from ...target import Vendor
from .api import POOLS, SECTION, confine
from .checks import RESPONSE_CLAUSES
from .probes import PROBES

__all__ = ["LEADLEX", "VENDOR"]

LEADLEX = Vendor(
    name="leadlex",
    spec_file="leadlex-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="header", name="Authorization", prefix="Bearer "),
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    pools=POOLS,
    probes=PROBES,
)

# What the registry (vendors/__init__.py) looks for in every vendor package.
VENDOR = LEADLEX
