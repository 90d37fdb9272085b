"""Adding a vendor is a checklist (ARCHITECTURE.md, "Adding a vendor"): every registered vendor has
every part, and a missing one fails here by name."""

from __future__ import annotations

import pytest

from taskconform.catalogue import load_catalogue
from taskconform.contract import load_spec_contract
from taskconform.resources import spec_path
from taskconform.sandbox.faults import load_faults, load_variations
from taskconform.target import Vendor
from taskconform.vendors import VENDORS, registry

VENDOR_NAMES = sorted(VENDORS)


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_spec_and_catalogue(name: str) -> None:
    vendor = VENDORS[name]
    assert spec_path(vendor.spec_file).is_file(), f"{name}: spec/{vendor.spec_file} is missing"
    catalogue = load_catalogue(name)
    assert catalogue.clauses, f"{name}: contracts/{name}.yaml lists no clause"
    assert catalogue.undocumented, f"{name}: contracts/{name}.yaml lists no undocumented behaviour"


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_response_checks_for_every_operation(name: str) -> None:
    vendor = VENDORS[name]
    operations = load_spec_contract(vendor.spec_file).operations
    missing = sorted(set(operations) - set(vendor.response_clauses))
    assert not missing, f"{name}: no response checks mapped for {missing}"


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_a_probe_for_every_documented_error_status(name: str) -> None:
    """Each error status the spec documents for an operation is provoked by a probe of that operation
    (a probe with no status of its own judges the answer through its check)."""
    vendor = VENDORS[name]
    probed = {(probe.operation, probe.status) for probe in vendor.probes}
    missing = [
        (operation_id, status)
        for operation_id, operation in load_spec_contract(vendor.spec_file).operations.items()
        for status in sorted(operation.messages)
        if status.isdigit()
        and int(status) >= 400
        and (operation_id, int(status)) not in probed
        and (operation_id, None) not in probed
    ]
    assert not missing, f"{name}: documented error statuses without a probe: {missing}"


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_faults_and_variations(name: str) -> None:
    assert any(f.vendor == name for f in load_faults()), f"{name}: contracts/faults.yaml has no fault of it"
    assert any(v.vendor == name for v in load_variations()), f"{name}: contracts/variations.yaml has none"


@pytest.mark.parametrize("name", VENDOR_NAMES)
def test_records_and_configuration(name: str) -> None:
    vendor = VENDORS[name]
    assert "own" in vendor.pools and vendor.pools["own"].shared, f"{name}: no shared pool of own records"
    assert vendor.key_option in vendor.section.secrets, f"{name}: its key option is not a secret"
    assert vendor.pools["own"].key in vendor.section.fields, f"{name}: own records come from no config key"
    assert {"api_key_env"} | {vendor.pools["own"].key} <= {
        key for key, spec in vendor.section.fields.items() if spec.required
    }, f"{name}: the key and the own records must be required"


def test_the_registry_refuses_two_vendors_of_one_name() -> None:
    vendor: Vendor = VENDORS[VENDOR_NAMES[0]]
    with pytest.raises(ValueError, match="two vendors are named"):
        registry((vendor, vendor))
