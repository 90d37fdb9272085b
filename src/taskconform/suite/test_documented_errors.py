"""Every error the documents name, provoked on its own, answers with its documented status and message;
where a document rejects values outside a list, it does so for their near-misses too.

The probes of a vendor do not depend on each other: the first of them that a process runs sends the
requests of all (``probes.send_ahead``, up to ``--concurrency`` at a time), and each test judges its
own. They form one ``xdist_group`` per vendor, so that process runs every one of them.
"""

from __future__ import annotations

import pytest

from taskconform.findings import Verification
from taskconform.near_miss import rejection_probes
from taskconform.probes import SentAhead, run_probe, send_ahead
from taskconform.session import RunState
from taskconform.target import Probe, Target
from taskconform.vendors import VENDORS

PROBES = [
    pytest.param(
        vendor.name,
        probe,
        id=f"{vendor.name}-{probe.id}",
        marks=[
            pytest.mark.vendor(vendor.name),
            pytest.mark.clause(probe.clause),
            pytest.mark.xdist_group(f"probes-{vendor.name}"),
        ],
    )
    for vendor in VENDORS.values()
    for probe in (*vendor.probes, *rejection_probes(vendor))
]


@pytest.mark.parametrize(("vendor_name", "probe"), PROBES)
def test_documented_error_answer(
    target: Target, verify: Verification, probe: Probe, run_state: RunState
) -> None:
    run_probe(target, verify, probe, _sent_ahead(target, probe, run_state))


def _sent_ahead(target: Target, probe: Probe, run_state: RunState) -> SentAhead | None:
    """The probe's request as the vendor's first probe test in this process sent it; None: sent here."""
    vendor = target.vendor.name
    if vendor not in run_state.probes_sent_ahead:
        overlaps = target.client.concurrency.ceiling > 1 and run_state.whole_groups
        mine = [
            params
            for params in run_state.collected.get(test_documented_error_answer, ())
            if params["vendor_name"] == vendor
        ]
        batch = [params["probe"] for params in mine if isinstance(params["probe"], Probe)]
        run_state.probes_sent_ahead[vendor] = send_ahead(target, batch) if overlaps else {}
    return run_state.probes_sent_ahead[vendor].pop(probe.id, None)
