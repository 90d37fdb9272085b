"""Generated requests, valid and invalid, get only documented statuses and documented response shapes.

The clauses checked are those each vendor maps to its operations (``Vendor.response_clauses``):
documented statuses (so never a 5xx), response fields, the documented 401/404 messages, and that
an answer about one record holds only that record's data.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from taskconform.findings import Verification
from taskconform.fuzzing import fuzz_operation_once
from taskconform.session import RunState
from taskconform.target import Target
from taskconform.vendors import VENDORS

OPERATIONS = [
    pytest.param(
        vendor.name,
        operation_id,
        mode,
        id=f"{vendor.name}-{operation_id}-{mode.value}",
        marks=[pytest.mark.vendor(vendor.name), pytest.mark.clause(*sorted(set(clauses.values())))],
    )
    for vendor in VENDORS.values()
    for operation_id, clauses in vendor.response_clauses.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
]


@pytest.mark.parametrize(("vendor_name", "operation_id", "mode"), OPERATIONS)
def test_generated_requests_get_documented_answers(
    target: Target, verify: Verification, run_state: RunState, operation_id: str, mode: GenerationMode
) -> None:
    @run_state.profile.hypothesis(max_examples=run_state.profile.fuzz_examples)
    @given(data=st.data())
    def one_request(data: st.DataObject) -> None:
        fuzz_operation_once(target, verify, operation_id, mode, data)
        verify.settle()

    one_request()
