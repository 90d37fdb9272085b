"""Installs the loopback guard (``tests/loopback_guard.py``) in every Python process the test session
starts: the session puts this folder first on ``PYTHONPATH`` and names the violation log.

Python reports an exception raised here as a warning and carries on unguarded, so a guard that
cannot be installed ends the process instead. This module shadows any other ``sitecustomize``; the
project's environments have none.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

GUARD_MODULE = "taskconform_loopback_guard"


def _install_guard() -> None:
    path = Path(__file__).resolve().parent.parent / "loopback_guard.py"
    spec = importlib.util.spec_from_file_location(GUARD_MODULE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module at {path}")
    guard = importlib.util.module_from_spec(spec)
    sys.modules[GUARD_MODULE] = guard  # lets a child check that it is guarded
    spec.loader.exec_module(guard)
    guard.install(Path(os.environ[guard.LOG_ENV]))


try:
    _install_guard()
except BaseException as exc:
    sys.stderr.write(f"taskconform tests: cannot install the loopback guard in this process: {exc!r}\n")
    os._exit(70)
