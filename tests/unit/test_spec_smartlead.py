"""The SmartLead task spec is valid OpenAPI 3.1, loads in Schemathesis and says what the vendor page says.

Source: ``contracts/seeds/004_e3a480ce000b28b6.txt``. The request and response examples are read from
the page itself, so a spec drifting from the page fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from taskconform.contract import load_spec_contract

from . import spec_harness
from .spec_harness import (
    assert_valid_openapi_3_1,
    json_objects,
    load_spec,
    schema_validator,
    schemathesis_operations,
)

SPEC_FILE = "smartlead-tasks.openapi.yaml"
SPEC_URI = "urn:taskconform:spec:smartlead-tasks"
SEED = "004_e3a480ce000b28b6.txt"
PATH = "/api/v1/master-inbox/create-task"
# The page's "Response Codes", description column verbatim.
RESPONSE_CODES = {
    "200": "Request successful",
    "400": "Invalid request parameters or malformed request body",
    "401": "Invalid or missing API key",
    "422": "Request validation failed. Check parameter types and constraints.",
}


def spec() -> dict[str, Any]:
    return load_spec(SPEC_FILE)


def operation() -> dict[str, Any]:
    return spec()["paths"][PATH]["post"]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    return spec_harness.resolve(spec(), node)


def validator(*location: str) -> Draft202012Validator:
    return schema_validator(spec(), SPEC_URI, *location)


def request_validator() -> Draft202012Validator:
    return validator("components", "schemas", "CreateTaskRequest")


def response_validator() -> Draft202012Validator:
    return validator("paths", PATH, "post", "responses", "200", "content", "application/json", "schema")


def seed_text() -> str:
    return spec_harness.seed_text(SEED)


def seed_json_examples(start: str) -> list[dict[str, Any]]:
    """Every JSON object of the page that begins with ``start`` (the cURL body, the response)."""
    text = seed_text()
    found = []
    for match in re.finditer(re.escape(start), text):
        document, _ = json.JSONDecoder().raw_decode(text, match.start())
        found.append(document)
    return found


def documented_request() -> dict[str, Any]:
    (body,) = {
        json.dumps(b, sort_keys=True): b for b in seed_json_examples('{\n    "email_lead_map_id"')
    }.values()
    return body


def documented_response() -> dict[str, Any]:
    (body,) = {json.dumps(b, sort_keys=True): b for b in seed_json_examples('{\n  "ok"')}.values()
    return body


# --- the document itself ---------------------------------------------------------------------------


def test_spec_is_valid_openapi_3_1() -> None:
    assert_valid_openapi_3_1(spec())


def test_schemathesis_loads_the_one_operation() -> None:
    schema, operations = schemathesis_operations(SPEC_FILE)
    assert [(found.method.lower(), found.path) for found in operations] == [("post", PATH)]
    found = schema.find_operation_by_id("createTask")
    assert (found.method.lower(), found.path) == ("post", PATH)


def test_server_and_api_key_in_the_query() -> None:
    document = spec()
    assert [server["url"] for server in document["servers"]] == ["https://server.smartlead.ai"]
    assert 'curl -X POST "https://server.smartlead.ai/api/v1/master-inbox/create-task?api_key=YOUR_KEY"' in (
        seed_text()
    )
    scheme = document["components"]["securitySchemes"]["ApiKeyQuery"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "query", "api_key")
    assert document["security"] == [{"ApiKeyQuery": []}]
    assert "security" not in operation()
    assert "parameters" not in operation(), "api_key is the security scheme, not a plain parameter"


def test_no_closed_objects() -> None:
    for node in json_objects(spec()):
        assert node.get("additionalProperties", True) is not False
        assert "prefixItems" not in node


# --- the request ------------------------------------------------------------------------------------


def test_request_body_fields_and_constraints() -> None:
    body = operation()["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json"}
    schema = resolve(body["content"]["application/json"]["schema"])
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"email_lead_map_id", "name"}
    properties = schema["properties"]
    assert set(properties) == {"email_lead_map_id", "name", "description", "priority", "due_date"}
    assert properties["email_lead_map_id"]["type"] == "number"
    assert properties["name"]["type"] == "string"
    assert properties["description"]["type"] == "string"
    assert properties["priority"]["default"] == "MEDIUM"
    assert resolve(properties["priority"]) == {
        "type": "string",
        "enum": ["LOW", "MEDIUM", "HIGH"],
        "description": '"Task priority level. Values: LOW, MEDIUM, HIGH. Default: MEDIUM"',
    }
    assert resolve(properties["due_date"])["type"] == "string"
    assert resolve(properties["due_date"])["format"] == "date-time"


def test_the_documented_request_is_the_spec_example_and_validates() -> None:
    documented = documented_request()
    assert documented == {
        "email_lead_map_id": 2433664091,
        "name": "Follow up on enterprise proposal",
        "description": "Send pricing breakdown for 50-seat plan",
        "priority": "HIGH",
        "due_date": "2025-12-15T09:00:00Z",
    }
    assert operation()["requestBody"]["content"]["application/json"]["example"] == documented
    request_validator().validate(documented)
    request_validator().validate({"email_lead_map_id": 1, "name": "required fields only"})


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("email_lead_map_id", None),
        ("name", None),
        ("email_lead_map_id", "2433664091"),
        ("name", 5),
        ("description", {"text": "x"}),
        ("priority", "URGENT"),
        ("priority", "high"),
        ("due_date", "not-a-date"),
    ],
)
def test_the_request_schema_rejects_what_the_page_rules_out(change: str, value: Any) -> None:
    body = documented_request()
    if value is None:
        del body[change]
    else:
        body[change] = value
    assert not request_validator().is_valid(body)


# --- responses --------------------------------------------------------------------------------------


def test_statuses_are_exactly_the_documented_response_codes() -> None:
    responses = operation()["responses"]
    assert set(responses) == set(RESPONSE_CODES)
    assert load_spec_contract(SPEC_FILE)["createTask"].statuses == frozenset(RESPONSE_CODES)
    text = re.sub(r"\s+", " ", seed_text())
    for status, description in RESPONSE_CODES.items():
        assert f"{status} " in text and description in text
        assert description in responses[status]["description"]
        assert set(responses[status]["content"]) == {"application/json"}
    for status in ("400", "401", "422"):
        assert responses[status]["x-documented-messages"] == [], "the page gives descriptions, not messages"
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }
    error_body = spec()["components"]["schemas"]["ErrorBody"]
    assert error_body["type"] == "object" and "required" not in error_body and "properties" not in error_body


def test_the_documented_response_is_the_spec_example_and_validates() -> None:
    documented = documented_response()
    assert documented["ok"] is True and documented["data"]["id"] == 789
    assert operation()["responses"]["200"]["content"]["application/json"]["example"] == documented
    assert list(response_validator().iter_errors(documented)) == []


def test_success_schema_requires_the_envelope_and_the_fields_every_task_has() -> None:
    envelope = resolve(operation()["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(envelope["required"]) == {"ok", "data"}
    assert envelope["properties"]["ok"] == {"const": True}
    task = resolve(envelope["properties"]["data"])
    assert set(task["required"]) == {"id", "email_lead_map_id", "name", "priority", "created_at"}
    assert set(task["properties"]) == set(documented_response()["data"])


@pytest.mark.parametrize(
    ("location", "value"),
    [
        (("ok",), False),
        (("ok",), "true"),
        (("data", "id"), "789"),
        (("data", "email_lead_map_id"), "2433664091"),
        (("data", "name"), None),
        (("data", "priority"), "URGENT"),
        (("data", "due_date"), "15/12/2025"),
        (("data", "created_at"), "yesterday"),
    ],
)
def test_the_success_schema_rejects_contradicting_bodies(location: tuple[str, ...], value: Any) -> None:
    body = documented_response()
    target = body
    for step in location[:-1]:
        target = target[step]
    target[location[-1]] = value
    assert not response_validator().is_valid(body)


@pytest.mark.parametrize("field", ["ok", "data", "id", "email_lead_map_id", "name", "priority", "created_at"])
def test_the_success_schema_requires_each_field(field: str) -> None:
    body = documented_response()
    del (body if field in body else body["data"])[field]
    assert not response_validator().is_valid(body)


def test_the_success_schema_allows_extra_fields_and_absent_or_null_optional_ones() -> None:
    body = documented_response()
    body["message"] = "Task created"
    body["data"]["status"] = "PENDING"
    assert response_validator().is_valid(body)
    body["data"]["description"] = None
    body["data"]["due_date"] = None
    assert response_validator().is_valid(body)
    del body["data"]["description"], body["data"]["due_date"]
    assert response_validator().is_valid(body)


@pytest.mark.parametrize("spelling", ["2025-12-15T09:00:00+00:00", "2025-12-15T14:30:00.000+05:30"])
def test_the_success_schema_takes_any_iso_spelling(spelling: str) -> None:
    body = documented_response()
    body["data"]["due_date"] = spelling
    body["data"]["created_at"] = spelling
    assert response_validator().is_valid(body)
