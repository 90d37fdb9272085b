"""Per-process state of a conformance run: configuration, profile, secrets and the targets in use."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .client import ApiClient
from .config import TargetConfig
from .errors import ConfigError, InfrastructureError
from .findings import Verification
from .prefetch import DrawnRequests, RequestDrawer
from .profiles import Profile
from .redaction import Redactor
from .target import Target, WorkerSlot
from .vendors import VENDORS

__all__ = ["RunState", "worker_slot"]


def worker_slot() -> WorkerSlot:
    """This process's place among pytest-xdist workers (``gw3`` of 4 is index 3)."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return WorkerSlot(index=int(name.removeprefix("gw")), count=count)


@dataclass
class RunState:
    config: TargetConfig
    profile: Profile
    selected: tuple[str, ...]
    redactor: Redactor = field(init=False)
    _targets: dict[str, Target] = field(default_factory=dict)
    _counted: int = 0
    _generated: float = 0.0
    drawer: RequestDrawer | None = None

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
        )
        target = Target(vendor, configured, client, self.config.run, worker_slot())
        self._check_missing_records(target)
        return target

    def _check_missing_records(self, target: Target) -> None:
        """Records we were told are absent receive writes; refuse if one actually exists."""
        if target.vendor.read_operation is None or target.vendor.record_param is None:
            return
        verify = Verification(self.redactor)
        for record in target.vendor.record_pools(target)["missing"]:
            exchange = target.call(verify, target.vendor.read_operation, {target.vendor.record_param: record})
            if exchange.status < 300:
                raise ConfigError(
                    f"[{target.vendor.name}] missing id {record} exists on the target "
                    f"({exchange.request_line()} answered {exchange.status}); "
                    "configure an id that does not exist"
                )
            target.client.journal.clear()

    def drain_request_count(self) -> tuple[int, float]:
        """Answers received, and seconds spent generating requests, since the last call: a test's share."""
        total = sum(target.client.answered for target in self._targets.values())
        generation = sum(target.generation_s for target in self._targets.values())
        drained = (total - self._counted, generation - self._generated)
        self._counted, self._generated = total, generation
        return drained

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
