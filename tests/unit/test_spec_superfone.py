"""The Superfone task spec is valid OpenAPI 3.1, loads in Schemathesis and says what the vendor pages say.

Sources: ``contracts/seeds/000_4d6c4d035359b20d.txt`` (Create Task), ``001_4d090b8340652544.txt``
(List Tasks) and ``002_82226e53271469da.txt`` (Complete Task). The success examples below are
copied from those pages; a test checks the copies against the pages themselves.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from . import spec_harness
from .spec_harness import (
    assert_valid_openapi_3_1,
    json_objects,
    load_spec,
    schema_validator,
    schemathesis_operations,
)

SPEC_FILE = "superfone-tasks.openapi.yaml"
SPEC_URI = "urn:taskconform:spec:superfone-tasks"
TASK_PATH = "/enterprise/api/lead/{lead_id}/task"
COMPLETE_PATH = "/enterprise/api/lead/{lead_id}/task/complete"
TASK_TYPES = ["FOLLOW_UP_CALL", "FIRST_CALL", "CALLBACK_REQUEST", "SITE_VISIT", "REMINDER", "BOOKING"]
UNAUTHORIZED = "UnAuthorized, Please Provide Valid API Key"

# operationId -> (method, path, seed page documenting it)
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "createTask": ("post", TASK_PATH, "000_4d6c4d035359b20d.txt"),
    "listTasks": ("get", TASK_PATH, "001_4d090b8340652544.txt"),
    "completeTask": ("post", COMPLETE_PATH, "002_82226e53271469da.txt"),
}

# The "Error Responses" tables, message column verbatim.
DOCUMENTED_ERRORS: dict[str, dict[str, list[str]]] = {
    "createTask": {
        "400": [
            "lead_id must be a number",
            "Request body is empty",
            "type is required",
            'type "<value>" is not available for creation. Allowed: ...',
            "due_date is required",
        ],
        "401": [UNAUTHORIZED],
        "404": ["Lead not found", "Lead storage is full"],
    },
    "listTasks": {
        "400": [
            "lead_id must be a number",
            "page_size must be a positive integer",
            "page_size cannot exceed 20",
        ],
        "401": [UNAUTHORIZED],
        "404": ["Lead not found"],
    },
    "completeTask": {
        "400": ["lead_id must be a number", "No open task found for this lead"],
        "401": [UNAUTHORIZED],
        "404": ["Lead not found"],
    },
}

# Required fields of `data` (and of `data.rows[]`) per the "Response Fields" tables.
CREATED_TASK_FIELDS = {
    "id",
    "customer_id",
    "type",
    "task_status",
    "due_date",
    "notify_at",
    "assignee_user_id",
    "created_at",
}
TASK_ROW_FIELDS = {
    "id",
    "customer_id",
    "title",
    "type",
    "due_date",
    "notify_at",
    "notify",
    "task_status",
    "assignee_user_id",
    "created_at",
    "updated_at",
}
TASK_PAGE_FIELDS = {"rows", "total_pages", "current_page", "page_size", "total_items"}

# "Success Response" examples, copied from the seed pages.
SUCCESS_EXAMPLES: dict[str, dict[str, Any]] = {
    "createTask": {
        "data": {
            "id": 4567,
            "org_id": 42,
            "customer_id": 12345,
            "title": None,
            "type": "FOLLOW_UP_CALL",
            "type_name": None,
            "due_date": "2026-05-20T15:00:00.000Z",
            "notify_at": "2026-05-20T14:50:00.000Z",
            "notify": True,
            "task_status": "PENDING",
            "status": "ACTIVE",
            "assignee_user_id": 678,
            "created_by": 1,
            "updated_by": None,
            "created_at": "2026-05-19T08:30:00.000Z",
            "updated_at": "2026-05-19T08:30:00.000Z",
        },
        "message": "success",
    },
    "listTasks": {
        "data": {
            "rows": [
                {
                    "id": 4567,
                    "org_id": 42,
                    "customer_id": 12345,
                    "title": "Follow up on pricing",
                    "type": "FOLLOW_UP_CALL",
                    "due_date": "2026-05-20T15:00:00.000Z",
                    "notify_at": "2026-05-20T14:50:00.000Z",
                    "notify": True,
                    "task_status": "PENDING",
                    "status": "ACTIVE",
                    "assignee_user_id": 678,
                    "created_by": 1,
                    "updated_by": None,
                    "created_at": "2026-05-19T08:30:00.000Z",
                    "updated_at": "2026-05-19T08:30:00.000Z",
                },
                {
                    "id": 4521,
                    "org_id": 42,
                    "customer_id": 12345,
                    "title": "Initial intro call",
                    "type": "FIRST_CALL",
                    "due_date": "2026-05-15T10:00:00.000Z",
                    "notify_at": "2026-05-15T10:00:00.000Z",
                    "notify": True,
                    "task_status": "COMPLETE",
                    "status": "COMPLETE",
                    "assignee_user_id": 678,
                    "created_by": 678,
                    "updated_by": 678,
                    "created_at": "2026-05-14T09:00:00.000Z",
                    "updated_at": "2026-05-15T10:30:00.000Z",
                },
            ],
            "total_pages": 1,
            "current_page": 1,
            "page_size": 20,
            "total_items": 2,
        },
        "message": "success",
    },
    "completeTask": {
        "data": {
            "id": 4567,
            "org_id": 42,
            "customer_id": 12345,
            "title": None,
            "type": "FOLLOW_UP_CALL",
            "due_date": "2026-05-20T15:00:00.000Z",
            "notify_at": "2026-05-20T14:50:00.000Z",
            "notify": True,
            "task_status": "COMPLETE",
            "status": "COMPLETE",
            "assignee_user_id": 678,
            "created_by": 1,
            "updated_by": 1,
            "created_at": "2026-05-19T08:30:00.000Z",
            "updated_at": "2026-05-19T11:45:00.000Z",
        },
        "message": "success",
    },
}


def spec() -> dict[str, Any]:
    return load_spec(SPEC_FILE)


def operation(operation_id: str) -> dict[str, Any]:
    method, path, _ = OPERATIONS[operation_id]
    return spec()["paths"][path][method]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    return spec_harness.resolve(spec(), node)


def parameters(operation_id: str) -> dict[str, dict[str, Any]]:
    """Path-level and operation-level parameters, by name."""
    method, path, _ = OPERATIONS[operation_id]
    path_item = spec()["paths"][path]
    declared = [*path_item.get("parameters", []), *path_item[method].get("parameters", [])]
    return {param["name"]: param for param in map(resolve, declared)}


def json_schema(operation_id: str, status: str) -> dict[str, Any]:
    return resolve(operation(operation_id)["responses"][status]["content"]["application/json"]["schema"])


def response_validator(operation_id: str, status: str = "200") -> Draft202012Validator:
    """Validate against the response schema as declared in the spec, ``$ref``s resolved in the document."""
    method, path, _ = OPERATIONS[operation_id]
    location = ("paths", path, method, "responses", status, "content", "application/json", "schema")
    return schema_validator(spec(), SPEC_URI, *location)


def seed_text(operation_id: str) -> str:
    return spec_harness.seed_text(OPERATIONS[operation_id][2])


# --- the document itself ---------------------------------------------------------------------------


def test_spec_is_valid_openapi_3_1() -> None:
    assert_valid_openapi_3_1(spec())


def test_schemathesis_loads_the_three_operations() -> None:
    schema, operations = schemathesis_operations(SPEC_FILE)
    schema.validate()
    found = {each.definition.raw["operationId"]: (each.method.lower(), each.path) for each in operations}
    assert found == {op_id: (method, path) for op_id, (method, path, _) in OPERATIONS.items()}
    for op_id, (method, path, _) in OPERATIONS.items():
        found_operation = schema.find_operation_by_id(op_id)
        assert (found_operation.method.lower(), found_operation.path) == (method, path)


def test_server_and_api_key_security() -> None:
    document = spec()
    assert [server["url"] for server in document["servers"]] == ["https://prod-api.superfone.co.in/superfone"]
    scheme = document["components"]["securitySchemes"]["ApiKeyHeader"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "x-api-key")
    assert document["security"] == [{"ApiKeyHeader": []}]
    for op_id in OPERATIONS:
        assert "security" not in operation(op_id), f"{op_id} must use the global security"


def test_no_closed_objects_and_no_prefix_items() -> None:
    for node in json_objects(spec()):
        assert node.get("additionalProperties", True) is not False
        assert "prefixItems" not in node


# --- requests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_lead_id_is_a_required_integer_path_parameter(operation_id: str) -> None:
    lead_id = parameters(operation_id)["lead_id"]
    assert lead_id["in"] == "path"
    assert lead_id["required"] is True
    assert lead_id["schema"] == {"type": "integer"}


def test_list_pagination_parameters() -> None:
    declared = parameters("listTasks")
    assert set(declared) == {"lead_id", "page", "page_size"}
    page, page_size = declared["page"], declared["page_size"]
    assert page["in"] == page_size["in"] == "query"
    assert not page.get("required", False)
    assert not page_size.get("required", False)
    # "Page number — starts at 1, not 0", default 1.
    assert page["schema"] == {"type": "integer", "minimum": 1, "default": 1}
    # "Maximum is 20 — larger values return 400."; page_size=0 returns 400; default 20.
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 20, "default": 20}


def test_create_request_body() -> None:
    body = operation("createTask")["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json"}
    schema = resolve(body["content"]["application/json"]["schema"])
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"type", "due_date"}
    assert set(schema["properties"]) == {"type", "due_date", "notify_at", "customer_note"}
    task_type = resolve(schema["properties"]["type"])
    assert task_type["type"] == "string"
    assert task_type["enum"] == TASK_TYPES
    for field in ("due_date", "notify_at"):
        assert resolve(schema["properties"][field]) == {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 timestamp.",
        }
    assert resolve(schema["properties"]["customer_note"])["type"] == "string"
    notify_at = schema["properties"]["notify_at"]["description"]
    assert "now < notify_at <= due_date" in notify_at
    assert "REMINDER notifies at due_date, FIRST_CALL notifies immediately" in notify_at
    assert "10 minutes before due_date" in notify_at


def test_documented_create_request_validates() -> None:
    body = operation("createTask")["requestBody"]["content"]["application/json"]
    validator = schema_validator(spec(), SPEC_URI, "components", "schemas", "CreateTaskRequest")
    # The cURL example of the Create Task page.
    documented = {
        "type": "FOLLOW_UP_CALL",
        "due_date": "2026-05-20T15:00:00Z",
        "customer_note": "Customer asked about volume discount.",
    }
    assert body["example"] == documented
    validator.validate(documented)
    assert not validator.is_valid({"type": "TODO", "due_date": "2026-05-20T15:00:00Z"})
    assert not validator.is_valid({"type": "REMINDER"})


def test_complete_declares_no_request_body() -> None:
    assert "requestBody" not in operation("completeTask")
    assert set(parameters("completeTask")) == {"lead_id"}


# --- success responses ------------------------------------------------------------------------------


def test_success_responses_require_only_table_fields() -> None:
    for op_id in OPERATIONS:
        envelope = json_schema(op_id, "200")
        assert envelope["required"] == ["data"], "the top-level message is not in any table"
    created = resolve(json_schema("createTask", "200")["properties"]["data"])
    assert set(created["required"]) == CREATED_TASK_FIELDS
    assert resolve(created["properties"]["assignee_user_id"])["type"] == ["number", "null"]

    page = resolve(json_schema("listTasks", "200")["properties"]["data"])
    assert set(page["required"]) == TASK_PAGE_FIELDS
    row = resolve(page["properties"]["rows"]["items"])
    assert set(row["required"]) == TASK_ROW_FIELDS
    assert row["properties"]["task_status"]["enum"] == ["PENDING", "COMPLETE"]
    assert row["properties"]["title"]["type"] == ["string", "null"]
    assert row["properties"]["notify"]["type"] == "boolean"

    closed = resolve(json_schema("completeTask", "200")["properties"]["data"])
    assert set(closed["required"]) == {"id", "task_status"}
    assert closed["properties"]["task_status"]["const"] == "COMPLETE"
    assert set(closed["properties"]) == TASK_ROW_FIELDS


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_success_examples_are_copied_from_the_seed(operation_id: str) -> None:
    text = seed_text(operation_id)
    start = text.index("{", text.index("Success Response"))
    documented, _ = json.JSONDecoder().raw_decode(text, start)
    assert SUCCESS_EXAMPLES[operation_id] == documented


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_success_examples_validate(operation_id: str) -> None:
    response = operation(operation_id)["responses"]["200"]
    assert set(response["content"]) == {"application/json"}
    validator = response_validator(operation_id)
    errors = [error.message for error in validator.iter_errors(SUCCESS_EXAMPLES[operation_id])]
    assert errors == []


@pytest.mark.parametrize(
    ("operation_id", "location", "value"),
    [
        ("createTask", ("data", "customer_id"), "12345"),
        ("createTask", ("data", "due_date"), "20 May 2026"),
        ("listTasks", ("data", "rows", 0, "task_status"), "DONE"),
        ("listTasks", ("data", "rows", 1, "notify"), "yes"),
        ("listTasks", ("data", "total_items"), None),
        ("completeTask", ("data", "task_status"), "PENDING"),
    ],
)
def test_schemas_reject_contradicting_bodies(
    operation_id: str, location: tuple[Any, ...], value: Any
) -> None:
    body = copy.deepcopy(SUCCESS_EXAMPLES[operation_id])
    target = body
    for step in location[:-1]:
        target = target[step]
    target[location[-1]] = value
    assert not response_validator(operation_id).is_valid(body)


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_success_schemas_allow_undocumented_fields(operation_id: str) -> None:
    body = copy.deepcopy(SUCCESS_EXAMPLES[operation_id])
    body["extra"] = {"anything": True}
    task = body["data"]["rows"][0] if operation_id == "listTasks" else body["data"]
    task["not_in_any_table"] = [1, "two"]
    body.pop("message")
    assert response_validator(operation_id).is_valid(body)


# --- error responses --------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_error_responses_are_exactly_the_documented_ones(operation_id: str) -> None:
    responses = operation(operation_id)["responses"]
    extra = {"4XX"} if operation_id == "createTask" else set()
    assert set(responses) == {"200", *DOCUMENTED_ERRORS[operation_id], *extra}
    text = seed_text(operation_id)
    for status, messages in DOCUMENTED_ERRORS[operation_id].items():
        response = responses[status]
        assert response["x-documented-messages"] == messages
        for message in messages:
            assert f"{status} | {message} |" in text, f"{message!r} is not a {status} row of the seed"
            assert f'"{message}"' in response["description"]
        assert set(response["content"]) == {"application/json"}
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_error_body_is_permissive() -> None:
    error_body = spec()["components"]["schemas"]["ErrorBody"]
    assert error_body["type"] == "object"
    assert "required" not in error_body
    assert "properties" not in error_body


def test_create_declares_a_client_error_for_the_notify_window() -> None:
    response = operation("createTask")["responses"]["4XX"]
    assert response["description"] == (
        "notify_at outside now < notify_at <= due_date is rejected; "
        "the documents give no status or message beyond a client error"
    )
    assert response["x-documented-messages"] == []


# --- links ------------------------------------------------------------------------------------------


def test_links() -> None:
    create_links = operation("createTask")["responses"]["200"]["links"]
    assert {link["operationId"] for link in create_links.values()} == {"listTasks", "completeTask"}
    complete_links = operation("completeTask")["responses"]["200"]["links"]
    assert {link["operationId"] for link in complete_links.values()} == {"listTasks"}
    allowed = {"$response.body#/data/customer_id", "$request.path.lead_id"}
    for link in [*create_links.values(), *complete_links.values()]:
        assert set(link["parameters"]) == {"lead_id"}
        assert link["parameters"]["lead_id"] in allowed
