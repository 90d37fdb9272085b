"""SmartLead master-inbox task API: everything the suite knows of it.

Source document: contracts/seeds/004_e3a480ce000b28b6.txt (``POST /api/v1/master-inbox/create-task``).

The document has one endpoint, which writes, and nothing that reads:

- Records: only the configured ``email_lead_map_ids`` ("own"; each worker takes its share). There is
  no foreign or missing pool: the document names no answer for another account's or an unknown
  email_lead_map_id (SL-OPEN-UNKNOWN-LEAD-MAP-ID), so a probe there would assert nothing, and
  fuzzing never needs one because every generated id is mapped onto the configured ones.
- No ``read_operation``, ``record_param`` or ``snapshot``: a refused request cannot be proven to have
  written nothing, so probes judge the status only.
- No ``created_task``/``cleanup``: no endpoint closes or deletes a task, so the tasks a run creates
  stay on the configured email_lead_map_ids (use test leads).
- The key travels in the query string (``?api_key=``); the redactor masks it, URL-encoded spellings
  included, wherever a URL is printed or stored.

The status of a validation failure may be 400 or 422 (SL-CONTRA-VALIDATION-STATUS); probes for those
take either, through ``answer_check``.
"""

from __future__ import annotations

from ...client import AuthScheme
from ...target import NearMissRejection, Vendor
from .api import POOLS, SECTION, confine
from .checks import RESPONSE_CLAUSES
from .probes import PROBES

__all__ = ["SMARTLEAD", "VENDOR"]

SMARTLEAD = Vendor(
    name="smartlead",
    spec_file="smartlead-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="query", name="api_key"),
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    pools=POOLS,
    probes=PROBES,
    # "none of LOW, MEDIUM, HIGH in any letter case" is rejected: padding, a suffix or nothing is none
    # of them; another letter case is open (SL-OPEN-PRIORITY-CASE).
    near_miss_rejections=(
        NearMissRejection("CREATE-priority-URGENT", "priority", ("whitespace", "affix", "empty")),
    ),
)

# What the registry (vendors/__init__.py) looks for in every vendor package.
VENDOR = SMARTLEAD
