"""Near-miss requests: derived from the specs, the same every time, and the documented rejections
required only for the kinds of near-miss their documents reject."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskconform.drawn_cache import CACHE_VARIABLE, kept_derivation
from taskconform.fuzzing import FuzzKey
from taskconform.near_miss import _derived_near_misses, enum_variants, near_misses, rejection_probes
from taskconform.vendors import VENDORS


def _key(vendor: str, operation: str = "createTask") -> FuzzKey:
    return FuzzKey(VENDORS[vendor].spec_file, operation, "negative")


def _bodies(key: FuzzKey, field: str) -> list[object]:
    return [r.body.get(field, "<absent>") for r in near_misses(key) if isinstance(r.body, dict)]


def test_an_enum_value_misses_by_case_whitespace_affix_and_emptiness_never_by_itself() -> None:
    variants = enum_variants("FOLLOW_UP_CALL")
    assert "follow_up_call" in variants["case"] and "Follow_up_call" in variants["case"]
    assert " FOLLOW_UP_CALL " in variants["whitespace"]
    assert "FOLLOW_UP_CALLS" in variants["affix"]
    assert "" in variants["empty"]
    assert all("FOLLOW_UP_CALL" not in kind for kind in variants.values())


def test_near_misses_add_what_the_coverage_phase_lacks_to_its_cases() -> None:
    superfone = _bodies(_key("superfone"), "type")
    assert all(v in superfone for v in ("follow_up_call", " FOLLOW_UP_CALL ", "FOLLOW_UP_CALLS", ""))
    assert all(v in superfone for v in (None, 0, "<absent>")), "the coverage phase's wrong types, no type"
    assert all(v in _bodies(_key("leadlex"), "priority") for v in ("High", "HIGH", "high ", "highS"))
    map_ids = _bodies(_key("smartlead"), "email_lead_map_id")
    assert any(isinstance(v, str) and v.isdigit() for v in map_ids), "a number as a numeric string"
    assert any(isinstance(v, float) for v in map_ids), "an integer as a float"
    due_dates = _bodies(_key("superfone"), "due_date")
    assert all(v in due_dates for v in ("2030-05-20", "2028-02-29T12:00:00Z", "0001-01-01T00:00:00Z"))
    assert "2030-05-20T15:00:00.123456789Z" in _bodies(_key("smartlead"), "due_date")
    assert "   " in _bodies(_key("leadlex"), "title"), "a required text, blank"
    assert "   " not in _bodies(_key("leadlex"), "description"), "an optional text is no near-miss blank"


def test_near_misses_are_the_same_every_time_and_use_only_declared_methods() -> None:
    key = _key("superfone", "listTasks")
    assert repr(near_misses.__wrapped__(key)) == repr(near_misses.__wrapped__(key))
    assert {r.method.upper() for r in near_misses(key)} == {"GET"}
    assert {r.method.upper() for r in near_misses(_key("superfone", "completeTask"))} == {"POST"}


def test_a_documented_rejection_is_required_only_for_the_near_misses_its_document_rejects() -> None:
    superfone = {p.json_body["type"]: p for p in rejection_probes(VENDORS["superfone"])}
    assert {"follow_up_call", " FOLLOW_UP_CALL ", "FOLLOW_UP_CALLS"} <= set(superfone)
    assert "" not in superfone, "an empty type may read as a missing one: either documented answer"
    probe = superfone["follow_up_call"]
    assert probe.clause == "SF-CREATE-ERR-TYPE-UNKNOWN" and probe.writes_nothing
    assert probe.message_prefix == 'type "follow_up_call" is not available for creation. Allowed: '
    smartlead = {p.json_body["priority"] for p in rejection_probes(VENDORS["smartlead"])}
    assert {"HIGHS", " HIGH ", ""} <= smartlead
    assert not {"high", "High"} & smartlead, "another letter case is open (SL-OPEN-PRIORITY-CASE)"
    assert rejection_probes(VENDORS["leadlex"]) == (), "LeadLex names no rejection of such values"


def test_a_derivation_an_earlier_run_made_is_read_from_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    key = _key("smartlead")
    calls: list[FuzzKey] = []

    def derive() -> tuple[str, ...]:
        calls.append(key)
        return ("derived",)

    assert kept_derivation(key, "near-miss", derive) == ("derived",)
    assert kept_derivation(key, "near-miss", derive) == ("derived",)
    assert kept_derivation(_key("leadlex"), "near-miss", derive) == ("derived",)
    assert len(calls) == 2  # the second call for smartlead was read, leadlex is another spec
    requests = kept_derivation(key, "round-trip", lambda: _derived_near_misses(key))
    assert kept_derivation(key, "round-trip", derive) == requests  # read back whole, not derived again
    assert len(calls) == 2
