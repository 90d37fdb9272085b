"""Near-miss values — an enum value in another case, padded or suffixed, a number as a string, the
coverage phase's boundaries and wrong types — get documented answers, and accepted ones come back
inside their documented domain (the documented rejections of near-misses are probes:
test_documented_errors)."""

from __future__ import annotations

import pytest

from taskconform.findings import Verification
from taskconform.fuzzing import FuzzKey, send_all
from taskconform.near_miss import near_miss_searches, near_misses
from taskconform.target import Target
from taskconform.vendors import VENDORS

OPERATIONS = [
    pytest.param(
        vendor.name,
        key,
        id=f"{vendor.name}-{key.operation_id}",
        marks=[
            pytest.mark.vendor(vendor.name),
            pytest.mark.clause(*sorted(set(vendor.response_clauses[key.operation_id].values()))),
        ],
    )
    for vendor in VENDORS.values()
    for key in near_miss_searches(vendor)
]


@pytest.mark.parametrize(("vendor_name", "key"), OPERATIONS)
def test_near_misses_get_documented_answers_within_the_documented_domain(
    target: Target, verify: Verification, key: FuzzKey
) -> None:
    send_all(target, verify, key, near_misses(key))
