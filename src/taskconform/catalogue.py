"""Clause catalogues: what each vendor document promises, quoted, and what it leaves open.

A clause has a level: ``must`` (a field table, a sentence, an error row says it) or ``example`` (only a
documented example body shows it). Example-level deviations are warnings unless the run is strict
(``--strict-examples``). Beside each vendor's own clauses, every catalogue carries the generic
security checks of ``contracts/security.yaml``: no vendor document claims them, so they form their
own family, are checked on every answer of every vendor, and are reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from .resources import contract_path, load_yaml

__all__ = [
    "SECURITY_FILE",
    "Catalogue",
    "Clause",
    "Family",
    "Level",
    "OpenBehaviour",
    "load_catalogue",
    "load_security_clauses",
    "vendors_checking",
]

Level = Literal["must", "example"]
# document: a vendor document's claim; security: a generic check no document claims.
Family = Literal["document", "security"]
_LEVELS: tuple[Level, ...] = ("must", "example")
SECURITY_FILE = "security.yaml"


@dataclass(frozen=True)
class Clause:
    id: str
    seed: str
    section: str
    quote: tuple[str, ...]
    rule: str
    level: Level = "must"
    family: Family = "document"


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
    # The document's clauses, then the generic security checks (``family`` tells them apart).
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


def _level(raw: dict[str, Any]) -> Level:
    """A typo in a level must not quietly make a clause a warning (or a failure): refuse it."""
    level = raw.get("level", "must")
    if level not in _LEVELS:
        raise ValueError(f"{raw['id']}: level {level!r} is none of {', '.join(_LEVELS)}")
    return cast("Level", level)


def _clause(raw: dict[str, Any], seeds: dict[str, dict[str, str]], rule_key: str = "rule") -> Clause:
    seed = seeds[raw["seed"]]
    return Clause(
        id=raw["id"],
        seed=seed["file"],
        section=seed["title"],
        quote=tuple(raw["quote"]),
        rule=raw.get(rule_key, ""),
        level=_level(raw),
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
def load_security_clauses() -> tuple[Clause, ...]:
    """The generic security checks: their ``seed`` is the catalogue file itself and their ``quote`` the
    principle they state, since no vendor document is behind them."""
    raw = load_yaml(contract_path(SECURITY_FILE))
    return tuple(
        Clause(
            id=item["id"],
            seed=SECURITY_FILE,
            section=raw["title"],
            quote=tuple(item["principle"]),
            rule=item["rule"],
            family="security",
        )
        for item in raw["clauses"]
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
        clauses=(*(_clause(item, seeds) for item in raw["clauses"]), *load_security_clauses()),
        not_checkable=tuple(_clause(item, seeds, "why") for item in raw.get("not_checkable", [])),
        undocumented=tuple(_open(item, seeds) for item in raw.get("undocumented", [])),
        contradictions=tuple(_open(item, seeds) for item in raw.get("contradictions", [])),
    )


def vendors_checking(clause_ids: tuple[str, ...], vendors: tuple[str, ...]) -> tuple[str, ...]:
    """Of ``vendors``, those whose catalogue holds one of ``clause_ids`` (a run limited to some
    clauses tests only their vendors; a security check, every one); a clause none of them holds is
    refused, naming it."""
    owners: set[str] = set()
    for clause_id in clause_ids:
        owner = [vendor for vendor in vendors if clause_id in load_catalogue(vendor).clause_ids]
        if not owner:
            raise ValueError(
                f"--clause {clause_id}: no such clause in the catalogue of {', '.join(vendors)} "
                f"(clause ids are listed in contracts/<vendor>.yaml, contracts/{SECURITY_FILE} "
                "and in every report)"
            )
        owners.update(owner)
    return tuple(vendor for vendor in vendors if vendor in owners)
