"""SmartLead as the suite talks to it: its configuration section, its records and its requests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...config import FieldSpec, SectionSpec, env_var, id_list
from ...exchange import Exchange
from ...findings import Verification
from ...target import Pool, Target

if TYPE_CHECKING:
    from schemathesis import Case

__all__ = [
    "KEY_PARAMETER",
    "OPERATION",
    "POOLS",
    "SECTION",
    "VALIDATION_STATUSES",
    "confine",
    "create_task",
    "lead_map_ids",
]

OPERATION = "createTask"
# The query parameter the key travels in ("api_key string required Your SmartLead API key").
KEY_PARAMETER = "api_key"
# SL-CONTRA-VALIDATION-STATUS: either documented status answers a validation failure.
VALIDATION_STATUSES = (400, 422)

SECTION = SectionSpec(
    fields={
        "api_key_env": FieldSpec(env_var),
        "email_lead_map_ids": FieldSpec(id_list),
    },
)


def lead_map_ids(target: Target) -> tuple[Any, ...]:
    """This worker's share of the configured email_lead_map_ids."""
    return target.pool("own")


POOLS = {"own": Pool("email_lead_map_ids", shared=True)}


_DIGIT = re.compile(r"\d")  # any Unicode digit: int("١٢٣") is 123


def _confined_id(value: Any, draw: Callable[[list[Any]], Any], ids: list[Any]) -> Any:
    """A generated email_lead_map_id that a lenient server could read as a number becomes a configured
    one; the rest is kept for negative testing.

    Read as numbers by some server: any JSON number; a string with a digit anywhere (``parseInt`` reads
    "123abc" as 123) or a blank one (``Number("")`` is 0); a boolean (``Number(true)`` is 1); such
    values inside an array (``Number([5])`` is 5) or an object. Strings keep their type (a configured
    id as text), a boolean becomes its text, so the request stays as invalid as it was generated.
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return draw(ids)
    if isinstance(value, str):
        return str(draw(ids)) if _DIGIT.search(value) or not value.strip() else value
    if isinstance(value, list):
        return [_confined_id(item, draw, ids) for item in value]
    if isinstance(value, dict):
        return {key: _confined_id(item, draw, ids) for key, item in value.items()}
    return value


def confine(target: Target, case: Case[Any], draw: Callable[[list[Any]], Any]) -> None:
    """Generated bodies name only configured email_lead_map_ids (see ``_confined_id``)."""
    body = case.body
    if isinstance(body, dict) and "email_lead_map_id" in body:
        case.body = {
            **body,
            "email_lead_map_id": _confined_id(body["email_lead_map_id"], draw, [*lead_map_ids(target)]),
        }


def create_task(target: Target, verify: Verification, body: Any, **kwargs: Any) -> Exchange:
    """One create-task request; ``kwargs`` as ``Target.call`` takes them (``content=``, ``auth=``...)."""
    if "content" not in kwargs:
        kwargs["json_body"] = body
    return target.call(verify, OPERATION, {}, **kwargs)
