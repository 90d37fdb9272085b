"""The clause catalogue and the suite stay in step, and every quote is the seed's own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from taskconform.catalogue import load_catalogue
from taskconform.resources import contract_path, seed_path
from taskconform.vendors import VENDORS

from ..conftest import SUITE_DIR

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _MarkerCollector:
    def __init__(self) -> None:
        self.clauses_by_test: dict[str, set[str]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            self.clauses_by_test[item.nodeid] = {c for m in item.iter_markers("clause") for c in m.args}


@pytest.fixture(scope="module")
def collected() -> dict[str, set[str]]:
    collector = _MarkerCollector()
    status = pytest.main(
        [
            str(SUITE_DIR),
            "--collect-only",
            "-q",
            "-c",
            str(SUITE_DIR / "pytest.ini"),
            "--rootdir",
            str(SUITE_DIR),
            "-p",
            "no:cacheprovider",
        ],
        plugins=[collector],
    )
    assert status == pytest.ExitCode.OK
    return collector.clauses_by_test


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_quote_is_verbatim_in_its_seed(vendor: str) -> None:
    catalogue = load_catalogue(vendor)
    for clause in (*catalogue.clauses, *catalogue.not_checkable):
        seed = _normalise(seed_path(clause.seed).read_text(encoding="utf-8"))
        for quote in clause.quote:
            assert _normalise(quote) in seed, f"{clause.id}: {quote!r} is not in {clause.seed}"


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_clause_ids_are_unique_names(vendor: str) -> None:
    raw = yaml.safe_load(contract_path(f"{vendor}.yaml").read_text(encoding="utf-8"))
    ids = [
        item["id"]
        for key in ("clauses", "not_checkable", "undocumented", "contradictions")
        for item in raw.get(key, [])
    ]
    assert len(ids) == len(set(ids))
    prefix = ids[0].split("-")[0]
    assert all(re.fullmatch(rf"{prefix}-[A-Z0-9]+(-[A-Z0-9]+)*", i) for i in ids), ids


def test_bundled_seeds_are_the_shared_documents() -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"no shared seeds at {SHARED_SEEDS} to compare with")
    for shared in SHARED_SEEDS.iterdir():
        assert seed_path(shared.name).read_bytes() == shared.read_bytes(), shared.name


def test_every_check_names_a_clause_that_exists(collected: dict[str, set[str]]) -> None:
    known = {clause for name in VENDORS for clause in load_catalogue(name).clause_ids}
    for test, clauses in collected.items():
        assert clauses, f"{test} names no clause"
        assert clauses <= known, f"{test} names unknown clauses {sorted(clauses - known)}"
    for vendor in VENDORS.values():
        for operation, mapping in vendor.response_clauses.items():
            assert set(mapping.values()) <= known, operation


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_clause_has_a_check(vendor: str, collected: dict[str, set[str]]) -> None:
    checked = set().union(*collected.values())
    missing = sorted(load_catalogue(vendor).clause_ids - checked)
    assert not missing, f"clauses without a check: {missing}"
