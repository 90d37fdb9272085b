"""Searches drawn in an earlier run, kept on disk: a repeat run reads them instead of drawing again.

A search draws the same requests whatever the target answers: its seed, the profile, the spec and
the code that draws decide them. So a finished search is kept under a name that hashes exactly
those — the spec's bytes, the profile, the installed Hypothesis and Schemathesis, and every source
file of taskconform — and any change to one of them is a miss, never a stale hit. Entries are
written whole (to a temporary name, then renamed), so a reader sees a finished search or none.
What is derived from a spec alone (an operation's near-misses) is kept the same way.

The cache lives in ``$TASKCONFORM_CACHE_DIR`` or the user's cache directory, beside Hypothesis'
files; deleting it costs one run's drawing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar, cast

from .fuzzing import FuzzKey
from .profiles import Profile
from .resources import spec_path

__all__ = ["CACHE_VARIABLE", "DrawnCache", "cache_home", "kept_derivation", "write_whole"]

T = TypeVar("T")

CACHE_VARIABLE = "TASKCONFORM_CACHE_DIR"
_PACKAGE_DIR = Path(__file__).resolve().parent


def cache_home() -> Path:
    """Where taskconform keeps what it may recompute: never the user's working directory."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "taskconform"


@cache
def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for library in ("hypothesis", "schemathesis"):
        digest.update(f"{library} {version(library)}\n".encode())
    for source in sorted(_PACKAGE_DIR.rglob("*.py")):
        digest.update(source.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\n" + source.read_bytes())
    return digest.hexdigest()


def _digest(key: FuzzKey, *parts: str) -> str:
    """What decides anything derived from ``key``'s spec: taskconform's code, the libraries, the spec."""
    digest = hashlib.sha256()
    for part in (_code_fingerprint(), *parts, repr(key)):
        digest.update(part.encode() + b"\n")
    digest.update(spec_path(key.spec_file).read_bytes())
    return digest.hexdigest()[:32]


def write_whole(entry: Path, content: bytes) -> None:
    """To a temporary name, then renamed; a cache that cannot be written only costs the next run time."""
    temporary = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(content)
        os.replace(temporary, entry)
    except OSError:
        temporary.unlink(missing_ok=True)


def kept_derivation(key: FuzzKey, kind: str, derive: Callable[[], T]) -> T:
    """``derive()``, read from the cache when an earlier run derived it from the same spec and code
    (the near-misses of an operation: the coverage phase costs a second a run)."""
    entry = cache_home() / kind / f"{key.operation_id}-{_digest(key, kind)}.pickle"
    try:
        return cast(T, pickle.loads(entry.read_bytes()))
    except (OSError, pickle.UnpicklingError, EOFError):
        derived = derive()
        write_whole(entry, pickle.dumps(derived))
        return derived


class DrawnCache:
    def __init__(self, directory: Path, profile: Profile) -> None:
        self.directory = directory / "drawn"
        self._profile = repr(replace(profile, shrink=False))

    def entry(self, key: FuzzKey) -> Path:
        return self.directory / f"{key.operation_id}-{key.mode}-{_digest(key, self._profile)}.stream"

    def fetch(self, key: FuzzKey, stream: Path) -> bool:
        """Copies the search into ``stream`` if an earlier run finished it."""
        try:
            shutil.copyfile(self.entry(key), stream)
        except OSError:
            return False
        return True

    def keep(self, key: FuzzKey, finished: bytes) -> None:
        """Keeps a finished search (its whole stream)."""
        write_whole(self.entry(key), finished)
