"""How a vendor's named faults and variations are declared and built into its sandbox.

A vendor's reference classes (its store and its HTTP layer) know nothing of faults. Each fault or
variation is a small subclass of one of them overriding the one method (or value) its rule lives in,
registered under its catalogue name in the vendor's ``faults.py``, beside the override. Building a
sandbox composes the overrides of the chosen names into one subclass of each reference class, so
several names stack: an override calls ``super()`` for the cases it leaves alone. Two deviations of
the same rule are not meant to be combined; if they are, the one whose name sorts first sees the call
first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar, cast

__all__ = ["Deviations"]

_Class = TypeVar("_Class", bound=type)
_Base = TypeVar("_Base")


class Deviations:
    """One vendor's faults and variations: name -> the overriding subclasses of ``bases`` it adds."""

    def __init__(self, *bases: type) -> None:
        self._bases = bases
        self._faults: dict[str, list[type]] = {}
        self._variations: dict[str, list[type]] = {}

    def fault(self, name: str) -> Callable[[_Class], _Class]:
        """Register the decorated override as (part of) the fault ``name`` (contracts/faults.yaml)."""
        return self._register(self._faults, name)

    def variation(self, name: str) -> Callable[[_Class], _Class]:
        """Register the decorated override as (part of) the variation ``name`` (contracts/variations.yaml)."""
        return self._register(self._variations, name)

    @property
    def fault_names(self) -> frozenset[str]:
        return frozenset(self._faults)

    @property
    def variation_names(self) -> frozenset[str]:
        return frozenset(self._variations)

    def build(self, base: type[_Base], names: Iterable[str]) -> type[_Base]:
        """``base`` with the overrides of every name here among ``names`` (the others are another
        vendor's), or ``base`` itself if none applies to it."""
        overrides = {**self._faults, **self._variations}
        mixins = [
            override
            for name in sorted(set(names) & set(overrides))
            for override in overrides[name]
            if issubclass(override, base)
        ]
        if not mixins:
            return base
        return cast("type[_Base]", type(base.__name__, tuple(mixins), {"__module__": base.__module__}))

    def _register(self, table: dict[str, list[type]], name: str) -> Callable[[_Class], _Class]:
        def register(override: _Class) -> _Class:
            if not issubclass(override, self._bases):
                raise TypeError(f"{name}: {override.__name__} overrides none of {self._bases}")
            other = self._variations if table is self._faults else self._faults
            if name in other:
                raise ValueError(f"{name} is registered both as a fault and as a variation")
            table.setdefault(name, []).append(override)
            return override

        return register
