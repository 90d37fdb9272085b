"""Clause catalogues: what each vendor document promises, quoted, and what it leaves open."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .resources import contract_path, load_yaml

__all__ = ["Catalogue", "Clause", "OpenBehaviour", "load_catalogue", "vendors_checking"]


@dataclass(frozen=True)
class Clause:
    id: str
    seed: str
    section: str
    quote: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class OpenBehaviour:
    """A behaviour the documents leave open (or contradict themselves on): listed, never asserted."""

    id: str
    seed: str
    behaviour: str
    why_open: str
    sandbox_choice: str


@dataclass(frozen=True)
class Catalogue:
    vendor: str
    title: str
    spec: str
    seeds: dict[str, dict[str, str]]  # key -> {file, title}
    clauses: tuple[Clause, ...]
    not_checkable: tuple[Clause, ...]
    undocumented: tuple[OpenBehaviour, ...]
    contradictions: tuple[OpenBehaviour, ...]

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    @property
    def clause_ids(self) -> frozenset[str]:
        return frozenset(clause.id for clause in self.clauses)


def _clause(raw: dict[str, Any], seeds: dict[str, dict[str, str]], rule_key: str = "rule") -> Clause:
    seed = seeds[raw["seed"]]
    return Clause(
        id=raw["id"],
        seed=seed["file"],
        section=seed["title"],
        quote=tuple(raw["quote"]),
        rule=raw.get(rule_key, ""),
    )


def _open(raw: dict[str, Any], seeds: dict[str, dict[str, str]]) -> OpenBehaviour:
    return OpenBehaviour(
        id=raw["id"],
        seed=seeds[raw["seed"]]["file"],
        behaviour=raw["behaviour"],
        why_open=raw["why_open"],
        sandbox_choice=raw.get("sandbox_choice", ""),
    )


@cache
def load_catalogue(vendor: str) -> Catalogue:
    raw = load_yaml(contract_path(f"{vendor}.yaml"))
    seeds: dict[str, dict[str, str]] = raw["seeds"]
    return Catalogue(
        vendor=raw["vendor"],
        title=raw["title"],
        spec=raw["spec"],
        seeds=seeds,
        clauses=tuple(_clause(item, seeds) for item in raw["clauses"]),
        not_checkable=tuple(_clause(item, seeds, "why") for item in raw.get("not_checkable", [])),
        undocumented=tuple(_open(item, seeds) for item in raw.get("undocumented", [])),
        contradictions=tuple(_open(item, seeds) for item in raw.get("contradictions", [])),
    )


def vendors_checking(clause_ids: tuple[str, ...], vendors: tuple[str, ...]) -> tuple[str, ...]:
    """Of ``vendors``, those whose catalogue holds one of ``clause_ids`` (a run limited to some
    clauses tests only their vendors); a clause none of them holds is refused, naming it."""
    owners: set[str] = set()
    for clause_id in clause_ids:
        owner = [vendor for vendor in vendors if clause_id in load_catalogue(vendor).clause_ids]
        if not owner:
            raise ValueError(
                f"--clause {clause_id}: no such clause in the catalogue of {', '.join(vendors)} "
                "(clause ids are listed in contracts/<vendor>.yaml and in every report)"
            )
        owners.update(owner)
    return tuple(vendor for vendor in vendors if vendor in owners)
