"""Per-process state of a conformance run: configuration, profile, secrets and the targets in use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .client import ApiClient
from .concurrency import ConcurrencyLimit
from .config import TargetConfig
from .errors import ConfigError, InfrastructureError
from .findings import Verification
from .lanes import Lanes
from .prefetch import DrawnRequests, RequestDrawer
from .probes import SentAhead
from .profiles import Profile
from .redaction import Redactor
from .target import Target, WorkerSlot
from .vendors import VENDORS

__all__ = ["RunState", "TestCounts"]


@dataclass(frozen=True)
class TestCounts:
    requests: int = 0
    generation_s: float = 0.0
    # Back-offs per status (429, 503 with Retry-After): the target said "not now", not a violation.
    backoffs: Counter[int] = field(default_factory=Counter)
    backoff_wait_s: float = 0.0


@dataclass
class RunState:
    config: TargetConfig
    profile: Profile
    selected: tuple[str, ...]
    # The clauses a run is limited to (--clause); empty: every clause.
    clauses: frozenset[str] = frozenset()
    # This process's place among the run's pytest-xdist workers: which share of the records it writes to.
    slot: WorkerSlot = field(default_factory=WorkerSlot)
    redactor: Redactor = field(init=False)
    _targets: dict[str, Target] = field(default_factory=dict)
    _counted: TestCounts = field(default_factory=lambda: TestCounts())
    _changes_seen: dict[str, int] = field(default_factory=dict)
    drawer: RequestDrawer | None = None
    # Vendors whose configuration turned out unusable mid-run, and why: their remaining tests skip.
    stopped: dict[str, str] = field(default_factory=dict)
    # Requests each client may have in flight where a test overlaps them (--concurrency).
    concurrency: int = 1
    # Whether every answer also passes the generic security checks (off with --no-security-checks).
    security_checks: bool = True
    # Whether this process runs every test of an ``xdist_group`` it runs one of (always, but in a
    # pytest-xdist worker of another distribution than loadgroup): tests of a group may send ahead
    # the requests of the group's later tests.
    whole_groups: bool = True
    # Per vendor, probes sent ahead (``probes.send_ahead``) whose tests have not judged them yet.
    probes_sent_ahead: dict[str, dict[str, SentAhead]] = field(default_factory=dict)
    # This process's tests running side by side, each lane on its own share of the records (``lanes``);
    # None: one at a time, in turn.
    lanes: Lanes | None = None
    # The parameters of each test function's tests this process collected, in order: the probes of a
    # vendor send ahead for each other.
    collected: dict[Callable[..., Any], list[Mapping[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.redactor = Redactor(self.config.secret_values())

    def target(self, vendor_name: str) -> Target:
        if vendor_name not in self._targets:
            self._targets[vendor_name] = self._open(vendor_name)
        return self._targets[vendor_name]

    def _open(self, vendor_name: str) -> Target:
        vendor = VENDORS[vendor_name]
        configured = self.config.vendors[vendor_name]
        client = ApiClient(
            configured.base_url,
            vendor.auth,
            configured.secret(vendor.key_option),
            self.redactor,
            timeout_s=self.config.run.request_timeout_s,
            concurrency=ConcurrencyLimit(self.concurrency),
        )
        target = Target(vendor, configured, client, self.config.run, self.slot)
        target.checks_security = self.security_checks
        self._check_missing_records(target)
        return target

    def _check_missing_records(self, target: Target) -> None:
        """Records said to be absent receive writes: read each first, and withhold writes where needed.

        An id the user listed in the configuration is vouched for: it exists nowhere, so a success
        here is the target's fault, and the unknown-record probes report it. The suite's own default
        is only implausible: if the target claims it exists, writes to it are withheld (it may be a
        real record) and the read probe's failure says so.
        """
        vendor = target.vendor
        if vendor.read_operation is None or vendor.record_param is None:
            return
        vouched = target.config.options.get(vendor.pools["missing"].key or "") is not None
        verify = Verification(self.redactor)
        for record in target.pool("missing"):
            exchange = target.call(verify, vendor.read_operation, {vendor.record_param: record})
            target.client.journal.clear()
            if exchange.status < 300 and not vouched:
                target.withheld[record] = (
                    f"{exchange.request_line()} answered {exchange.status} for {record}, taskconform's "
                    "default id of a record that exists nowhere: a violation unless it really exists; "
                    f"writes to it were withheld; set `{vendor.pools['missing'].key}` to ids that exist "
                    "nowhere to test them"
                )

    def drain_counts(self) -> TestCounts:
        """Answers, back-offs and seconds spent generating requests since the last call: a test's share."""
        clients = [target.client for target in self._targets.values()]
        now = TestCounts(
            requests=sum(client.answered for client in clients),
            generation_s=sum(target.generation_s for target in self._targets.values()),
            backoffs=sum((client.backoffs for client in clients), Counter()),
            backoff_wait_s=sum(client.backoff_wait_s for client in clients),
        )
        drained = TestCounts(
            requests=now.requests - self._counted.requests,
            generation_s=now.generation_s - self._counted.generation_s,
            backoffs=now.backoffs - self._counted.backoffs,
            backoff_wait_s=now.backoff_wait_s - self._counted.backoff_wait_s,
        )
        self._counted = now
        return drained

    def drain_concurrency_changes(self) -> list[dict[str, Any]]:
        """The changes of each client's concurrency limit since the last call: a test's share."""
        changes: list[dict[str, Any]] = []
        for name, target in self._targets.items():
            seen = self._changes_seen.get(name, 0)
            new = target.client.concurrency.changes[seen:]
            self._changes_seen[name] = seen + len(new)
            changes += [{"vendor": name, **asdict(change)} for change in new]
        return changes

    def drawn_ahead(self) -> DrawnRequests | None:
        """The requests this run's drawer leaves, in whichever of the run's processes this is."""
        return DrawnRequests.of_this_run()

    def open_targets(self) -> list[tuple[str, Target]]:
        return list(self._targets.items())

    def all_loopback(self) -> bool:
        hosts = {urlsplit(self.config.vendors[name].base_url).hostname or "" for name in self.selected}
        return all(host == "localhost" or host == "::1" or host.startswith("127.") for host in hosts)

    def cleanup(self, created: Mapping[str, Mapping[Any, set[Any]]]) -> list[dict[str, Any]]:
        """Close what the run created and left open, where the vendor's API can close tasks at all."""
        results: list[dict[str, Any]] = []
        for name, records in created.items():
            vendor = VENDORS[name]
            if vendor.cleanup is None:
                results.append({"vendor": name, "note": "the API has no way to close a task; nothing closed"})
                continue
            try:
                closed = vendor.cleanup(self.target(name), Verification(self.redactor), records)
            except (InfrastructureError, ConfigError) as exc:
                results.append({"vendor": name, "note": f"cleanup failed: {self.redactor.redact(str(exc))}"})
                continue
            results += [{"vendor": name, "record": record, "closed": ids} for record, ids in closed.items()]
        return results

    def close(self) -> None:
        if self.drawer is not None:
            self.drawer.close()
        for target in self._targets.values():
            target.client.close()
