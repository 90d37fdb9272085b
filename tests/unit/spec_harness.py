"""What the ``test_spec_*`` modules share: loading a vendor's OpenAPI document, resolving references in
it, validating JSON against one of its schemas, reading a seed page, and checking the document itself.

Each vendor module keeps its own file names, operations and documented examples, and calls these with
them; the document is read once per test session and every caller gets a fresh copy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import quote

import schemathesis
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from schemathesis.core.result import Err

from taskconform.resources import seed_path, spec_path


@cache
def _load(spec_file: str) -> dict[str, Any]:
    with spec_path(spec_file).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_spec(spec_file: str) -> dict[str, Any]:
    """A fresh copy of the document, so no test can alter what another one reads."""
    return copy.deepcopy(_load(spec_file))


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s (``#/components/...``) until a non-reference object is reached."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def pointer(*parts: str) -> str:
    """A JSON pointer to ``parts`` (escaping ``~`` and ``/``, as in a path like ``/v1/tasks``)."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def schema_validator(document: dict[str, Any], uri: str, *location: str) -> Draft202012Validator:
    """A validator for the schema at ``location`` in ``document``, ``$ref``s resolved in the document
    (registered under ``uri``), formats checked."""
    registry = Registry().with_resource(uri, DRAFT202012.create_resource(document))
    return Draft202012Validator(
        {"$ref": f"{uri}#{quote(pointer(*location))}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def json_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON value, ``node`` itself first, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from json_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from json_objects(value)


def seed_text(seed: str) -> str:
    """The vendor page the spec was written from, as stored under ``contracts/seeds``."""
    return seed_path(seed).read_text(encoding="utf-8")


def assert_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def schemathesis_operations(spec_file: str) -> tuple[Any, list[Any]]:
    """The document as schemathesis loads it, and its operations; every one must load without error."""
    schema = schemathesis.openapi.from_path(str(spec_path(spec_file)))
    results = list(schema.get_all_operations())
    assert [result.err() for result in results if isinstance(result, Err)] == []
    return schema, [result.ok() for result in results]
