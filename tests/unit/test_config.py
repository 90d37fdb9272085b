"""Bad configuration is refused with one line naming the problem and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskconform.config import load_config, parse_config
from taskconform.errors import ConfigError
from taskconform.vendors import vendor_sections

GOOD = """
[superfone]
base_url = "https://staging.example.com/superfone"
api_key_env = "SF_API_KEY"
lead_ids = [1001, 1002]
foreign_lead_ids = [2001]
"""
ENV = {"SF_API_KEY": "k-123"}


def _load(tmp_path: Path, text: str, env: dict[str, str] | None = None):
    path = tmp_path / "target.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, vendor_sections(), ENV if env is None else env)


def test_a_good_config_is_parsed_and_keeps_the_key_out_of_its_redacted_form(tmp_path: Path) -> None:
    config = _load(tmp_path, GOOD)
    target = config.vendors["superfone"]
    assert target.base_url == "https://staging.example.com/superfone"
    assert target.options["lead_ids"] == (1001, 1002)
    # An optional key left out stays unset: the suite, not the parser, picks the default and knows
    # the user did not vouch for it.
    assert target.options["missing_lead_ids"] is None
    assert target.secret("api_key_env") == "k-123"
    assert "k-123" not in repr(target) and "k-123" not in str(target.redacted())
    assert config.secret_values() == {"k-123": "SF_API_KEY"}


BAD = [
    ("unknown key", GOOD.replace("lead_ids = [1001, 1002]", "lead_idz = [1001]"), "unknown key 'lead_idz'"),
    ("unknown section", GOOD + "\n[superphone]\n", "unknown section [superphone]"),
    ("empty lead list", GOOD.replace("[1001, 1002]", "[]"), "non-empty list of numeric ids"),
    ("non-numeric lead", GOOD.replace("[1001, 1002]", '["1001"]'), "not a whole number"),
    ("boolean lead", GOOD.replace("[1001, 1002]", "[true]"), "not a whole number"),
    ("lead twice", GOOD.replace("[1001, 1002]", "[1001, 1001]"), "lists an id twice"),
    ("ours and foreign", GOOD.replace("[2001]", "[1002]"), "in both lead_ids and foreign_lead_ids"),
    ("not http", GOOD.replace("https://staging.example.com/superfone", "ftp://x"), "is not an http(s) URL"),
    ("no host", GOOD.replace("https://staging.example.com/superfone", "https://"), "is not an http(s) URL"),
    ("bad env name", GOOD.replace('"SF_API_KEY"', '"not a name"'), "must name an environment variable"),
    (
        "missing base_url",
        GOOD.replace('base_url = "https://staging.example.com/superfone"', ""),
        "missing the required key 'base_url'",
    ),
    ("no vendor", "[run]\nclock_tolerance_s = 3\n", "configures no vendor"),
    ("bad tolerance", GOOD + "\n[run]\nclock_tolerance_s = -1\n", "must be a positive number"),
    ("race of one", GOOD + "\n[run]\nrace_concurrency = 1\n", "a race needs two requests in flight"),
]


@pytest.mark.parametrize(("text", "message"), [pytest.param(t, m, id=i) for i, t, m in BAD])
def test_bad_config_is_refused_with_a_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("env", "state"), [({}, "is not set"), ({"SF_API_KEY": "  "}, "is empty")])
def test_a_missing_or_empty_key_variable_is_refused(tmp_path: Path, env: dict[str, str], state: str) -> None:
    with pytest.raises(ConfigError, match=rf"\$SF_API_KEY, which {state}; export SF_API_KEY"):
        _load(tmp_path, GOOD, env)


def test_missing_file_and_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", vendor_sections())
    with pytest.raises(ConfigError, match="is not valid TOML"):
        _load(tmp_path, "[superfone\n")


def test_parse_config_takes_a_document() -> None:
    config = parse_config(
        {"superfone": {"base_url": "http://127.0.0.1:1", "api_key_env": "K", "lead_ids": [1]}},
        vendor_sections(),
        environ={"K": "v"},
    )
    assert config.vendors["superfone"].options["foreign_lead_ids"] == ()
