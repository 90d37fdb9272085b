"""``taskconform replay``: each recorded failure sequence of a report, sent again and judged again."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskconform.findings import Verification
from taskconform.replay import NotReplayable, RecordedSequence, recorded_sequences, replay
from taskconform.target import Target


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    report = metafunc.config.getoption("--conformance-replay")
    clauses = frozenset(metafunc.config.getoption("--conformance-clause") or ())
    sequences = recorded_sequences(Path(report), clauses) if report else []
    metafunc.parametrize(
        ("vendor_name", "sequence"),
        [
            pytest.param(
                sequence.vendor,
                sequence,
                id=f"{sequence.vendor}-{sequence.clause}-{number}",
                marks=[pytest.mark.vendor(sequence.vendor), pytest.mark.clause(sequence.clause)],
            )
            for number, sequence in enumerate(sequences, start=1)
        ],
    )


def test_a_recorded_failure_sequence_shows_its_violation_no_more(
    target: Target, verify: Verification, sequence: RecordedSequence
) -> None:
    vendor = target.vendor
    if sequence.clause not in vendor.answer_clauses | vendor.replay_clauses:
        pytest.skip(
            f"{sequence.clause} is judged by {sequence.check} alone, not from a sequence of requests: "
            f"`taskconform run --clause {sequence.clause}` judges it again"
        )
    judge = None if vendor.replay_judge is None else vendor.replay_judge(target, verify)
    try:
        replay(target, verify, sequence, judge)
    except NotReplayable as exc:
        pytest.skip(f"not replayable: {exc}")
    verify.settle()
