"""What judged a run: the documents by content, the suite, the generators and the seeds of every draw.

A report is evidence only if it can be tied to exactly what produced it. The specs and catalogues
are hashed as the run read them (``resources`` finds them in a wheel and a checkout alike, at the
same relative paths); every generated request is derandomised, so the seeds below, the profile's
budget and the generators' versions decide every request the run drew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__
from ..catalogue import SECURITY_FILE
from ..fuzzing import searches
from ..resources import contract_path, data_root, spec_path
from ..vendors import VENDORS
from .model import Provenance, SearchSeed, SourceFile, StatefulSeed
from .records import RunInfo, TestRecord

__all__ = ["provenance", "sha256_of"]

# The libraries that draw requests: their versions decide the draws as much as the seeds do.
_GENERATORS = ("hypothesis", "schemathesis")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(info: RunInfo, records: Sequence[TestRecord]) -> Provenance:
    vendors = [VENDORS[vendor.name] for vendor in info.vendors]
    paths = [spec_path(vendor.spec_file) for vendor in vendors]
    paths += [contract_path(f"{vendor.name}.yaml") for vendor in vendors]
    paths += [contract_path(SECURITY_FILE)] if vendors else []
    root = data_root()
    return Provenance(
        suite_version=__version__,
        profile=info.profile,
        files=tuple(SourceFile(path.relative_to(root).as_posix(), sha256_of(path)) for path in paths),
        generators={name: _version(name) for name in _GENERATORS},
        searches=tuple(
            SearchSeed(key.spec_file, key.operation_id, key.mode, key.seed)
            for key in searches(vendors, info.clauses)
        ),
        stateful=tuple(
            sorted(
                (StatefulSeed(record.name, record.seed) for record in records if record.seed is not None),
                key=lambda entry: (entry.test, entry.seed),
            )
        ),
    )


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"
