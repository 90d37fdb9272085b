"""The vendors the sandbox serves, and what follows from the list: default keys and buildable names.

Every vendor specific lives in its own package (``sandbox/<vendor>/``, exporting its ``SandboxVendor``
as ``SANDBOX``); this module finds them, so adding a vendor adds a package and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path

from taskconform.sandbox.middleware import MIDDLEWARE_VARIATIONS
from taskconform.sandbox.vendor import SandboxVendor

__all__ = ["DEFAULT_KEYS", "FAULT_NAMES", "VARIATION_NAMES", "VENDORS"]


def _packages() -> tuple[SandboxVendor, ...]:
    """Every vendor package here, by ``position``; two of one name (or position) are refused."""
    found = pkgutil.iter_modules([str(Path(__file__).parent)], f"{__package__}.")
    vendors: dict[str, SandboxVendor] = {}
    for module in sorted(found, key=lambda module: module.name):
        if not module.ispkg:
            continue
        vendor = importlib.import_module(module.name).SANDBOX
        if not isinstance(vendor, SandboxVendor):
            raise TypeError(f"{module.name}.SANDBOX is not a SandboxVendor")
        if vendor.name in vendors or vendor.position in {other.position for other in vendors.values()}:
            raise ValueError(f"sandbox vendor {vendor.name!r}: its name or position is taken")
        vendors[vendor.name] = vendor
    return tuple(sorted(vendors.values(), key=lambda vendor: vendor.position))


VENDORS: tuple[SandboxVendor, ...] = _packages()

# Per vendor name, the keys of its key roles a sandbox uses unless configured otherwise.
DEFAULT_KEYS: Mapping[str, tuple[str, ...]] = {vendor.name: vendor.default_keys for vendor in VENDORS}

# The names a sandbox can be built with: what the code implements (tests check it equals the catalogues).
FAULT_NAMES: frozenset[str] = frozenset().union(*(vendor.deviations.fault_names for vendor in VENDORS))
VARIATION_NAMES: frozenset[str] = frozenset(MIDDLEWARE_VARIATIONS).union(
    *(vendor.deviations.variation_names for vendor in VENDORS)
)
