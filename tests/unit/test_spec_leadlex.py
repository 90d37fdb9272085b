"""The LeadLex task spec is valid OpenAPI 3.1, loads in Schemathesis and says what the vendor page says.

Source: ``contracts/seeds/003_37093ce25c986d01.txt`` (Create Task). The example request and the
orphan-task error body are read from the page itself, so the spec is checked against its words.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from taskconform.contract import load_spec_contract

from . import spec_harness
from .spec_harness import assert_valid_openapi_3_1, load_spec, schema_validator, schemathesis_operations

SPEC_FILE = "leadlex-tasks.openapi.yaml"
SPEC_URI = "urn:taskconform:spec:leadlex-tasks"
SEED = "003_37093ce25c986d01.txt"
PARAMETERS = {
    "title",
    "description",
    "status",
    "priority",
    "task_type",
    "due_date",
    "assignee_id",
    "contact_id",
    "contact_name",
    "company_name",
    "deal_id",
    "event_id",
    "created_date",
}
RESPONSE_FIELDS = [
    "id",
    "title",
    "status",
    "priority",
    "due_date",
    "assigned_to_user_id",
    "contact_id",
    "deal_id",
    "event_id",
    "created_date",
]
CONTACT = "789e0123-e45b-67c8-a901-234567890abc"  # the page's example contact
CREATED = {
    "id": "5f0c8a62-3b1e-4c9a-9d27-6a1f0e4b2c13",
    "title": "Follow up with Hans Müller",
    "status": "open",
    "priority": "high",
    "due_date": "2026-03-10",
    "assigned_to_user_id": None,
    "contact_id": CONTACT,
    "deal_id": None,
    "event_id": None,
    "created_date": "2026-03-01T09:00:00.000Z",
}


def spec() -> dict[str, Any]:
    return load_spec(SPEC_FILE)


def create() -> dict[str, Any]:
    return spec()["paths"]["/v1/tasks"]["post"]


def seed_text() -> str:
    return spec_harness.seed_text(SEED)


def seed_json_after(marker: str, opener: str = "{") -> Any:
    text = seed_text()
    start = text.index(opener, text.index(marker))
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def validator(*location: str) -> Draft202012Validator:
    return schema_validator(spec(), SPEC_URI, *location)


def request_validator() -> Draft202012Validator:
    return validator("components", "schemas", "CreateTaskRequest")


def response_validator(status: str) -> Draft202012Validator:
    return validator(
        "paths", "/v1/tasks", "post", "responses", status, "content", "application/json", "schema"
    )


# --- the document itself ---------------------------------------------------------------------------


def test_spec_is_valid_openapi_3_1() -> None:
    assert_valid_openapi_3_1(spec())


def test_schemathesis_loads_the_one_operation() -> None:
    schema, operations = schemathesis_operations(SPEC_FILE)
    schema.validate()
    assert [(found.method.lower(), found.path) for found in operations] == [("post", "/v1/tasks")]
    assert schema.find_operation_by_id("createTask").path == "/v1/tasks"


def test_server_and_bearer_security() -> None:
    document = spec()
    assert [server["url"] for server in document["servers"]] == [
        "https://data.leadlex.com/functions/v1/api-gateway"
    ]
    assert "https://data.leadlex.com/functions/v1/api-gateway/v1/tasks" in seed_text()
    scheme = document["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"BearerAuth": []}]
    assert "security" not in create()
    assert "Authorization: Bearer wbk_your_api_key_here" in seed_text()


# --- the request -----------------------------------------------------------------------------------


def test_request_body_lists_exactly_the_documented_parameters() -> None:
    body = create()["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json"}
    schema = spec()["components"]["schemas"]["CreateTaskRequest"]
    assert set(schema["properties"]) == PARAMETERS
    assert schema["required"] == ["title"]
    assert schema["anyOf"] == [
        {"required": ["contact_id"]},
        {"required": ["deal_id"]},
        {"required": ["event_id"]},
    ]
    assert "additionalProperties" not in schema
    for name in PARAMETERS:
        assert f"{name}\nstring\n" in seed_text(), f"{name} is not a documented string parameter"


def test_request_values_are_the_documented_ones() -> None:
    properties = spec()["components"]["schemas"]["CreateTaskRequest"]["properties"]
    assert properties["status"]["enum"] == ["open", "in_progress", "completed"]
    assert properties["status"]["default"] == "open"
    assert properties["priority"]["enum"] == ["low", "medium", "high"]
    assert "default" not in properties["priority"]
    # "ISO 8601 or YYYY-MM-DD": date-time would refuse the date-only form.
    assert properties["due_date"]["type"] == "string" and "format" not in properties["due_date"]
    assert properties["created_date"]["format"] == "date-time"
    for link in ("contact_id", "deal_id", "event_id"):
        assert properties[link]["$ref"] == "#/components/schemas/Uuid"
    assert spec()["components"]["schemas"]["Uuid"] == {"type": "string", "format": "uuid"}
    for name in ("task_type", "assignee_id", "contact_name", "company_name", "description", "title"):
        assert properties[name]["type"] == "string" and "enum" not in properties[name]


def test_the_documented_example_request_is_the_spec_example_and_validates() -> None:
    documented = seed_json_after("curl -X POST https://data.leadlex.com")
    assert create()["requestBody"]["content"]["application/json"]["example"] == documented
    request_validator().validate(documented)


@pytest.mark.parametrize(
    ("change", "drop"),
    [
        ({}, "title"),  # "title ... required"
        ({}, "contact_id"),  # an orphan: no contact_id, deal_id or event_id
        ({"priority": "urgent"}, None),
        ({"status": "done"}, None),
        ({"contact_id": "not-a-uuid"}, None),
    ],
)
def test_request_schema_refuses_what_the_page_rules_out(change: dict[str, Any], drop: str | None) -> None:
    body = {**seed_json_after("curl -X POST https://data.leadlex.com"), **change}
    body.pop(drop or "", None)
    assert not request_validator().is_valid(body)


@pytest.mark.parametrize("link", ["deal_id", "event_id"])
def test_a_deal_or_event_alone_is_a_parent_link(link: str) -> None:
    assert request_validator().is_valid({"title": "t", link: CONTACT})


# --- responses -------------------------------------------------------------------------------------


def test_responses_are_a_2xx_success_the_two_documented_errors_and_a_client_error() -> None:
    assert set(create()["responses"]) == {"2XX", "400", "403", "4XX"}
    contract = load_spec_contract(SPEC_FILE)["createTask"]
    assert all(contract.status_documented(status) for status in (200, 201, 204, 400, 403, 404, 422))
    assert not any(contract.status_documented(status) for status in (302, 500, 503))


def test_success_schema_requires_the_documented_fields_and_allows_others() -> None:
    data = spec()["components"]["schemas"]["CreatedTask"]
    assert data["required"] == RESPONSE_FIELDS
    assert set(data["properties"]) == set(RESPONSE_FIELDS)
    assert ", ".join(RESPONSE_FIELDS) in seed_text()
    assert spec()["components"]["schemas"]["CreateTaskResponse"]["required"] == ["data"]
    body = {"data": {**CREATED, "description": None, "company_id": None}, "meta": {}}
    assert response_validator("2XX").is_valid(body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_date", None),  # "Never null."
        ("created_date", "yesterday"),
        ("status", "done"),
        ("priority", "urgent"),
        ("title", None),
    ],
)
def test_success_schema_refuses_what_the_page_rules_out(field: str, value: Any) -> None:
    assert not response_validator("2XX").is_valid({"data": {**CREATED, field: value}})


@pytest.mark.parametrize("field", RESPONSE_FIELDS)
def test_success_schema_requires_each_documented_field(field: str) -> None:
    data = {key: value for key, value in CREATED.items() if key != field}
    assert not response_validator("2XX").is_valid({"data": data})


def test_error_responses_list_the_documented_codes() -> None:
    responses = create()["responses"]
    assert responses["400"]["x-documented-codes"] == ["validation_error", "ambiguous_reference"]
    assert responses["403"]["x-documented-codes"] == ["insufficient_permissions"]
    assert responses["4XX"]["x-documented-codes"] == []
    text = seed_text()
    assert "400validation_errorMissing title" in text
    assert "returns 400 ambiguous_reference with candidate UUIDs" in text
    assert "403insufficient_permissionsMissing activities:write permission" in text
    for status in ("400", "403"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert "content" not in responses["4XX"]
    assert not any("x-documented-messages" in response for response in responses.values())


def test_the_documented_orphan_rejection_is_the_error_body() -> None:
    example = seed_json_after("Orphan-task rejection example")
    assert example["error"]["code"] == "validation_error"
    for status in ("400", "403"):
        assert response_validator(status).is_valid(example)
        assert response_validator(status).is_valid({"error": {**example["error"], "candidates": []}, "x": 1})
        assert not response_validator(status).is_valid({"code": "validation_error", "message": "m"})
        assert not response_validator(status).is_valid({"error": {"code": "validation_error"}})
