"""Breaks the conformance suite's own run on purpose, so tests can prove the gate notices.

Loaded into the suite's pytest through ``PYTEST_ADDOPTS="-p tests.sabotage_plugin"`` (the runner
starts pytest in a child, which reads that variable); ``TASKCONFORM_SABOTAGE`` says what breaks,
always in Superfone, the vendor whose tests run between the other two's:

- ``crash``: every Superfone test raises IndexError after its body ran (a bug in the suite);
- ``exit``: the first Superfone test ends the whole pytest session (``pytest.exit``);
- ``config``: Superfone's target cannot be opened (a configuration the target turns out to refuse).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from taskconform.errors import ConfigError
from taskconform.session import RunState

_MODE = os.environ.get("TASKCONFORM_SABOTAGE", "")


def _is_superfone(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("vendor")
    return marker is not None and marker.args[0] == "superfone"


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    if _MODE == "exit" and _is_superfone(pyfuncitem):
        pytest.exit("sabotage: the session ends in the first Superfone test", returncode=4)
    result = yield
    if _MODE == "crash" and _is_superfone(pyfuncitem):
        raise IndexError("sabotage: tuple index out of range")
    return result


def pytest_configure(config: pytest.Config) -> None:
    if _MODE != "config":
        return
    opened = RunState._open

    def refuse_superfone(self: RunState, vendor_name: str):  # type: ignore[no-untyped-def]
        if vendor_name == "superfone":
            raise ConfigError("[superfone] sabotage: the target refuses this configuration")
        return opened(self, vendor_name)

    RunState._open = refuse_superfone  # type: ignore[method-assign]
