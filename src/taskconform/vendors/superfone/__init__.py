"""Superfone Enterprise task API (contracts/seeds/000 Create Task, 001 List Tasks, 002 Complete Task).

The package holds everything the suite knows of it: ``api`` (configuration section, records,
requests), ``checks`` (its response checks and which clause each answers), ``probes`` (its
documented error rows as single requests), and the stateful ``model`` with its ``rules`` and
``listing`` comparisons.
"""

from __future__ import annotations

from ...client import AuthScheme
from ...target import NearMissRejection, Vendor
from .api import POOLS, SECTION, SNAPSHOT, cleanup, confine, created_task
from .checks import RESPONSE_CLAUSES
from .model import MODEL_CLAUSES
from .probes import PROBES
from .replay import ModelJudge

__all__ = ["SUPERFONE", "VENDOR"]

SUPERFONE = Vendor(
    name="superfone",
    spec_file="superfone-tasks.openapi.yaml",
    section=SECTION,
    auth=AuthScheme(location="header", name="x-api-key"),
    response_clauses=RESPONSE_CLAUSES,
    confine=confine,
    record_param="lead_id",
    pools=POOLS,
    read_operation="listTasks",
    snapshot=SNAPSHOT,
    created_task=created_task,
    replay_judge=ModelJudge,
    replay_clauses=MODEL_CLAUSES,
    cleanup=cleanup,
    probes=PROBES,
    # "type is not in the allowed task-type list": another case, padding or a suffix is not in it
    # either. An empty type may read as a missing one (SF-CREATE-ERR-TYPE-REQUIRED): either answer.
    near_miss_rejections=(NearMissRejection("CREATE-unknown-type", "type", ("case", "whitespace", "affix")),),
)

# What the registry (vendors/__init__.py) looks for in every vendor package.
VENDOR = SUPERFONE
