"""The OpenAPI document as a contract (issue 19): operation ids chosen for integrators and kept,
every error documented in the problem format, breaking changes refused within a major version,
and the parameters it declares read strictly (no `0` taken for a day)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import HttpRequest
from ninja import Router

from mozaika.errors import ErrorCode
from mozaika.site.api import api
from mozaika.site.contract import CONTRACT_PATH, breaking_changes
from mozaika.site.openapi import CLIENT_SCOPES, MozaikaApi
from tests.support import TRZEBIEL, Api

CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema()))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, methods in document["paths"].items() for method, op in methods.items()]


def test_every_operation_has_a_chosen_camel_case_id_once(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) > 70
    assert len(set(ids)) == len(ids)
    assert [i for i in ids if not CAMEL_CASE.fullmatch(i)] == []
    assert {"listPlans", "getEligibility", "getEligibilityBatch", "adoptPlan", "listEvents"} <= set(ids)


def test_an_operation_without_a_chosen_id_is_refused() -> None:
    router = Router()

    @router.get("/thing")
    def thing(request: HttpRequest) -> dict[str, str]:
        return {}

    unnamed = MozaikaApi(urls_namespace="unnamed-test")
    unnamed.add_router("/", router)
    with pytest.raises(ImproperlyConfigured, match="operation_id"):
        unnamed.get_openapi_schema(path_prefix="/x/")


def test_the_published_contract_is_the_apis_document() -> None:
    """`docs/openapi-v1.json` is what the API serves: a change to the API shows in review."""
    call_command("openapi")


def test_every_operation_documents_its_errors_as_problems(document: dict[str, Any]) -> None:
    shared = document["components"]["responses"]
    for path, method, op in operations(document):
        statuses = set(op["responses"])
        where = f"{method.upper()} {path}"
        assert {"400", "500"} <= statuses, where
        if op.get("security"):
            assert {"401", "403", "429"} <= statuses, where
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in statuses, where
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            assert "404" in statuses, where
        if any(p["name"] == "If-Match" for p in op.get("parameters", [])):
            assert {"409", "428"} <= statuses, where
        for status in statuses - {"200", "201", "202", "204"}:
            response = shared[op["responses"][status]["$ref"].rsplit("/", 1)[1]]
            content = response["content"]["application/problem+json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}, where
            assert content["example"]["status"] == int(status)
    codes = document["components"]["schemas"]["ErrorCode"]["enum"]
    assert codes == [code.value for code in ErrorCode]


def test_client_scopes_are_named_per_operation(document: dict[str, Any]) -> None:
    by_id = {op["operationId"]: op for _, _, op in operations(document)}
    for operation_id, scope in CLIENT_SCOPES.items():
        assert by_id[operation_id]["security"] == [{"BearerTokenAuth": [scope.value]}]
    assert by_id["listPlans"]["security"] == [{"BearerTokenAuth": []}]


def test_exports_document_their_formats(document: dict[str, Any]) -> None:
    content = document["paths"]["/api/v1/national/gminas"]["get"]["responses"]["200"]["content"]
    assert set(content) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


# --- breaking changes -------------------------------------------------------------------------


@pytest.fixture
def published() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CONTRACT_PATH.read_text())
    return document


def test_the_same_document_breaks_nothing_and_additions_break_nothing(published: dict[str, Any]) -> None:
    grown = copy.deepcopy(published)
    grown["paths"]["/api/v1/new-thing"] = {"get": {"operationId": "getNewThing", "responses": {}}}
    grown["components"]["schemas"]["PlanOut"]["properties"]["new_field"] = {"type": "string"}
    grown["components"]["schemas"]["PlanIn"]["properties"]["optional_note"] = {"type": "string"}

    assert breaking_changes(published, published) == []
    assert breaking_changes(published, grown) == []


def test_a_renamed_operation_id_breaks(published: dict[str, Any]) -> None:
    renamed = copy.deepcopy(published)
    renamed["paths"]["/api/v1/gminas/{teryt}/plans"]["get"]["operationId"] = "gminaPlans"

    assert breaking_changes(published, renamed) == [
        "GET /api/v1/gminas/{teryt}/plans: operationId listPlans renamed gminaPlans"
    ]


def test_a_removed_operation_field_or_enum_value_breaks(published: dict[str, Any]) -> None:
    changed = copy.deepcopy(published)
    del changed["paths"]["/api/v1/events"]
    del changed["components"]["schemas"]["PlanOut"]["properties"]["title"]
    areas = changed["components"]["schemas"]["InterventionArea"]["enum"]
    areas.remove("seniors")

    found = breaking_changes(published, changed)

    assert "GET /api/v1/events: operation removed" in found
    assert "GET /api/v1/gminas/{teryt}/plans 200[].title: field removed" in found
    assert any(line.endswith('enum value(s) removed: "seniors"') for line in found), found


def test_a_narrowed_type_or_a_new_required_field_breaks(published: dict[str, Any]) -> None:
    changed = copy.deepcopy(published)
    changed["components"]["schemas"]["PlanOut"]["properties"]["title"] = {"type": "integer"}
    plan_in = changed["components"]["schemas"]["PlanIn"]
    plan_in["properties"]["council"] = {"type": "string"}
    plan_in["required"].append("council")

    found = breaking_changes(published, changed)

    assert "GET /api/v1/gminas/{teryt}/plans 200[].title: type widened from ['string'] to ['integer']" in found
    assert "POST /api/v1/gminas/{teryt}/plans body.council: now required" in found


def test_what_an_answer_newly_gives_breaks_a_generated_client(published: dict[str, Any]) -> None:
    """openapi-python-client refuses an enum value it does not know: a new error code, a new
    value of an answer's enum (even one wrapped in allOf, as pydantic writes a default), a new
    type, a value of a map that changes type, a field that may now be missing."""
    changed = copy.deepcopy(published)
    schemas = changed["components"]["schemas"]
    schemas["ErrorCode"]["enum"].append("new_code")
    schemas["EuProjectStatus"]["enum"].append("new_status")
    schemas["PlanOut"]["properties"]["title"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    schemas["PlanOut"]["required"].remove("status")
    rollup = schemas["IndicatorRollup"]["properties"]
    rollup["years"]["additionalProperties"] = {"type": "string"}

    found = breaking_changes(published, changed)

    assert 'problem.code: new enum value(s) in an answer: "new_code"' in found
    assert any('new enum value(s) in an answer: "new_status"' in line for line in found), found
    assert any(line.endswith("[].title: type widened from ['string'] to ['null', 'string']") for line in found), found
    assert any(line.endswith("[].status: no longer always in the answer") for line in found), found
    assert any(".years{}: type widened" in line for line in found), found


# --- parameters read as declared ---------------------------------------------------------------


def test_a_number_is_not_a_day_nor_a_moment(operator: Api) -> None:
    for params in ({"open_on": "0"}, {"open_on": "20260101"}):
        response = operator.get("/api/v1/calls", **params)
        assert response.status_code == 422, params
        assert [e["path"] for e in response.json()["errors"]] == ["open_on"]
    moment = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", as_known_at="0")
    assert [e["path"] for e in moment.json()["errors"]] == ["as_known_at"]
    assert operator.get("/api/v1/calls", open_on="2026-01-01").status_code == 200


def test_a_number_is_not_a_yes_or_no(trzebiel_admin: Api) -> None:
    response = trzebiel_admin.put_json("/api/v1/me/notifications/plan_returned", {"enabled": 1})
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["enabled"]


def test_an_unknown_event_type_filter_is_422(operator: Api) -> None:
    response = operator.get("/api/v1/events", type=["plan.adopted", "plan.teleported"])
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["type[1]"]


def test_provisioning_an_unknown_unit_names_the_field(operator: Api) -> None:
    response = operator.post_json("/api/v1/tenants", {"code": "3299991"})
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["code"]


def test_a_client_refused_outside_its_voivodeships_is_told_so(funding_system: Api) -> None:
    response = funding_system.get("/api/v1/eligibility/3201011", area="seniors")  # 32: outside 08
    assert response.status_code == 403
    assert "serves only voivodeship(s) 08" in response.json()["detail"]


def test_the_scopes_documented_are_those_the_authorisation_matrix_grants(document: dict[str, Any]) -> None:
    """The document names a scope on exactly the operations an API client may call beyond the
    registry: a renamed operation id cannot drop one silently."""
    from tests.platform.test_authorization_matrix import MATRIX, RULES

    clients = {"client", "client_without_scope"}
    # The matrix's client serves lubuskie only; a nationwide one with rollups:read reads the nation.
    by_scope = {rule for rule, (own, _) in RULES.items() if own & clients} - {"authenticated"} | {"national_rollup"}
    for (method, path), rule in MATRIX.items():
        operation = document["paths"][path][method.lower()]
        scoped = any(scopes for requirement in operation.get("security", []) for scopes in requirement.values())
        assert scoped == (rule in by_scope), (method, path, rule)


def test_the_examples_are_valid_by_their_schemas(document: dict[str, Any]) -> None:
    import jsonschema_rs

    def valid(example: Any, schema: dict[str, Any]) -> bool:
        return bool(jsonschema_rs.validator_for({**schema, "components": document["components"]}).is_valid(example))

    checked = 0
    for path, method, op in operations(document):
        bodies = op.get("requestBody", {}).get("content", {}).items()
        responses = [document["components"]["responses"][r["$ref"].rsplit("/", 1)[1]] if "$ref" in r else r
                     for r in op["responses"].values()]  # fmt: skip
        answers = [(m, c) for r in responses if "content" in r for m, c in r["content"].items()]
        for media, content in [*bodies, *answers]:
            if "example" in content and "schema" in content:
                assert valid(content["example"], content["schema"]), (method, path, media)
                checked += 1
    assert checked > 500  # the main operations' examples and every error answer's, operation by operation
