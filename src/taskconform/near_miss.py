"""Near-miss requests: the values real validators get wrong, derived from the spec, deterministically.

Random negative fuzzing almost never draws ``follow_up_call`` or ``"2433664091"``. Schemathesis'
coverage phase gives the boundary values, missing required fields and wrong types of every
operation, the same on every run; this module adds only what it lacks: each enum value in another
letter case, padded with whitespace, with a suffix, or empty, each number of the body as a numeric
string or a float, each timestamp in the spellings parsers get wrong, and each required text blank.

The oracle is the suite's own. Every near-miss is sent like a fuzzed request, so the operation's
answer checks judge it: a documented status, the documented response shape — and an accepted value
must come back inside its documented domain. Where a document names the rejection of such a value,
the vendor's probe for that rejection is sent again with each near-miss in place of its value
(``rejection_probes``), so the documented status and message are required.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from .drawn_cache import kept_derivation
from .fuzzing import DrawnRequest, FuzzKey, coverage_cases, load_operation
from .target import Probe, Vendor

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "VARIANT_KINDS",
    "EnumField",
    "enum_fields",
    "enum_variants",
    "near_miss_searches",
    "near_misses",
    "rejection_probes",
]

# How a near-miss of an enum value differs from it (a NearMissRejection names those its document rejects).
VARIANT_KINDS = ("case", "whitespace", "affix", "empty")
# What real timestamp parsers get wrong: a date alone, no offset, other offsets, a leap day, the first
# and the last four-digit year, and fractions of 1 to 9 digits.
TIMESTAMP_NEAR_MISSES = (
    "2030-05-20",
    "2030-05-20T15:00:00",
    "2030-05-20T20:30:00+05:30",
    "2030-05-20T10:00:00-05:00",
    "2028-02-29T12:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    *(f"2030-05-20T15:00:00.{'123456789'[:digits]}Z" for digits in range(1, 10)),
)
# A required text that says nothing.
BLANK_TEXTS = ("", "   ")


@dataclass(frozen=True)
class EnumField:
    name: str
    values: tuple[str, ...]


def enum_variants(value: str, kinds: tuple[str, ...] = VARIANT_KINDS) -> dict[str, tuple[str, ...]]:
    """The near-misses of one enum value, by kind."""
    variants = {
        "case": (value.lower(), value.upper(), value.capitalize(), value.swapcase()),
        "whitespace": (f" {value} ", f"{value} ", f"\t{value}"),
        "affix": (f"{value}S", f"_{value}", f"{value}_"),
        "empty": ("", "   "),
    }
    return {kind: tuple(dict.fromkeys(v for v in variants[kind] if v != value)) for kind in kinds}


def _resolve(node: Any, root: Mapping[str, Any]) -> Any:
    """Follows the local ``$ref``s Schemathesis bundles into a body definition (``#/x-bundled/…``)."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = root
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _body_schema(key: FuzzKey) -> tuple[dict[str, Any], frozenset[str]]:
    """The JSON body's properties (resolved) and the names it requires."""
    operation = load_operation(key.spec_file, key.operation_id)
    for body in operation.body:
        if body.media_type == "application/json":
            bundled = body.optimized_schema
            schema = _resolve(bundled, bundled)
            properties = schema.get("properties", {})
            resolved = {name: _resolve(prop, bundled) for name, prop in properties.items()}
            return resolved, frozenset(schema.get("required", ()))
    return {}, frozenset()


def _body_properties(key: FuzzKey) -> dict[str, Any]:
    return _body_schema(key)[0]


def _fields(key: FuzzKey, kind: Callable[[Mapping[str, Any]], bool]) -> tuple[str, ...]:
    properties = _body_properties(key).items()
    return tuple(name for name, prop in properties if isinstance(prop, Mapping) and kind(prop))


def _required_texts(key: FuzzKey) -> tuple[str, ...]:
    """Required free-text fields: no enum and no format constrains them."""
    required = _body_schema(key)[1]
    free_text = _fields(key, lambda prop: prop.get("type") == "string" and not {"enum", "format"} & set(prop))
    return tuple(name for name in free_text if name in required)


def enum_fields(key: FuzzKey) -> tuple[EnumField, ...]:
    return tuple(
        EnumField(name, tuple(str(v) for v in prop["enum"]))
        for name, prop in _body_properties(key).items()
        if isinstance(prop, Mapping) and isinstance(prop.get("enum"), list)
    )


def _base_body(positives: list[Case[Any]]) -> dict[str, Any] | None:
    """The fullest valid body of the coverage phase: each near-miss changes one field of it."""
    bodies = [case.body for case in positives if isinstance(case.body, dict)]
    return max(bodies, key=len) if bodies else None


def _added(key: FuzzKey, base: DrawnRequest, body: dict[str, Any]) -> Iterator[DrawnRequest]:
    def with_field(name: str, value: Any) -> DrawnRequest:
        changed = copy.deepcopy(body)
        changed[name] = value
        return replace(base, body=changed, has_body=True)

    for enum in enum_fields(key):
        for _, variant in _outside(enum, VARIANT_KINDS):
            yield with_field(enum.name, variant)
    for name in _fields(key, lambda prop: prop.get("type") in ("integer", "number")):
        number = body.get(name, 1)
        if isinstance(number, int | float) and not isinstance(number, bool):
            yield with_field(name, str(number))
            yield with_field(name, number + 0.5)
    for name in _fields(key, lambda prop: prop.get("format") == "date-time"):
        for spelling in TIMESTAMP_NEAR_MISSES:
            yield with_field(name, spelling)
    for name in _required_texts(key):
        for blank in BLANK_TEXTS:
            yield with_field(name, blank)


def near_miss_searches(vendor: Vendor) -> list[FuzzKey]:
    """One per operation the vendor's answer checks judge."""
    return [FuzzKey(vendor.spec_file, operation_id, "negative") for operation_id in vendor.response_clauses]


@cache
def near_misses(key: FuzzKey) -> tuple[DrawnRequest, ...]:
    """The operation's near-miss requests: the coverage phase's (valid and invalid), then ours."""
    return kept_derivation(key, "near-miss", lambda: _derived_near_misses(key))


def _derived_near_misses(key: FuzzKey) -> tuple[DrawnRequest, ...]:
    positives = coverage_cases(key, "positive")
    drawn = [DrawnRequest.of(case) for case in positives + coverage_cases(key, "negative")]
    body = _base_body(positives)
    if body is not None:
        base = next(DrawnRequest.of(case) for case in positives if case.body == body)
        drawn += _added(key, base, body)
    return tuple({repr(request): request for request in drawn}.values())


def rejection_probes(vendor: Vendor) -> tuple[Probe, ...]:
    """Each documented rejection's probe once per near-miss its document still rejects."""
    by_id = {probe.id: probe for probe in vendor.probes}
    derived: list[Probe] = []
    for rejection in vendor.near_miss_rejections:
        probe = by_id[rejection.probe]
        fields = enum_fields(FuzzKey(vendor.spec_file, probe.operation, "negative"))
        enum = next(field for field in fields if field.name == rejection.field)
        derived += [
            replace(
                probe,
                id=f"{probe.id}[{kind}:{variant!r}]",
                json_body={**probe.json_body, rejection.field: variant},
                message_prefix=_with_value(probe.message_prefix, probe.json_body, rejection.field, variant),
            )
            for kind, variant in _outside(enum, rejection.kinds)
        ]
    return tuple(derived)


def _outside(enum: EnumField, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(kind, near-miss) of the enum's values, each once, only those that are none of its values."""
    found = {
        variant: kind
        for value in enum.values
        for kind, variants in enum_variants(value, kinds).items()
        for variant in variants
        if variant not in enum.values
    }
    return [(kind, variant) for variant, kind in found.items()]


def _with_value(prefix: str | None, body: Mapping[str, Any], field: str, variant: str) -> str | None:
    """A documented message that quotes the rejected value quotes the near-miss instead."""
    if prefix is None:
        return None
    return prefix.replace(f'"{body[field]}"', f'"{variant}"')
