"""Every test here is about the Superfone target: the plugin's ``target`` fixture, named for reading."""

from __future__ import annotations

import pytest

from taskconform.target import Target


@pytest.fixture
def vendor_name() -> str:
    return "superfone"


@pytest.fixture
def superfone(target: Target) -> Target:
    return target
