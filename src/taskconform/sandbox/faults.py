"""The catalogues of named faults and variations a sandbox can be built with.

``contracts/faults.yaml`` lists deliberate deviations from the vendor documents, each breaking exactly
one quoted sentence: a suite that is strong enough fails against every one of them.
``contracts/variations.yaml`` lists behaviour the documents allow or leave open: a correct suite passes
against every one. The vendor packages implement the names (``sandbox/<vendor>/faults.py``, and
``middleware.py`` for the ``vendor: all`` variations); this module only reads the catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from taskconform.resources import contract_path, load_yaml

__all__ = [
    "ALL_VENDORS",
    "Fault",
    "Variation",
    "check_names",
    "load_faults",
    "load_variations",
    "variation_names",
]

# The ``vendor`` of a variation that every vendor's sandbox shows (it lives in the app's middleware).
ALL_VENDORS = "all"


@dataclass(frozen=True)
class Fault:
    name: str
    vendor: str
    clause: str  # a clause id of contracts/<vendor>.yaml
    quote: str  # one of that clause's quotes, verbatim: the sentence the fault breaks
    fault: str  # what the sandbox does wrong


@dataclass(frozen=True)
class Variation:
    name: str
    vendor: str  # a vendor, or ALL_VENDORS
    what: str  # what the sandbox does differently
    allowed_by: str  # why a correct suite must accept it


def _entries(file_name: str) -> list[dict[str, Any]]:
    raw = load_yaml(contract_path(file_name))
    if not isinstance(raw, list):
        raise ValueError(f"contracts/{file_name} must be a list of entries")
    return raw


@cache
def load_faults() -> tuple[Fault, ...]:
    return tuple(Fault(**entry) for entry in _entries("faults.yaml"))


@cache
def load_variations() -> tuple[Variation, ...]:
    return tuple(Variation(**entry) for entry in _entries("variations.yaml"))


def variation_names() -> frozenset[str]:
    return frozenset(variation.name for variation in load_variations())


def check_names(kind: str, names: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a name not ``known``: a typo would otherwise build a faithful sandbox (or run none)."""
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(
            f"unknown {kind} {', '.join(map(repr, unknown))}; known {kind}s: {', '.join(sorted(known))}"
        )
