"""The registry of vendors: one package each (``vendors/<vendor>/``), holding everything that differs
between the task APIs; the runner, the plugin, reports and fuzzing are shared.

ARCHITECTURE.md lists what a vendor package provides; ``tests/unit/test_vendor_checklist.py`` fails,
naming the missing part, when a registered vendor lacks one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping

from ..config import SectionSpec
from ..target import Vendor

__all__ = ["VENDORS", "registry", "vendor_sections"]


def registry(vendors: Iterable[Vendor]) -> dict[str, Vendor]:
    """Vendors by name; two of one name would make a config section ambiguous, so that is refused."""
    named: dict[str, Vendor] = {}
    for vendor in vendors:
        if vendor.name in named:
            raise ValueError(f"two vendors are named {vendor.name!r}")
        named[vendor.name] = vendor
    return named


def _packages() -> list[Vendor]:
    """Every vendor package here, by name: adding a vendor adds a package and touches nothing else."""
    found = pkgutil.iter_modules(__path__, f"{__name__}.")
    return [
        importlib.import_module(module.name).VENDOR
        for module in sorted(found, key=lambda m: m.name)
        if module.ispkg
    ]


VENDORS: Mapping[str, Vendor] = registry(_packages())


def vendor_sections() -> dict[str, SectionSpec]:
    return {name: vendor.section for name, vendor in VENDORS.items()}
