"""A vendor's test that declares no clause is refused before the run: its failure would reach no
clause of the report, and the gate would pass over it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from taskconform.plugin import undeclared_tests


@dataclass
class FakeItem:
    nodeid: str
    markers: dict[str, Any] = field(default_factory=dict)

    def get_closest_marker(self, name: str) -> Any:
        return self.markers.get(name)


def test_only_a_vendors_test_without_a_clause_is_named() -> None:
    vendor, clause = pytest.mark.vendor("superfone").mark, pytest.mark.clause("SF-X").mark
    items = [
        FakeItem("declared", {"vendor": vendor, "clause": clause}),
        FakeItem("undeclared", {"vendor": vendor}),
        FakeItem("no-vendor"),  # not a vendor's test: no clause of a catalogue to declare
    ]
    assert undeclared_tests(cast(list[pytest.Item], items)) == ["undeclared"]
