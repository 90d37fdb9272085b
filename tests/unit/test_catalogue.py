"""The clause catalogue and the suite stay in step, and every quote is the seed's own words.

The generic security checks (contracts/security.yaml) quote no seed: they state their principle, every
vendor's catalogue carries them, and a check on every answer (``checks.SECURITY_CLAUSES``) stands
behind each.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from taskconform.catalogue import SECURITY_FILE, Clause, load_catalogue, load_security_clauses
from taskconform.checks import SECURITY_CLAUSES
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


def _documented(clauses: tuple[Clause, ...]) -> list[Clause]:
    return [clause for clause in clauses if clause.family == "document"]


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_quote_is_verbatim_in_its_seed(vendor: str) -> None:
    catalogue = load_catalogue(vendor)
    for clause in _documented((*catalogue.clauses, *catalogue.not_checkable)):
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
    """A document's clause is declared by a test; a security check runs on every answer instead."""
    checked = set().union(*collected.values(), SECURITY_CLAUSES.values())
    missing = sorted(load_catalogue(vendor).clause_ids - checked)
    assert not missing, f"clauses without a check: {missing}"


def test_example_level_clauses_quote_an_example_body() -> None:
    """An example-level clause cites literals of a documented example (JSON), nothing a sentence says."""
    for vendor in VENDORS:
        for clause in load_catalogue(vendor).clauses:
            if clause.level == "example":
                assert all('": ' in quote for quote in clause.quote), clause.id


def test_every_vendor_carries_every_security_check_and_each_has_its_check() -> None:
    security = load_security_clauses()
    assert security and {clause.family for clause in security} == {"security"}
    assert {clause.id for clause in security} == set(SECURITY_CLAUSES.values())
    for vendor in VENDORS:
        assert set(security) <= set(load_catalogue(vendor).clauses), vendor
    for clause in security:
        assert re.fullmatch(r"SEC-[A-Z0-9]+(-[A-Z0-9]+)*", clause.id)
        assert clause.seed == SECURITY_FILE and clause.quote and clause.rule and clause.level == "must"


def test_a_level_that_is_no_level_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskconform import catalogue

    raw = yaml.safe_load(contract_path("superfone.yaml").read_text(encoding="utf-8"))
    raw["vendor"] = "typo"
    raw["clauses"][0]["level"] = "exmaple"
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "typo.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    load_security_clauses()  # read (and cached) before the catalogue files are swapped for the typo
    monkeypatch.setattr(catalogue, "contract_path", lambda name: tmp_path / "contracts" / name)
    with pytest.raises(ValueError, match="level 'exmaple' is none of must, example"):
        catalogue.load_catalogue.__wrapped__("typo")
