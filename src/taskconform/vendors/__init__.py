"""Vendors: everything that differs between the task APIs, as data.

Adding a vendor means a spec, a clause catalogue, sandbox routes, a ``Vendor`` entry here and
the few checks only it needs; the runner, the plugin, reports and fuzzing are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..client import AuthScheme
from ..config import SectionSpec

if TYPE_CHECKING:
    from schemathesis import Case

    from ..exchange import Exchange
    from ..findings import Verification
    from ..probes import Probe
    from ..target import Target

__all__ = ["KNOWN_VENDORS", "VENDORS", "Pool", "Vendor", "vendor_sections"]


@dataclass(frozen=True)
class Pool:
    """Where one kind of record comes from: a config key, else fixed values the suite makes up.

    ``shared``: the records are written to, so parallel workers each take their own share. A pool
    whose key the configuration leaves out is empty, and what needs it is not run (``NotConfigured``).
    """

    key: str | None = None
    shared: bool = False
    fixed: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Vendor:
    name: str
    spec_file: str
    section: SectionSpec
    auth: AuthScheme
    key_option: str
    # operationId -> response check name -> clause id
    response_clauses: Mapping[str, Mapping[str, str]]
    # Rewrites a generated request (path and body) so fuzzing never reaches a record the config does
    # not name; the callable draws one value from a list.
    confine: Callable[[Target, Case, Callable[[list[Any]], Any]], None]
    # The records of each kind: "own" (configured, this worker's share), "foreign" (another
    # account's), "missing" (absent); probes name them as "{own}", "{foreign}", "{missing}". A vendor
    # may add kinds of its own (LeadLex: "{deal}", "{ambiguous_name}"...). Read through Target.pool.
    pools: Mapping[str, Pool]
    # A read-only operation on one record (path parameter ``record_param``): proves a "missing" id
    # really is absent before anything is written to it. None where the API has no such read.
    read_operation: str | None
    record_param: str | None
    # A cheap read of a record's state, to prove a rejected request wrote nothing (None: no read).
    snapshot: Callable[[Target, Verification, Any], Any] | None
    probes: tuple[Probe, ...] = field(default=())
    # (record, task id) when an answer shows a task was created; None where tasks cannot be closed again.
    created_task: Callable[[str, Exchange, Mapping[str, Any]], tuple[Any, Any] | None] | None = None
    # Closes what the run created and left open; returns what it closed, per record. None: not possible.
    cleanup: Callable[[Target, Verification, Mapping[Any, set[Any]]], dict[Any, list[Any]]] | None = None


def _registry() -> dict[str, Vendor]:
    from .leadlex import LEADLEX
    from .smartlead import SMARTLEAD
    from .superfone import SUPERFONE

    return {vendor.name: vendor for vendor in (SUPERFONE, SMARTLEAD, LEADLEX)}


VENDORS: dict[str, Vendor] = _registry()
# Vendors whose config sections are recognised but not tested by this version: reported and skipped.
KNOWN_VENDORS: tuple[str, ...] = ()


def vendor_sections() -> dict[str, SectionSpec]:
    return {name: vendor.section for name, vendor in VENDORS.items()}
