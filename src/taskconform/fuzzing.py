"""Schemathesis as a data generator, confined to the records the configuration names.

Schemathesis draws positive and negative requests from the spec; we send them through our own
client (redaction, back-off, evidence) and judge them with our clause-mapped checks only. Its
generic checks are not used wholesale: "every schema-invalid request is rejected" and "every
schema-valid request is accepted" are not promises these documents make.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.schemas import APIOperation

from .exchange import Exchange
from .findings import Verification
from .resources import spec_path
from .target import Target

__all__ = ["fuzz_operation_once", "load_operation"]

_SCHEMATHESIS_HEADERS = {"user-agent", "x-schemathesis-testcaseid", "accept-encoding", "connection", "accept"}


@cache
def _schema(spec_file: str) -> Any:
    schema = schemathesis.openapi.from_path(spec_path(spec_file))
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    return schema


@cache
def load_operation(spec_file: str, operation_id: str) -> APIOperation:
    return _schema(spec_file).find_operation_by_id(operation_id)


@cache
def _requests(spec_file: str, operation_id: str, mode: GenerationMode) -> st.SearchStrategy[Case]:
    """Built once per operation and mode: building it costs more than drawing many requests from it."""
    return load_operation(spec_file, operation_id).as_strategy(generation_mode=mode)


def fuzz_operation_once(
    target: Target, verify: Verification, operation_id: str, mode: GenerationMode, data: st.DataObject
) -> Exchange:
    """Draw one request, confine it to configured records, send it and check the answer."""
    started = time.perf_counter()
    case = data.draw(_requests(target.vendor.spec_file, operation_id, mode), label="request")
    target.generation_s += time.perf_counter() - started
    target.vendor.confine(target, case, lambda pool: data.draw(st.sampled_from(pool)))
    kwargs = case.as_transport_kwargs(base_url=target.client.base_url)
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() not in _SCHEMATHESIS_HEADERS}
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json_body"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data_value = kwargs["data"]
        body["content"] = data_value if isinstance(data_value, bytes) else str(data_value).encode()
    path = kwargs["url"].removeprefix(target.client.base_url)
    exchange = target.client.request(kwargs["method"], path, params=kwargs["params"], headers=headers, **body)
    target.receive(verify, operation_id, exchange, case.path_parameters or {})
    return exchange
