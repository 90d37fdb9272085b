"""A configured vendor as one worker sees it: its client and the records it may write to.

Parallel workers never share a writable record: worker ``i`` of ``n`` owns ``ids[i::n]``, so a
model of one lead is never disturbed by another worker's writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .checks import ResponseContext, run_response_checks
from .client import ApiClient, AuthMode
from .config import RunSettings, VendorTarget
from .contract import OperationContract, load_spec_contract
from .errors import ConfigError, NotConfigured
from .exchange import Exchange
from .findings import Verification

if TYPE_CHECKING:
    from .vendors import Vendor

__all__ = ["Target", "WorkerSlot", "share_of"]


@dataclass(frozen=True)
class WorkerSlot:
    index: int = 0
    count: int = 1


def share_of(ids: tuple[Any, ...], slot: WorkerSlot, what: str) -> tuple[Any, ...]:
    share = ids[slot.index :: slot.count]
    if not share:
        raise ConfigError(
            f"{slot.count} workers but only {len(ids)} {what}: each worker needs its own; "
            f"run with at most {len(ids)} workers or configure more {what}"
        )
    return share


@dataclass
class Target:
    vendor: Vendor
    config: VendorTarget
    client: ApiClient
    settings: RunSettings
    slot: WorkerSlot
    # Facts learnt during the run that later checks compare against (e.g. a lead's observed assignee).
    observed: dict[Any, Any] = field(default_factory=dict)
    # (record, task id) of every task this process created since the last drain, for --cleanup.
    created: list[tuple[Any, Any]] = field(default_factory=list)
    # Seconds spent drawing generated requests: the bench tells generation apart from the rest.
    generation_s: float = 0.0
    # Records no write may reach, with the reason (a default "missing" id the target says exists).
    withheld: dict[Any, str] = field(default_factory=dict)

    def option(self, name: str) -> Any:
        """A configured value; an optional key left out stops only the check that needs it."""
        value = self.config.options.get(name)
        if value is None:
            raise NotConfigured(self.vendor.name, name)
        return value

    def secret(self, option: str) -> str:
        self.option(option)
        return self.config.secret(option)

    def pool(self, kind: str, *, writes: bool = True) -> tuple[Any, ...]:
        """The records of one kind (see ``Vendor.pools``); empty where the configuration names none.

        ``writes``: leave out withheld records, which only reads may address.
        """
        source = self.vendor.pools[kind]
        values = self.config.options.get(source.key) if source.key else None
        values = source.fixed if values is None else values
        records = (values,) if isinstance(values, str) else tuple(values or ())
        if source.shared:
            records = share_of(records, self.slot, source.key or kind)
        return tuple(r for r in records if r not in self.withheld) if writes else records

    def pools(self, *, writes: bool = True) -> dict[str, tuple[Any, ...]]:
        return {kind: self.pool(kind, writes=writes) for kind in self.vendor.pools}

    def first(self, kind: str, *, writes: bool = True) -> Any:
        """The first record of a kind, or ``NotConfigured`` naming the key that would provide one."""
        records = self.pool(kind, writes=writes)
        if records:
            return records[0]
        withheld = [why for record, why in self.withheld.items() if record in self.pool(kind, writes=False)]
        key = self.vendor.pools[kind].key or kind
        raise NotConfigured(self.vendor.name, key, withheld[0] if withheld else "")

    def own(self, option: str) -> tuple[Any, ...]:
        return share_of(tuple(self.option(option)), self.slot, option)

    def operation(self, operation_id: str) -> OperationContract:
        return load_spec_contract(self.vendor.spec_file)[operation_id]

    def call(
        self,
        verify: Verification,
        operation_id: str,
        path_params: Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        auth: AuthMode = AuthMode.VALID,
        key_option: str | None = None,
        **body: Any,
    ) -> Exchange:
        """Send one request to an operation and pass the answer through every check mapped to it.

        ``body`` is ``json_body=...`` or ``content=b"..."`` (or nothing), as ``ApiClient.request`` takes.
        ``key_option`` names another configured key (a secret option of the section, such as a key
        without write permission) to send instead of the vendor's own.
        """
        operation = self.operation(operation_id)
        path = operation.path.format(**{k: quote(str(v), safe="") for k, v in path_params.items()})
        key = None if key_option is None else self.secret(key_option)
        exchange = self.client.request(operation.method, path, params=params, auth=auth, key=key, **body)
        self.receive(verify, operation_id, exchange, path_params)
        return exchange

    def receive(
        self, verify: Verification, operation_id: str, exchange: Exchange, path_params: Mapping[str, Any]
    ) -> None:
        """Every answer: judged by the checks mapped to its operation, and noted if it created a task."""
        context = ResponseContext(self.operation(operation_id), exchange, path_params)
        run_response_checks(verify, self.vendor.response_clauses.get(operation_id, {}), context)
        if self.vendor.created_task is not None:
            created = self.vendor.created_task(operation_id, exchange, path_params)
            if created is not None:
                self.created.append(created)

    def drain_created(self) -> list[tuple[Any, Any]]:
        drained, self.created = self.created, []
        return drained
