"""Regression runs: a baseline of accepted failures, run-to-run diffs, and the CI recipe."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from taskconform.cli import _parser

from ..conftest import run_taskconform

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "github-actions.yml"
# What these tests show needs a run, not every clause: the two rules the faults below break.
TWO_RULES = ("--clause", "SF-LIST-ERR-PAGE-SIZE-MAX", "--clause", "SF-CREATE-ERR-TYPE-REQUIRED")


def _run(tmp_path: Path, *faults: str, update: bool = False):
    args = [
        "run",
        *TWO_RULES,
        "--baseline",
        str(tmp_path / "baseline.txt"),
        "--report-dir",
        str(tmp_path / "r"),
    ]
    args += [arg for fault in faults for arg in ("--fault", fault)]
    result = run_taskconform(*args, *(["--baseline-update"] if update else []))
    report = json.loads((tmp_path / "r" / "latest" / "report.json").read_text())
    (tmp_path / f"report-{len(list(tmp_path.glob('report-*.json')))}.json").write_text(json.dumps(report))
    return result, report


def _clauses(entries: list[list[str]]) -> set[str]:
    return {clause for _, clause, _ in entries}


def test_baseline_accepts_known_failures_and_fails_on_new_ones(tmp_path: Path) -> None:
    """The command line reaches the baseline and the diff; their rules are unit-tested
    (tests/unit/test_baseline_and_diff.py)."""
    recorded, report = _run(tmp_path, "list-page-size-21-accepted", update=True)
    assert recorded.code == 0 and report["summary"]["fail"] == 1, "recorded failures are accepted at once"
    baseline = (tmp_path / "baseline.txt").read_text()
    assert (
        "superfone SF-LIST-ERR-PAGE-SIZE-MAX test_documented_error_answer[superfone-LIST-page-size-21]"
        in baseline
    )

    second, report = _run(tmp_path, "list-page-size-21-accepted", "create-type-required-message")
    assert second.code == 1
    assert _clauses(report["baseline"]["known"]) == {"SF-LIST-ERR-PAGE-SIZE-MAX"}
    assert _clauses(report["baseline"]["new"]) == {"SF-CREATE-ERR-TYPE-REQUIRED"}
    assert "FAIL (known) SF-LIST-ERR-PAGE-SIZE-MAX" in second.output
    assert "NEW superfone SF-CREATE-ERR-TYPE-REQUIRED" in second.output

    fixed, report = _run(tmp_path, "create-type-required-message")
    assert _clauses(report["baseline"]["fixed"]) == {"SF-LIST-ERR-PAGE-SIZE-MAX"}
    assert "FIXED superfone SF-LIST-ERR-PAGE-SIZE-MAX" in fixed.output
    assert baseline == (tmp_path / "baseline.txt").read_text(), "a plain run never rewrites the baseline"

    diff = run_taskconform(
        "diff", str(tmp_path / "report-0.json"), str(tmp_path / "report-1.json"), "--out", str(tmp_path / "d")
    )
    changes = json.loads((tmp_path / "d" / "diff.json").read_text())
    assert [c["clause"] for c in changes["newly_failing"]] == ["SF-CREATE-ERR-TYPE-REQUIRED"]
    assert [c["clause"] for c in changes["still_failing"]] == ["SF-LIST-ERR-PAGE-SIZE-MAX"]
    assert "## Newly failing (1)" in diff.output
    page = (tmp_path / "d" / "diff.html").read_text(encoding="utf-8")
    assert "<h2>Newly failing (1)</h2>" in page and "<code>SF-CREATE-ERR-TYPE-REQUIRED</code>" in page


def test_the_html_report_links_to_the_previous_run(tmp_path: Path) -> None:
    for _ in range(2):
        assert run_taskconform("run", *TWO_RULES, "--report-dir", str(tmp_path)).code == 0
    runs = sorted(p.name for p in tmp_path.iterdir() if p.name != "latest")
    html = (tmp_path / runs[1] / "report.html").read_text()
    assert f'href="../{runs[0]}/report.html"' in html


def test_ci_recipe_gates_pull_requests_quick_and_runs_thorough_nightly(tmp_path: Path) -> None:
    workflow = yaml.safe_load(EXAMPLE.read_text())
    triggers = workflow[True]  # YAML reads the key `on` as a boolean
    assert "pull_request" in triggers and triggers["schedule"]
    job = workflow["jobs"]["conformance"]
    assert job["env"]["PROFILE"] == "${{ github.event_name == 'schedule' && 'thorough' || 'quick' }}"
    command = next(step["run"] for step in job["steps"] if "taskconform run" in step.get("run", ""))
    args = shlex.split(command.replace('"$PROFILE"', "quick").replace('"$GITHUB_STEP_SUMMARY"', "summary.md"))
    parsed = _parser().parse_args(args[1:])
    assert parsed.profile == "quick" and parsed.summary == Path("summary.md") and parsed.baseline
    uploads = next(
        step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")
    )
    assert "reports/latest/junit.xml" in uploads["with"]["path"] and "report.html" in uploads["with"]["path"]


def test_summary_markdown_is_written_for_the_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_taskconform(
        "run",
        "--fault",
        "list-page-size-21-accepted",
        *TWO_RULES,
        "--report-dir",
        str(tmp_path / "r"),
        "--summary",
        str(summary),
    )
    assert result.code == 1
    text = summary.read_text()
    assert text.startswith("## taskconform: violations (gate fail)")
    assert "| superfone |" in text and "`SF-LIST-ERR-PAGE-SIZE-MAX`" in text and "**new**" in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_html_shows_verdict_failing_clause_and_reproduction_in_a_browser(tmp_path: Path) -> None:
    assert (
        run_taskconform(
            "run", "--fault", "list-page-size-21-accepted", *TWO_RULES, "--report-dir", str(tmp_path)
        ).code
        == 1
    )
    page = (tmp_path / "latest" / "report.html").as_uri()
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", page], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "VIOLATIONS" in dom.upper() and "SF-LIST-ERR-PAGE-SIZE-MAX" in dom and "curl -sS -X GET" in dom
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [*flags, f"--screenshot={screenshot}", "--window-size=1280,1600", page],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.stat().st_size > 10_000
    print(f"screenshot: {screenshot}")
