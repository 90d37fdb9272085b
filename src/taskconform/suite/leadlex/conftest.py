"""Every test here checks LeadLex: the ``target`` fixture is its configured target."""

from __future__ import annotations

import pytest


@pytest.fixture
def vendor_name() -> str:
    return "leadlex"
