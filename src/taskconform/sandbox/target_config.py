"""The target configuration that points the suite at a running sandbox, and the keys it needs."""

from __future__ import annotations

from collections.abc import Mapping

from taskconform.sandbox.registry import VENDORS

__all__ = ["sandbox_key_env", "sandbox_target_toml"]


def sandbox_target_toml(base_url: str) -> str:
    sections = [vendor.target_section(base_url + vendor.prefix) for vendor in VENDORS]
    return "# Target configuration for the taskconform sandbox (generated).\n" + "\n\n".join(sections) + "\n"


def sandbox_key_env(keys: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """The environment the generated configuration reads its keys from."""
    return {
        env: key
        for vendor in VENDORS
        for env, key in zip(vendor.key_envs, keys[vendor.name], strict=True)
        if env is not None
    }
