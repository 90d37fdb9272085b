"""Every error the documents name, provoked on its own, answers with its documented status and message;
where a document rejects values outside a list, it does so for their near-misses too."""

from __future__ import annotations

import pytest

from taskconform.findings import Verification
from taskconform.near_miss import rejection_probes
from taskconform.probes import run_probe
from taskconform.target import Probe, Target
from taskconform.vendors import VENDORS

PROBES = [
    pytest.param(
        vendor.name,
        probe,
        id=f"{vendor.name}-{probe.id}",
        marks=[pytest.mark.vendor(vendor.name), pytest.mark.clause(probe.clause)],
    )
    for vendor in VENDORS.values()
    for probe in (*vendor.probes, *rejection_probes(vendor))
]


@pytest.mark.parametrize(("vendor_name", "probe"), PROBES)
def test_documented_error_answer(target: Target, verify: Verification, probe: Probe) -> None:
    run_probe(target, verify, probe)
