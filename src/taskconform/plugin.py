"""The pytest plugin that turns the conformance suite into per-clause verdicts and reports.

It is inert unless ``--target-config`` is given, so installing taskconform never changes other
pytest runs. Each test declares the clauses it checks (``@pytest.mark.clause``); at run time it
records which clauses it actually exercised and which it found broken. Workers send that record to
the controller in ``user_properties`` (the one channel pytest-xdist serialises), and the controller
writes the reports once, at the end.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import HypothesisException

from .catalogue import load_catalogue, vendors_checking
from .config import load_config
from .drawn_cache import DrawnCache, cache_home
from .errors import ConfigError, InfrastructureError, NotRun
from .exchange import Exchange
from .findings import ContractViolation, Verification
from .fuzzing import searches
from .lanes import Lanes, LaneTest, lane_count
from .prefetch import RequestDrawer, can_draw_ahead
from .profiles import PROFILES
from .reports.records import RunInfo, TestRecord, VendorInfo
from .reports.writer import RunCollector, new_run_id
from .run_options import add_to_pytest
from .session import RunState
from .target import Target, WorkerSlot
from .vendors import VENDORS, vendor_sections

__all__ = ["RUN_STATE", "undeclared_tests"]

RUN_STATE = pytest.StashKey[RunState]()
_RECORD_KEY = "taskconform"
# Tests collected per vendor in the process that sends it: the controller tells a vendor that ran to
# the end from one that stopped early by comparing it with the records it received.
_COLLECTED_KEY = "taskconform-collected"
_COLLECTED = pytest.StashKey[dict[str, int]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("taskconform", "API conformance (taskconform)")
    group.addoption("--target-config", metavar="FILE", help="TOML target configuration; enables the suite")
    add_to_pytest(group)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(*ids): the catalogue clauses a test checks")
    config.addinivalue_line("markers", "vendor(name): the vendor a test belongs to")
    config.addinivalue_line("markers", "hypothesis_seed(n): the seed a test's Hypothesis search runs under")
    config.addinivalue_line("markers", "lane_weight(n): how long a test runs, in short tests (``lanes``)")
    # pytest-xdist's own mark, registered here for runs without xdist.
    config.addinivalue_line("markers", "xdist_group(name): tests one process runs together")
    path = config.getoption("--target-config")
    if not path:
        return
    _keep_hypothesis_files_out_of_the_working_directory()
    try:
        target_config = load_config(Path(path), vendor_sections())
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    requested = tuple(config.getoption("--conformance-vendor")) or tuple(target_config.vendors)
    unknown = [name for name in requested if name not in target_config.vendors]
    if unknown:
        raise pytest.UsageError(f"vendor {unknown[0]!r} is not configured in {path}")
    clauses = tuple(config.getoption("--conformance-clause"))
    if clauses:
        try:
            requested = vendors_checking(clauses, requested)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
    profile = PROFILES[config.getoption("--conformance-profile")]
    if config.getoption("--conformance-no-shrink"):
        profile = replace(profile, shrink=False)
    profile.limit_shrinking()
    concurrency = int(config.getoption("--conformance-concurrency"))
    state = RunState(
        target_config,
        profile,
        requested,
        frozenset(clauses),
        _worker_slot(config),
        concurrency=concurrency,
        security_checks=not config.getoption("--conformance-no-security-checks"),
        whole_groups=not hasattr(config, "workerinput") or config.getoption("dist", None) == "loadgroup",
    )
    config.stash[RUN_STATE] = state
    if not hasattr(config, "workerinput") and not config.option.collectonly:
        run_id = config.getoption("--conformance-run-id") or new_run_id()
        targets = target_config.vendors
        info = RunInfo(
            run_id,
            profile.name,
            tuple(VendorInfo(name, targets[name].base_url, targets[name].redacted()) for name in requested),
            state.redactor.redact,
            clauses,
            strict_examples=config.getoption("--conformance-strict-examples"),
            security_checks=not config.getoption("--conformance-no-security-checks"),
            concurrency=concurrency,
        )
        collector = RunCollector(info, Path(config.getoption("--conformance-report-dir")))
        cleanup = config.getoption("--conformance-cleanup")
        enabled = cleanup == "on" or (cleanup == "auto" and not state.all_loopback())
        baseline = config.getoption("--conformance-baseline")
        collector.baseline_path = Path(baseline) if baseline else None
        collector.update_baseline = config.getoption("--conformance-baseline-update")
        collector.require_all_clauses = config.getoption("--conformance-require-all-clauses")
        if collector.update_baseline and baseline is None:
            raise pytest.UsageError("--conformance-baseline-update needs --conformance-baseline FILE")
        if collector.require_all_clauses and clauses:
            raise pytest.UsageError(
                "--conformance-require-all-clauses certifies every clause; "
                "--conformance-clause limits the run to some"
            )
        if collector.require_all_clauses and not info.security_checks:
            raise pytest.UsageError(
                "--conformance-require-all-clauses certifies every clause; "
                "--conformance-no-security-checks leaves the security checks out"
            )
        config.pluginmanager.register(_ReportingPlugin(collector, state, enabled), "taskconform-reporting")
    if _xdist_controller(config):
        _drawer(config, tests_here=False)
    elif not hasattr(config, "workerinput") and not config.option.collectonly:
        config.pluginmanager.register(_LanesPlugin(state), "taskconform-lanes")


def _worker_slot(config: pytest.Config) -> WorkerSlot:
    """This process's place among the run's pytest-xdist workers (``gw3`` of 4 is index 3), from its
    own xdist configuration: a run started from inside another xdist session inherits that session's
    ``PYTEST_XDIST_WORKER`` variables, which say nothing about this run."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        return WorkerSlot()
    return WorkerSlot(int(str(workerinput["workerid"]).removeprefix("gw")), int(workerinput["workercount"]))


def _keep_hypothesis_files_out_of_the_working_directory() -> None:
    """Hypothesis caches (unicode tables, constants) go to the user's cache, not into their project."""
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        set_hypothesis_home_dir(cache_home() / "hypothesis")


def _state(config: pytest.Config) -> RunState:
    if RUN_STATE not in config.stash:
        raise pytest.UsageError("the conformance suite needs --target-config FILE")
    return config.stash[RUN_STATE]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The replay's test module runs only in a replay (it has nothing to send otherwise)."""
    if collection_path.name == "test_replay.py" and not config.getoption("--conformance-replay", None):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if RUN_STATE not in config.stash:
        return
    if undeclared := undeclared_tests(items):
        raise pytest.UsageError(
            f"these tests declare no clause (@pytest.mark.clause): {', '.join(undeclared)}"
        )
    state = config.stash[RUN_STATE]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        vendor = item.get_closest_marker("vendor")
        wanted = vendor is None or vendor.args[0] in state.selected
        if wanted and state.clauses:
            wanted = _checks_selected_clause(item, state.clauses)
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def undeclared_tests(items: Sequence[pytest.Item]) -> list[str]:
    """A vendor's tests that declare no clause: the report is made of clauses, so such a test would
    fail unseen and the gate pass."""
    return [i.nodeid for i in items if i.get_closest_marker("vendor") and not i.get_closest_marker("clause")]


def _checks_selected_clause(item: pytest.Item, selected: frozenset[str]) -> bool:
    """A test checks the clauses it declares, and those its vendor checks on every answer."""
    declared = item.get_closest_marker("clause")
    vendor = item.get_closest_marker("vendor")
    if declared is None or vendor is None:
        return False
    return not selected.isdisjoint({*declared.args, *VENDORS[vendor.args[0]].answer_clauses})


def pytest_collection_finish(session: pytest.Session) -> None:
    """A single-process run draws ahead once its tests are collected: from then on it mostly waits."""
    config = session.config
    if RUN_STATE in config.stash:
        collected: dict[str, int] = {}
        state = config.stash[RUN_STATE]
        for item in session.items:
            marker = item.get_closest_marker("vendor")
            if marker is not None and item.get_closest_marker("clause") is not None:
                collected[marker.args[0]] = collected.get(marker.args[0], 0) + 1
            if isinstance(item, pytest.Function):
                state.collected.setdefault(item.function, []).append(_params(item))
        config.stash[_COLLECTED] = collected
    if not hasattr(config, "workerinput") and not _xdist_controller(config):
        drawer = _drawer(config, tests_here=True)
        if drawer is not None:
            drawer.go()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """An xdist run draws ahead once a worker has collected: before, it would slow their start."""
    state = node.config.stash.get(RUN_STATE, None)
    if state is not None and state.drawer is not None:
        state.drawer.go()


def _xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def _drawer(config: pytest.Config, *, tests_here: bool) -> RequestDrawer | None:
    """The run's drawer, forked while this process has no thread but its own."""
    state = config.stash.get(RUN_STATE, None)
    if state is None or config.option.collectonly or not can_draw_ahead():
        return None
    keys = searches((VENDORS[name] for name in state.selected), state.clauses)
    cache = DrawnCache(cache_home(), state.profile)
    state.drawer = RequestDrawer(state.profile, keys, preload=tests_here, cache=cache)
    return state.drawer


@pytest.fixture(scope="session")
def run_state(request: pytest.FixtureRequest) -> RunState:
    return _state(request.config)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Clients close last: the controller still needs them for --cleanup when the session ends."""
    state = config.stash.get(RUN_STATE, None)
    if state is not None:
        state.close()


_VERIFY = pytest.StashKey[Verification]()


def _warn_only(config: pytest.Config, state: RunState) -> frozenset[str]:
    """The clauses whose findings only warn: the example-level ones, unless the run is strict."""
    if config.getoption("--conformance-strict-examples"):
        return frozenset()
    clauses = (clause for name in state.selected for clause in load_catalogue(name).clauses)
    return frozenset(clause.id for clause in clauses if clause.level == "example")


def _journal(run_state: RunState) -> list[Exchange]:
    """What the current test sent, to every vendor it talks to (each journal starts with the test)."""
    return [exchange for _, target in run_state.open_targets() for exchange in target.client.journal]


@cache
def _clauses_of(vendors: tuple[str, ...], kind: str) -> frozenset[str]:
    """A kind of clause set (``Vendor.replay_clauses``, ``.answer_clauses``) over the run's vendors,
    worked out once, not for every test."""
    return frozenset().union(*(getattr(VENDORS[name], kind) for name in vendors))


def _history(run_state: RunState, evidence: Sequence[Exchange]) -> list[Exchange]:
    """What earlier tests wrote, and the target accepted, to the records ``evidence`` touched."""
    return [write for _, target in run_state.open_targets() for write in target.earlier_writes(evidence)]


def _verification(run_state: RunState, config: pytest.Config) -> Verification:
    return Verification(
        run_state.redactor,
        _warn_only(config, run_state),
        journal=lambda: _journal(run_state),
        history=lambda evidence: _history(run_state, evidence),
        history_clauses=_clauses_of(run_state.selected, "replay_clauses"),
        answer_clauses=_clauses_of(run_state.selected, "answer_clauses"),
    )


@pytest.fixture
def verify(run_state: RunState, request: pytest.FixtureRequest) -> Verification:
    for _, target in run_state.open_targets():
        target.start_test()
    verification = _verification(run_state, request.config)
    request.node.stash[_VERIFY] = verification
    return verification


def _target(run_state: RunState, name: str) -> Target:
    """A vendor whose configuration turned out unusable stops; the other vendors go on."""
    if name in run_state.stopped:
        pytest.skip(f"vendor stopped: {run_state.stopped[name]}")
    try:
        return run_state.target(name)
    except ConfigError as exc:
        run_state.stopped[name] = f"configuration error: {exc}"
        raise


@pytest.fixture
def target(run_state: RunState, vendor_name: str) -> Target:
    return _target(run_state, vendor_name)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """Findings recorded but not raised by the test body still fail it: no check can be forgotten, not
    even by a test that then could not go on (``NotRun``)."""
    verification = pyfuncitem.stash.get(_VERIFY, None)
    try:
        result = yield
    except NotRun as exc:
        if verification is not None:
            verification.settle()
        pytest.skip(str(exc))
    if verification is not None:
        verification.settle()
    return result


def _params(item: pytest.Function) -> dict[str, Any]:
    return dict(item.callspec.params) if hasattr(item, "callspec") else {}


class _LanesPlugin:
    """A single process runs its tests in lanes side by side (``lanes``) where it may: more than one
    request in flight, every vendor open with enough records for two lanes, and every test's arguments
    known without pytest's fixture setup. Otherwise one at a time, in turn."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        self.state.lanes = _lanes(session, self.state)
        if self.state.lanes is not None:
            self.state.lanes.start()

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        lanes = self.state.lanes
        if lanes is None or pyfuncitem.nodeid not in lanes:
            return None
        lanes.take_over(pyfuncitem.nodeid, pyfuncitem.stash.get(_VERIFY, None))
        return True


def _lanes(session: pytest.Session, state: RunState) -> Lanes | None:
    if state.concurrency == 1 or not session.items:
        return None
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        return None  # pytest runs nothing: a collection error
    targets: dict[str, Target] = {}
    for name in state.selected:
        try:
            targets[name] = state.target(name)
        except (ConfigError, InfrastructureError):
            return None  # its first test meets that again, in turn, and reports it
    count = lane_count(state.concurrency, targets.values())
    if count == 1:
        return None
    tests = [_lane_test(item, state, targets) for item in session.items]
    if None in tests:
        return None  # every test runs in a lane, or none does

    def stopping() -> bool:
        return bool(session.shouldstop or session.shouldfail)

    def new_verification() -> Verification:
        return _verification(state, session.config)

    return Lanes(count, [test for test in tests if test is not None], new_verification, stopping)


# Markers pytest acts on when it sets a test up: such a test runs in turn.
_SETUP_MARKERS = ("skip", "skipif", "xfail", "usefixtures")


def _lane_test(item: pytest.Item, state: RunState, targets: Mapping[str, Target]) -> LaneTest | None:
    """The test as its lane runs it, or None if its arguments need pytest's fixture setup: besides its
    parameters, only ``verify``, ``run_state``, and its vendor's target (``target``, or named after the
    vendor) are known here."""
    vendor = item.get_closest_marker("vendor")
    if not isinstance(item, pytest.Function) or vendor is None or vendor.args[0] not in targets:
        return None
    if any(item.get_closest_marker(name) for name in _SETUP_MARKERS):
        return None
    target = targets[vendor.args[0]]
    known: dict[str, Any] = {**_params(item), "run_state": state, "target": target, vendor.args[0]: target}
    names = list(inspect.signature(item.obj).parameters)
    if any(name not in known and name != "verify" for name in names):
        return None
    arguments = {name: known[name] for name in names if name != "verify"}
    group = item.get_closest_marker("xdist_group")
    weight = item.get_closest_marker("lane_weight")
    return LaneTest(
        item.nodeid,
        str(group.args[0]) if group else None,
        target,
        partial(_call, item.obj, arguments, "verify" in names),
        int(weight.args[0]) if weight else 1,
    )


def _call(
    function: Callable[..., object], arguments: Mapping[str, Any], verifies: bool, verify: Verification
) -> None:
    function(**arguments, **({"verify": verify} if verifies else {}))


def _violations(exc: BaseException) -> list[ContractViolation]:
    """Violations raised, grouped, or behind a Hypothesis flakiness error.

    A finding is an observed exchange, so it stands even when Hypothesis could not replay it (the
    target's state moved on): the flakiness error keeps the original failure as its context.
    """
    if isinstance(exc, ContractViolation):
        return [exc]
    if isinstance(exc, BaseExceptionGroup):
        return [found for inner in exc.exceptions for found in _violations(inner)]
    if isinstance(exc, HypothesisException):
        context = exc.__cause__ or exc.__context__
        return _violations(context) if context is not None else []
    return []


def _infrastructure(exc: BaseException) -> InfrastructureError | None:
    if isinstance(exc, InfrastructureError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            if found := _infrastructure(inner):
                return found
    cause = exc.__cause__ or exc.__context__
    return _infrastructure(cause) if cause is not None else None


def _record(item: pytest.Item, call: pytest.CallInfo[None], state: RunState) -> TestRecord:
    verification = item.stash.get(_VERIFY, None)
    vendor = item.get_closest_marker("vendor")
    record = TestRecord(
        name=item.name,
        vendor=vendor.args[0] if vendor else "",
        declared=sorted({c for marker in item.iter_markers("clause") for c in marker.args}),
        exercised=sorted(verification.exercised) if verification else [],
        created=[[name, *task] for name, target in state.open_targets() for task in target.drain_created()],
        duration_s=round(call.duration, 4),
        seed=seeded.args[0] if (seeded := item.get_closest_marker("hypothesis_seed")) else None,
    )
    counts = state.drain_counts()
    record.requests = counts.requests
    record.generation_s = round(counts.generation_s, 4)
    record.backoffs = {str(status): n for status, n in sorted(counts.backoffs.items())}
    record.backoff_wait_s = round(counts.backoff_wait_s, 3)
    record.concurrency_changes = state.drain_concurrency_changes()
    record.lanes = state.lanes.count if state.lanes is not None else 1
    record.findings = [f.to_dict(state.redactor) for f in verification.warnings] if verification else []
    if call.excinfo is None:
        return record
    exc = call.excinfo.value
    if call.excinfo.errisinstance(pytest.skip.Exception):
        record.skipped = state.redactor.redact(str(exc))
    elif violations := _violations(exc):
        record.findings += [f.to_dict(state.redactor) for v in violations for f in v.findings]
    elif infrastructure := _infrastructure(exc):
        record.error = ("infrastructure", state.redactor.redact(str(infrastructure)))
    elif isinstance(exc, ConfigError):
        record.error = ("configuration", state.redactor.redact(str(exc)))
    else:
        record.error = ("suite", state.redactor.redact(f"{type(exc).__name__}: {exc}"))
    return record


def _redact_report(report: pytest.TestReport, state: RunState) -> None:
    """pytest prints tracebacks with arguments (and, with -l, locals): whatever they hold, no key gets out."""
    if report.longrepr is not None:
        text = str(report.longrepr)
        if text in state.redactor:
            report.longrepr = state.redactor.redact(text)
    report.sections = [(title, state.redactor.redact(content)) for title, content in report.sections]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    state = item.config.stash.get(RUN_STATE, None)
    if state is None:
        return report
    _redact_report(report, state)
    if item.get_closest_marker("clause") is None:
        return report
    if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
        report.user_properties.append((_RECORD_KEY, json.dumps(_record(item, call, state).to_dict())))
        if _COLLECTED in item.config.stash:
            report.user_properties.append((_COLLECTED_KEY, json.dumps(item.config.stash[_COLLECTED])))
            del item.config.stash[_COLLECTED]
        if call.excinfo is not None and _infrastructure(call.excinfo.value):
            item.session.shouldstop = "target unreachable; stopping the run"
    return report


def _ended_early(session: pytest.Session, exitstatus: int) -> str | None:
    """Why pytest stopped before the last test, if it did: no vendor that did not finish may pass."""
    if session.shouldstop:
        return str(session.shouldstop)
    if session.shouldfail:
        return str(session.shouldfail)
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return f"pytest ended with status {int(exitstatus)}"
    return None


class _ReportingPlugin:
    """Controller-side: gathers every test's record and writes the reports when the session ends."""

    def __init__(self, collector: RunCollector, state: RunState, cleanup: bool) -> None:
        self.collector = collector
        # For --cleanup, which needs the run's targets: the collector needs only the run's description.
        self.state = state
        self.cleanup = cleanup

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == _RECORD_KEY:
                self.collector.add(TestRecord.from_dict(json.loads(str(value))))
            elif key == _COLLECTED_KEY:
                self.collector.collected = json.loads(str(value))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.cleanup:
            self.collector.cleanup = self.state.cleanup(self.collector.created())
        report_dir = self.collector.finish(
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            ended_early=_ended_early(session, exitstatus),
        )
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line("")
            for line in self.collector.summary_lines():
                terminal.write_line(line)
            terminal.write_line(f"reports: {report_dir}")
