"""What the OpenAPI spec says about each operation's responses, in a form checks can use directly.

Schemas are validated with ``jsonschema-rs`` (Draft 2020-12, as OpenAPI 3.1 uses; some 60 times
faster than pure-Python validation, which dominated the cost of a run) and a date-time format check
that accepts any ISO 8601 spelling Python can read — the documents promise ISO 8601, so ``+00:00``
and other precisions must pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from .resources import load_yaml, spec_path

__all__ = ["OperationContract", "SpecContract", "load_spec_contract", "parse_instant"]


def parse_instant(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive means UTC), or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_iso_instant(value: str) -> bool:
    return parse_instant(value) is not None


def _validator(document: dict[str, Any], pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The schema at ``pointer``, with every ``$ref`` of the document resolvable from it."""
    schema = {**document, "$ref": "#" + quote(pointer, safe="/~")}
    return jsonschema_rs.Draft202012Validator(
        schema, formats={"date-time": _is_iso_instant}, validate_formats=True
    )


@dataclass(frozen=True)
class OperationContract:
    operation_id: str
    method: str
    path: str
    statuses: frozenset[str]
    messages: dict[str, tuple[str, ...]]
    _validators: dict[str, jsonschema_rs.Draft202012Validator]

    def status_documented(self, status: int) -> bool:
        return str(status) in self.statuses or f"{str(status)[0]}XX" in self.statuses

    def schema_errors(self, status: int, body: Any) -> list[str]:
        """Errors against the schema declared for ``status``, else for its range (``2XX``), if any."""
        validator = self._validators.get(str(status)) or self._validators.get(f"{str(status)[0]}XX")
        if validator is None:
            return []
        return [
            f"{'/'.join(str(p) for p in error.instance_path) or '(body)'}: {error.message}"
            for error in validator.iter_errors(body)
        ]


@dataclass(frozen=True)
class SpecContract:
    document: dict[str, Any]
    operations: dict[str, OperationContract]

    def __getitem__(self, operation_id: str) -> OperationContract:
        return self.operations[operation_id]


_METHODS = ("get", "post", "put", "patch", "delete")


@cache
def load_spec_contract(file_name: str) -> SpecContract:
    document = load_yaml(spec_path(file_name))
    operations: dict[str, OperationContract] = {}
    for path, item in document["paths"].items():
        for method in _METHODS:
            if method not in item:
                continue
            operation = item[method]
            validators: dict[str, jsonschema_rs.Draft202012Validator] = {}
            messages: dict[str, tuple[str, ...]] = {}
            for status, response in operation["responses"].items():
                pointer, response = _follow(
                    document, f"/paths/{_escape(path)}/{method}/responses/{status}", response
                )
                messages[str(status)] = tuple(response.get("x-documented-messages", ()))
                if "schema" in response.get("content", {}).get("application/json", {}):
                    validators[str(status)] = _validator(
                        document, f"{pointer}/content/application~1json/schema"
                    )
            operations[operation["operationId"]] = OperationContract(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=path,
                statuses=frozenset(str(status) for status in operation["responses"]),
                messages=messages,
                _validators=validators,
            )
    return SpecContract(document=document, operations=operations)


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _follow(document: dict[str, Any], pointer: str, node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Follow local ``$ref``s from ``node``; return the final JSON pointer and the node it names."""
    while "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        target: Any = document
        for part in pointer.lstrip("/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return pointer, node
