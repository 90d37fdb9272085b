"""The target configuration that points the suite at a running sandbox."""

from __future__ import annotations

from .superfone import SEED_ACCOUNTS

__all__ = ["SANDBOX_KEY_ENV", "sandbox_target_toml"]

# Environment variable names the generated configuration uses for each vendor's key.
SANDBOX_KEY_ENV = {"superfone": "SF_API_KEY"}
MISSING_LEAD = 999_999_999


def _toml_list(values: object) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"  # type: ignore[attr-defined]


def sandbox_target_toml(base_url: str) -> str:
    ours, theirs = SEED_ACCOUNTS
    assignees = ", ".join(f'"{lead}" = {user}' for lead, user in ours.lead_assignees.items())
    return "\n".join(
        [
            "# Target configuration for the taskconform sandbox (generated).",
            "[superfone]",
            f'base_url = "{base_url}/superfone"',
            f'api_key_env = "{SANDBOX_KEY_ENV["superfone"]}"',
            f"lead_ids = {_toml_list(ours.lead_assignees)}",
            f"foreign_lead_ids = {_toml_list(theirs.lead_assignees)}",
            f"missing_lead_ids = [{MISSING_LEAD}]",
            f"lead_assignees = {{ {assignees} }}",
            "",
        ]
    )
