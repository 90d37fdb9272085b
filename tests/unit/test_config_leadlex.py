"""The [leadlex] section: UUID lists, contact names and two key roles, refused with one clear line."""

from __future__ import annotations

import pytest

from taskconform.config import parse_config
from taskconform.errors import ConfigError
from taskconform.redaction import Redactor
from taskconform.vendors import vendor_sections

A1, A2 = "a1c00000-0000-4000-8000-000000000001", "A1C00000-0000-4000-8000-000000000002"
B1 = "b2c00000-0000-4000-8000-000000000001"
HANS = ["a1c00000-0000-4000-8000-000000000008", "a1c00000-0000-4000-8000-000000000009"]
ENV = {"LEADLEX_API_KEY": "wbk_full_0001", "LEADLEX_READONLY_API_KEY": "wbk_read_0002"}


def section(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "base_url": "https://staging.example.com/leadlex",
        "api_key_env": "LEADLEX_API_KEY",
        "readonly_api_key_env": "LEADLEX_READONLY_API_KEY",
        "contact_ids": [A1, A2],
        "deal_ids": ["a1d00000-0000-4000-8000-000000000001"],
        "event_ids": ["a1e00000-0000-4000-8000-000000000001"],
        "foreign_contact_ids": [B1],
        "unique_contact_name": "Grete Schmidt",
        "unique_contact_id": "a1c00000-0000-4000-8000-000000000007",
        "ambiguous_contact_name": "Hans Müller",
        "ambiguous_contact_ids": HANS,
        "unique_company_name": "Acme Logistics",
    }
    raw.update(changes)
    return {key: value for key, value in raw.items() if value is not None}


def parse(raw: dict[str, object], env: dict[str, str] = ENV):
    return parse_config({"leadlex": raw}, vendor_sections(), environ=env)


def test_a_good_section_is_parsed_with_both_keys_secret() -> None:
    config = parse(section())
    target = config.vendors["leadlex"]
    assert target.options["contact_ids"] == (A1, A2.lower())  # UUIDs compare case-insensitively
    assert target.options["ambiguous_contact_ids"] == tuple(HANS)
    assert target.secret("api_key_env") == "wbk_full_0001"
    assert target.secret("readonly_api_key_env") == "wbk_read_0002"
    assert config.secret_values() == {
        "wbk_full_0001": "LEADLEX_API_KEY",
        "wbk_read_0002": "LEADLEX_READONLY_API_KEY",
    }
    redacted = str(target.redacted()) + repr(target)
    assert "wbk_full_0001" not in redacted and "wbk_read_0002" not in redacted
    assert Redactor(config.secret_values()).redact("Bearer wbk_read_0002") == "Bearer ***"


BAD = [
    ("contact not a uuid", section(contact_ids=[A1, "789e0123"]), "holds '789e0123', which is not a UUID"),
    ("contact a number", section(contact_ids=[1001]), "holds 1001, which is not a UUID"),
    ("no contacts", section(contact_ids=[]), "must be a non-empty list of UUIDs"),
    ("contact twice", section(contact_ids=[A1, A1.upper()]), "lists an id twice"),
    ("unique id", section(unique_contact_id="grete"), "unique_contact_id = 'grete' is not a UUID"),
    ("blank name", section(unique_contact_name="  "), "unique_contact_name must be a non-empty string"),
    ("blank company", section(unique_company_name=""), "unique_company_name must be a non-empty string"),
    ("one candidate", section(ambiguous_contact_ids=HANS[:1]), "must list at least two contacts"),
    (
        "ours and foreign",
        section(foreign_contact_ids=[A1.upper()]),
        "in both contact_ids and foreign_contact_ids",
    ),
    (
        "candidate foreign",
        section(foreign_contact_ids=[HANS[0]]),
        "in both ambiguous_contact_ids and foreign",
    ),
    (
        "no contacts",
        section(contact_ids=None),
        "missing the required key 'contact_ids'",
    ),
    (
        "one variable for both",
        section(readonly_api_key_env="LEADLEX_API_KEY"),
        "api_key_env and readonly_api_key_env name the same key",
    ),
]


@pytest.mark.parametrize(("raw", "message"), [pytest.param(r, m, id=i) for i, r, m in BAD])
def test_a_bad_section_is_refused_with_one_clear_line(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(raw)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_two_variables_holding_the_same_key_are_refused() -> None:
    with pytest.raises(ConfigError, match="name the same key; each key role needs a key of its own"):
        parse(section(), {"LEADLEX_API_KEY": "k", "LEADLEX_READONLY_API_KEY": "k"})


def test_an_unset_read_only_key_variable_is_refused() -> None:
    with pytest.raises(
        ConfigError, match=r"readonly_api_key_env names \$LEADLEX_READONLY_API_KEY, which is not set"
    ):
        parse(section(), {"LEADLEX_API_KEY": "k"})
