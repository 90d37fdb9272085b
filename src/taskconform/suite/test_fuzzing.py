"""Generated requests, valid and invalid, get only documented statuses and documented response shapes.

The clauses checked are those each vendor maps to its operations (``Vendor.response_clauses``):
documented statuses (so never a 5xx), response fields, the documented 401/404 messages, and that
an answer about one record holds only that record's data.
"""

from __future__ import annotations

import pytest

from taskconform.findings import Verification
from taskconform.fuzzing import FuzzKey, fuzz, searches
from taskconform.session import RunState
from taskconform.target import Target
from taskconform.vendors import VENDORS

SEARCHES = [
    pytest.param(
        vendor.name,
        key,
        id=f"{vendor.name}-{key.operation_id}-{key.mode}",
        marks=[
            pytest.mark.vendor(vendor.name),
            pytest.mark.clause(*sorted(set(vendor.response_clauses[key.operation_id].values()))),
        ],
    )
    for vendor in VENDORS.values()
    for key in searches([vendor])
]


@pytest.mark.parametrize(("vendor_name", "key"), SEARCHES)
def test_generated_requests_get_documented_answers(
    target: Target, verify: Verification, run_state: RunState, key: FuzzKey
) -> None:
    fuzz(target, verify, run_state.profile, key, run_state.drawn_ahead())
