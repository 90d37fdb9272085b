"""Every test here is about the SmartLead target: the plugin's ``target`` fixture, named for reading."""

from __future__ import annotations

import pytest

from taskconform.target import Target


@pytest.fixture
def vendor_name() -> str:
    return "smartlead"


@pytest.fixture
def smartlead(target: Target) -> Target:
    return target
