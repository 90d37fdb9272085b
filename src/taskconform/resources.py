"""Locate the specs, clause catalogues and seed documents that travel with the package.

A wheel carries them under ``taskconform/_data``; a source checkout (editable install, plain
``pytest`` in the repository) keeps them at the repository root. Both must work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["contract_path", "data_root", "load_yaml", "seed_path", "spec_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    bundled = _PACKAGE_DIR / "_data"
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "spec").is_dir() and (checkout / "contracts").is_dir():
        return checkout
    raise FileNotFoundError("taskconform's spec/ and contracts/ are missing from this installation")


def spec_path(file_name: str) -> Path:
    return data_root() / "spec" / file_name


def contract_path(file_name: str) -> Path:
    return data_root() / "contracts" / file_name


def seed_path(file_name: str) -> Path:
    return data_root() / "contracts" / "seeds" / file_name


def load_yaml(path: Path) -> Any:
    """Safe YAML, parsed by libyaml where PyYAML has it: ten times the speed of the Python parser."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
