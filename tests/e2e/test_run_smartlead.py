"""``taskconform run`` with SmartLead: a SmartLead-only configuration, and a query-string key that
never reaches any output.

The SmartLead key travels in the URL (``?api_key=``), so every printed or stored URL carries it: the
console, report.json, junit.xml, report.html, the curl reproductions. The key below holds characters
that URL-encoding, HTML and JSON each spell differently, and every output byte is searched for each
spelling, and for the key's distinctive core alone (a partial leak, e.g. a URL cut at ``&``).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

from taskconform.catalogue import load_catalogue
from taskconform.sandbox.smartlead import SANDBOX as SMARTLEAD_SANDBOX

from ..conftest import run_suite_as_plain_pytest, run_taskconform, start_sandbox

KEY_CORE = "Vx7Qp2"
SMARTLEAD_KEY = f"slk-{KEY_CORE} +/=&%-distinctive"
OTHER_ACCOUNT_KEY = "slk-other-account-5530"
# A fault the suite catches with requests that carry the valid key, so failures and reproductions
# are written with the key's URL in them.
FAULT = "sl-due-date-timezone-shift"


def _report(report_dir: Path) -> dict:
    return json.loads((report_dir / "latest" / "report.json").read_text(encoding="utf-8"))


def _spellings(key: str) -> set[str]:
    encoded = {key, quote(key), quote(key, safe=""), quote_plus(key), json.dumps(key)[1:-1], KEY_CORE}
    return {s.lower() for s in encoded | {html.escape(s) for s in encoded}}


def _assert_key_absent(outputs: dict[str, bytes]) -> int:
    searched = 0
    for where, blob in outputs.items():
        text = blob.decode("utf-8", errors="replace").lower()
        searched += len(blob)
        for spelling in _spellings(SMARTLEAD_KEY):
            assert spelling not in text, f"the SmartLead key ({spelling!r}) leaked into {where}"
    return searched


def _files(root: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_a_config_with_only_smartlead_runs_only_smartlead(tmp_path: Path) -> None:
    for target in start_sandbox(tmp_path):
        config = tmp_path / "smartlead-only.toml"
        config.write_text(SMARTLEAD_SANDBOX.target_section(target.base_url + "/smartlead") + "\n")
        env = {"SMARTLEAD_API_KEY": target.env["SMARTLEAD_API_KEY"]}
        result = run_taskconform("run", "--config", str(config), "--report-dir", str(tmp_path / "r"), env=env)
    assert result.code == 0, result.output
    report = _report(tmp_path / "r")
    assert [vendor["vendor"] for vendor in report["vendors"]] == ["smartlead"]
    assert report["verdict"] == "conforms"
    assert report["summary"]["not-run"] == 0
    assert report["summary"]["pass"] == len(load_catalogue("smartlead").clauses)
    assert "superfone" not in result.output


def test_the_smartlead_key_reaches_no_output_even_in_failures_and_reproductions(tmp_path: Path) -> None:
    keys = {"smartlead": (SMARTLEAD_KEY, OTHER_ACCOUNT_KEY)}
    for target in start_sandbox(tmp_path, frozenset({FAULT}), keys=keys):
        assert target.env["SMARTLEAD_API_KEY"] == SMARTLEAD_KEY
        via_runner = run_taskconform(
            "run",
            "--config",
            str(target.config),
            "--only",
            "smartlead",
            "--report-dir",
            str(tmp_path / "r1"),
            env=target.env,
        )
        plain = run_suite_as_plain_pytest(
            target.config,
            tmp_path / "r2",
            target.env,
            "-rA",
            "-vv",
            "--tb=long",
            "--conformance-vendor",
            "smartlead",
        )
    assert via_runner.code == 1, via_runner.output
    assert plain.code == 1
    report = _report(tmp_path / "r1")
    failures = [f for c in report["vendors"][0]["clauses"] for f in c["failures"]]
    assert {c["id"] for c in report["vendors"][0]["clauses"] if c["verdict"] == "fail"} == {
        "SL-CREATE-DUE-DATE-INSTANT"
    }
    # The failing requests did carry the key: the URL shows where it was masked.
    assert all("api_key=***" in f["exchanges"][0]["request"]["url"] for f in failures)
    outputs = {
        "runner output": via_runner.output.encode(),
        "plain pytest output": plain.output.encode(),
    }
    outputs |= _files(tmp_path / "r1") | _files(tmp_path / "r2")
    scripts = [blob for where, blob in outputs.items() if where.endswith(".sh")]
    assert scripts, "failures must have written reproductions"
    assert all(b"${SMARTLEAD_API_KEY}" in script for script in scripts)
    assert any(where.endswith("junit.xml") for where in outputs)
    assert any(where.endswith("report.html") for where in outputs)
    assert _assert_key_absent(outputs) > 100_000
