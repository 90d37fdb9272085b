"""The target configuration: one TOML file, secrets only through named environment variables.

Unknown keys are errors because a typo (``lead_idz``) would otherwise silently skip checks.
Vendor sections are described by data (``SectionSpec``) so that a new vendor adds a table of
fields, not a new parser.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

__all__ = [
    "FieldSpec",
    "RunSettings",
    "SectionSpec",
    "TargetConfig",
    "VendorTarget",
    "assignee_table",
    "env_var",
    "host_list",
    "http_url",
    "id_list",
    "load_config",
    "non_empty_string",
    "optional_id_list",
    "parse_config",
    "positive_int",
    "positive_number",
    "uuid_list",
    "uuid_string",
]

Parser = Callable[[str, Any], Any]


def _where(section: str, key: str) -> str:
    return f"[{section}] {key}"


def http_url(where: str, value: Any) -> str:
    if (
        not isinstance(value, str)
        or urlsplit(value).scheme not in ("http", "https")
        or not urlsplit(value).netloc
    ):
        raise ConfigError(f'{where} = {value!r} is not an http(s) URL; write it as "https://host/prefix"')
    return value.rstrip("/")


def env_var(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise ConfigError(f'{where} must name an environment variable, e.g. "SF_API_KEY"')
    return value


def id_list(where: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} must be a non-empty list of numeric ids, e.g. [1001, 1002]")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ConfigError(f"{where} holds {item!r}, which is not a whole number; list numeric ids only")
    if len(set(value)) != len(value):
        raise ConfigError(f"{where} lists an id twice; list each id once")
    return tuple(value)


def optional_id_list(where: str, value: Any) -> tuple[int, ...]:
    return () if value == [] else id_list(where, value)


def assignee_table(where: str, value: Any) -> dict[int, int | None]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where} must be a table of lead id to user id, e.g. {{ "1001" = 678 }}')
    assignees: dict[int, int | None] = {}
    for lead, user in value.items():
        if not lead.isdigit() or isinstance(user, bool) or not isinstance(user, int):
            raise ConfigError(
                f"{where} entry {lead!r} = {user!r} must map a numeric lead id to a numeric user id"
            )
        assignees[int(lead)] = user
    return assignees


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UUID_EXAMPLE = '"123e4567-e89b-12d3-a456-426614174000"'


def uuid_string(where: str, value: Any) -> str:
    """A UUID in its 8-4-4-4-12 hex spelling, lower-cased (UUIDs compare case-insensitively)."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise ConfigError(f"{where} = {value!r} is not a UUID; write it as {_UUID_EXAMPLE}")
    return value.lower()


def uuid_list(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} must be a non-empty list of UUIDs, e.g. [{_UUID_EXAMPLE}]")
    for item in value:
        if not isinstance(item, str) or not _UUID.fullmatch(item):
            raise ConfigError(f"{where} holds {item!r}, which is not a UUID; write each as {_UUID_EXAMPLE}")
    ids = tuple(item.lower() for item in value)
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{where} lists an id twice; list each id once")
    return ids


def non_empty_string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f'{where} must be a non-empty string, e.g. "Hans Müller"')
    return value


def positive_number(where: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigError(f"{where} = {value!r} must be a positive number")
    return float(value)


def positive_int(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} = {value!r} must be a positive whole number")
    return value


def race_size(where: str, value: Any) -> int:
    size = positive_int(where, value)
    if size < 2:
        raise ConfigError(f"{where} = {value!r} must be at least 2: a race needs two requests in flight")
    return size


@dataclass(frozen=True)
class FieldSpec:
    parse: Parser
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class SectionSpec:
    """The keys a vendor section accepts; ``secrets`` are keys whose value names an env var holding a key."""

    fields: Mapping[str, FieldSpec]
    secrets: tuple[str, ...] = ("api_key_env",)
    disjoint: tuple[tuple[str, str], ...] = ()

    def optional_keys(self) -> tuple[str, ...]:
        return tuple(key for key, spec in self.fields.items() if not spec.required)


@dataclass(frozen=True)
class VendorTarget:
    """One configured vendor: its parsed options and the secret values resolved from the environment."""

    vendor: str
    base_url: str
    options: Mapping[str, Any]
    secrets: Mapping[str, str] = field(repr=False)

    def secret(self, option: str) -> str:
        return self.secrets[self.options[option]]

    def redacted(self) -> dict[str, Any]:
        """The section as written in the file: env var names, never their values."""
        return {"base_url": self.base_url, **{k: _jsonable(v) for k, v in self.options.items()}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


def host_list(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(h, str) and h and "/" not in h for h in value):
        raise ConfigError(f'{where} must be a list of host names, e.g. ["api.example.com"]')
    return tuple(h.lower() for h in value)


@dataclass(frozen=True)
class RunSettings:
    clock_tolerance_s: float = 5.0
    request_timeout_s: float = 10.0
    race_concurrency: int = 8
    # Hosts refused without --allow-production-writes, besides the documented production servers.
    production_hosts: tuple[str, ...] = ()


RUN_SECTION: Mapping[str, FieldSpec] = {
    "clock_tolerance_s": FieldSpec(positive_number, required=False, default=5.0),
    "request_timeout_s": FieldSpec(positive_number, required=False, default=10.0),
    "race_concurrency": FieldSpec(race_size, required=False, default=8),
    "production_hosts": FieldSpec(host_list, required=False, default=()),
}


@dataclass(frozen=True)
class TargetConfig:
    vendors: Mapping[str, VendorTarget]
    run: RunSettings
    source: str = "<memory>"

    def secret_values(self) -> dict[str, str]:
        """Every secret of the run, keyed by value, naming the environment variable that holds it."""
        return {value: name for target in self.vendors.values() for name, value in target.secrets.items()}


def _parse_fields(section: str, raw: Mapping[str, Any], spec: Mapping[str, FieldSpec]) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise ConfigError(
            f"[{section}] has unknown key {unknown[0]!r}; the keys it takes are: {', '.join(spec)}"
        )
    parsed: dict[str, Any] = {}
    for key, field_spec in spec.items():
        if key in raw:
            parsed[key] = field_spec.parse(_where(section, key), raw[key])
        elif field_spec.required:
            raise ConfigError(f"[{section}] is missing the required key {key!r}")
        else:
            parsed[key] = field_spec.default
    return parsed


def _resolve_secret(section: str, key: str, env_name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(env_name, "")
    if not value.strip():
        state = "is empty" if env_name in environ else "is not set"
        raise ConfigError(
            f"[{section}] {key} names ${env_name}, which {state}; export {env_name} with the API key"
        )
    return value


def _parse_vendor(vendor: str, raw: Any, spec: SectionSpec, environ: Mapping[str, str]) -> VendorTarget:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{vendor}] must be a table")
    parsed = _parse_fields(vendor, raw, {"base_url": FieldSpec(http_url), **spec.fields})
    for left, right in spec.disjoint:
        shared = sorted(set(parsed[left] or ()) & set(parsed[right] or ()))
        if shared:
            raise ConfigError(
                f"[{vendor}] lists {shared[0]} in both {left} and {right}; an id is ours or foreign, not both"
            )
    secrets = {
        parsed[key]: _resolve_secret(vendor, key, parsed[key], environ)
        for key in spec.secrets
        if parsed.get(key)
    }
    roles = [key for key in spec.secrets if parsed.get(key)]
    if len(set(secrets.values())) < len(roles):
        raise ConfigError(
            f"[{vendor}] {' and '.join(roles)} name the same key; each key role needs a key of its own"
        )
    base_url = parsed.pop("base_url")
    return VendorTarget(vendor=vendor, base_url=base_url, options=parsed, secrets=secrets)


def parse_config(
    document: Mapping[str, Any],
    sections: Mapping[str, SectionSpec],
    environ: Mapping[str, str] | None = None,
    source: str = "<memory>",
) -> TargetConfig:
    """Validate a parsed TOML document."""
    environ = os.environ if environ is None else environ
    vendors: dict[str, VendorTarget] = {}
    run = RunSettings()
    for name, raw in document.items():
        if name == "run":
            if not isinstance(raw, dict):
                raise ConfigError("[run] must be a table")
            run = RunSettings(**_parse_fields("run", raw, RUN_SECTION))
        elif name in sections:
            vendors[name] = _parse_vendor(name, raw, sections[name], environ)
        else:
            raise ConfigError(
                f"unknown section [{name}]; sections are [run] and the vendors {', '.join(sorted(sections))}"
            )
    if not vendors:
        raise ConfigError(f"{source} configures no vendor; add a section such as [{next(iter(sections))}]")
    return TargetConfig(vendors=vendors, run=run, source=source)


def load_config(
    path: Path,
    sections: Mapping[str, SectionSpec],
    environ: Mapping[str, str] | None = None,
) -> TargetConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} does not exist; pass --config with the path of a TOML file"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"config file {path} cannot be read ({exc.strerror}); check its permissions"
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix the syntax") from None
    return parse_config(document, sections, environ, source=str(path))
