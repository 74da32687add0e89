"""The authorisation matrix, generated from the OpenAPI document: every operation by every party
by own vs foreign gmina/voivodeship. A new operation without a row here fails the suite.

"Own" is Trzebiel (0811082) in lubuskie (08); "foreign" is Kraków (1261011) in małopolskie (12).
A party is allowed when the answer is neither 401 nor 403 (it may still be 404 or 409: the
request got past authorisation), refused when it is 403; without a token, every protected
operation answers 401. Requests carry valid bodies, so validation never hides a refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aggregation.calls.api import CallIn
from aggregation.calls.services import call_define
from mozaika.audit.log import Actor
from mozaika.identity.models import ApiClient, ApiClientSecret, Role, Scope
from mozaika.identity.tokens import api_client_create, api_token_issue
from mozaika.site.api import api
from tests.factories import RoleGrantFactory
from tests.support import KRAKOW, MINIMAL_PDF, TRZEBIEL, call_body, plan_body

PARTIES = [
    "anonymous",
    "operator",
    "gmina_admin",
    "gmina_editor",
    "gmina_viewer",
    "reviewer",
    "analyst",
    "client",
    "client_without_scope",
]
GMINA_PEOPLE = {"gmina_admin", "gmina_editor", "gmina_viewer"}
EVERYONE = set(PARTIES) - {"anonymous"}

# Who is allowed, for the own target and for the foreign one.
RULES: dict[str, tuple[set[str], set[str]]] = {
    "authenticated": (EVERYONE, EVERYONE),
    "person": (EVERYONE - {"client", "client_without_scope"}, EVERYONE - {"client", "client_without_scope"}),
    "operator": ({"operator"}, {"operator"}),
    "gmina_read": ({"operator", *GMINA_PEOPLE, "reviewer", "analyst"}, {"operator", "analyst"}),
    "plan_edit": ({"gmina_admin", "gmina_editor"}, set()),
    "gmina_admin": ({"gmina_admin"}, set()),
    "review": ({"reviewer"}, set()),
    "events": (EVERYONE, EVERYONE),  # each reads only what its roles may (test_feed_visibility)
    "region_rollup": ({"operator", "reviewer", "analyst", "client"}, {"operator", "analyst"}),
    "national_rollup": ({"operator", "analyst"}, {"operator", "analyst"}),
    "eligibility": ({"operator", *GMINA_PEOPLE, "reviewer", "analyst", "client"}, {"operator", "analyst"}),
    "call_define": ({"operator", "reviewer"}, {"operator"}),
    # The data-quality rules concern every gmina alike: whoever reads a region's data quality reads
    # them (a reviewer of any voivodeship: tests/aggregation/test_quality_rules.py).
    "quality_rules": ({"operator", "reviewer", "analyst", "client"}, {"operator", "reviewer", "analyst", "client"}),
    # API clients with events:read, their own endpoints only; people read the feed instead.
    "webhooks": ({"client", "client_without_scope"}, {"client", "client_without_scope"}),
}
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/gminas"): "authenticated",
    ("GET", "/api/v1/gminas/{teryt}"): "authenticated",
    ("POST", "/api/v1/tenants"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/plans"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plans"): "plan_edit",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/adoption"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/amendments"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/repeal"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/annulment"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/acts/{act_id}/withdrawal"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/acts"): "gmina_read",
    ("GET", "/api/v1/regions/{voivodeship}/rollup"): "region_rollup",
    ("GET", "/api/v1/national/rollup"): "national_rollup",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/history"): "gmina_read",
    ("GET", "/api/v1/regions/{voivodeship}/gminas"): "region_rollup",
    ("GET", "/api/v1/regions/{voivodeship}/white-spots"): "region_rollup",
    ("GET", "/api/v1/regions/{voivodeship}/time-series"): "region_rollup",
    ("GET", "/api/v1/regions/{voivodeship}/report"): "region_rollup",
    ("GET", "/api/v1/regions/{voivodeship}/review-queue"): "review",
    ("GET", "/api/v1/national/gminas"): "national_rollup",
    ("GET", "/api/v1/national/white-spots"): "national_rollup",
    ("GET", "/api/v1/national/time-series"): "national_rollup",
    ("GET", "/api/v1/national/voivodeships"): "national_rollup",
    ("GET", "/api/v1/eligibility/{teryt}"): "eligibility",
    ("POST", "/api/v1/auth/token"): "public",
    ("POST", "/api/v1/auth/revoke"): "authenticated",
    ("GET", "/api/v1/me"): "authenticated",
    ("POST", "/api/v1/users"): "operator",
    ("POST", "/api/v1/users/{username}/roles"): "operator",
    ("DELETE", "/api/v1/users/{username}/roles/{role}"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/members"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/members"): "gmina_admin",
    ("DELETE", "/api/v1/gminas/{teryt}/members/{username}/{role}"): "gmina_admin",
    ("GET", "/api/v1/clients"): "operator",
    ("POST", "/api/v1/clients"): "operator",
    ("POST", "/api/v1/clients/{client_id}/secrets"): "operator",
    ("DELETE", "/api/v1/clients/{client_id}/secrets/{secret_id}"): "operator",
    ("DELETE", "/api/v1/clients/{client_id}"): "operator",
    ("GET", "/api/v1/audit"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/audit"): "gmina_admin",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/programme"): "gmina_read",
    ("PUT", "/api/v1/gminas/{teryt}/plans/{plan_id}/programme"): "plan_edit",
    ("PATCH", "/api/v1/gminas/{teryt}/plans/{plan_id}"): "plan_edit",
    ("DELETE", "/api/v1/gminas/{teryt}/plans/{plan_id}"): "plan_edit",
    ("PUT", "/api/v1/gminas/{teryt}/plans/{plan_id}/indicators"): "plan_edit",
    ("GET", "/api/v1/gminas/{teryt}/data-quality"): "gmina_read",
    ("GET", "/api/v1/regions/{voivodeship}/data-quality"): "region_rollup",
    ("GET", "/api/v1/quality-rules"): "quality_rules",
    ("POST", "/api/v1/quality-rules"): "operator",
    ("PATCH", "/api/v1/quality-rules/{code}"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/completeness"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/standard-suggestions"): "gmina_read",
    ("GET", "/api/v1/indicator-standards"): "authenticated",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/submission"): "gmina_admin",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/review"): "review",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/versions"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/versions/{number}"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/versions/{number}/diff/{other}"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/comments"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/workbook"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plan-workbooks"): "plan_edit",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values"): "plan_edit",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/explanations"): "plan_edit",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/explanations"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/reports"): "plan_edit",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/reports"): "gmina_read",
    ("GET", "/api/v1/gminas/{teryt}/plans/{plan_id}/diagnosis"): "gmina_read",
    ("PUT", "/api/v1/gminas/{teryt}/plans/{plan_id}/diagnosis"): "plan_edit",
    ("GET", "/api/v1/events"): "events",
    ("GET", "/api/v1/rule-kinds"): "authenticated",
    ("GET", "/api/v1/plan-template.xlsx"): "authenticated",
    ("GET", "/api/v1/me/notifications"): "person",
    ("PUT", "/api/v1/me/notifications/{kind}"): "person",
    ("GET", "/api/v1/calls"): "authenticated",
    ("POST", "/api/v1/calls"): "call_define",
    ("GET", "/api/v1/calls/{code}"): "authenticated",
    ("PUT", "/api/v1/calls/{code}"): "call_define",
    ("GET", "/api/v1/calls/{code}/results"): "region_rollup",
    ("POST", "/api/v1/eligibility:batch"): "eligibility",
    ("GET", "/api/v1/archive/links/{token}"): "public",
    ("PUT", "/api/v1/gminas/{teryt}/documents/{document_id}/retention"): "operator",
    ("PUT", "/api/v1/gminas/{teryt}/documents/{document_id}/legal-hold"): "operator",
    ("GET", "/api/v1/gminas/{teryt}/documents/{document_id}/download"): "gmina_read",
    ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/documents"): "plan_edit",
    ("POST", "/api/v1/webhooks"): "webhooks",
    ("GET", "/api/v1/webhooks"): "webhooks",
    ("GET", "/api/v1/webhooks/{id}"): "webhooks",
    ("DELETE", "/api/v1/webhooks/{id}"): "webhooks",
    ("POST", "/api/v1/webhooks/{id}/secret"): "webhooks",
    ("POST", "/api/v1/webhooks/{id}/ping"): "webhooks",
    ("GET", "/api/v1/webhooks/{id}/deliveries"): "webhooks",
    ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay"): "webhooks",
}
# Operations whose target (own or foreign gmina or voivodeship) is in the body or a call's owner.
TARGETED_ELSEWHERE = {("POST", "/api/v1/calls"), ("POST", "/api/v1/eligibility:batch")}


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def test_every_operation_has_a_row_in_the_matrix() -> None:
    missing = [op for op in operations() if op not in MATRIX]
    assert missing == [], f"add these operations to MATRIX: {missing}"
    assert set(MATRIX) == set(operations()), "MATRIX names operations that no longer exist"


def test_public_operations_are_exactly_those_the_matrix_calls_public() -> None:
    schema = api.get_openapi_schema()
    unsecured = {(m.upper(), p) for p, ops in schema["paths"].items() for m, op in ops.items() if "security" not in op}
    assert unsecured == {op for op, rule in MATRIX.items() if rule == "public"}


def credential(party: str) -> str | None:
    if party == "anonymous":
        return None
    if party.startswith("client"):
        scopes = [Scope.EVENTS_READ] if party == "client_without_scope" else list(Scope)
        _, secret = api_client_create(
            name=party,
            scopes=scopes,
            voivodeships=[] if party == "client_without_scope" else ["08"],
            actor=Actor.system("test"),
        )
        return secret
    role, scope = {
        "operator": (Role.OPERATOR, ""),
        "gmina_admin": (Role.GMINA_ADMIN, TRZEBIEL),
        "gmina_editor": (Role.GMINA_EDITOR, TRZEBIEL),
        "gmina_viewer": (Role.GMINA_VIEWER, TRZEBIEL),
        "reviewer": (Role.REGIONAL_REVIEWER, "08"),
        "analyst": (Role.NATIONAL_ANALYST, ""),
    }[party]
    return api_token_issue(user=RoleGrantFactory(user__username=f"matrix-{party}", role=role, scope=scope).user)


def request_for(method: str, path: str, target: str) -> tuple[str, dict[str, Any], str]:
    """A valid request for the operation: path, body and its content type."""
    teryt, voivodeship = (TRZEBIEL, "08") if target == "own" else (KRAKOW, "12")
    RoleGrantFactory(user__username="matrix-victim", role=Role.GMINA_VIEWER, scope=teryt)  # the user the requests name
    client, _ = api_client_create(
        name="matrix-target", scopes=[Scope.EVENTS_READ], voivodeships=[], actor=Actor.system("test")
    )
    secret = ApiClientSecret.objects.filter(client=client).first()
    assert isinstance(client, ApiClient)
    assert secret is not None
    call_code = f"MTX.{voivodeship}.01"
    call = call_body(voivodeship=voivodeship)
    del call["code"]
    call_define(definition=CallIn(**call).definition(call_code), actor=Actor.system("test"))
    values = {
        "code": call_code,
        "document_id": "1",
        "token": "not-a-link",
        "teryt": teryt,
        "voivodeship": voivodeship,
        "plan_id": "1",
        "username": "matrix-victim",
        "role": "gmina_viewer",
        "client_id": str(client.pk),
        "number": "1",
        "indicator_id": "1",
        "act_id": "1",
        "other": "2",
        "secret_id": str(secret.pk),
        "kind": "report_due",
        "id": "1",
        "delivery_id": "00000000-0000-0000-0000-000000000001",
    }
    url = path.format(**values)
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/api/v1/tenants"): {"code": "0811011"},
        ("POST", "/api/v1/gminas/{teryt}/plans"): plan_body(),
        ("POST", "/api/v1/auth/token"): {"username": "nobody", "password": "wrong-password"},
        ("POST", "/api/v1/users"): {"username": "matrix-new-person"},
        ("POST", "/api/v1/users/{username}/roles"): {"role": "gmina_editor", "scope": teryt},
        ("POST", "/api/v1/gminas/{teryt}/members"): {"username": "matrix-victim", "role": "gmina_editor"},
        ("POST", "/api/v1/clients"): {"name": "matrix-new-client", "scopes": ["eligibility:read"]},
        ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/review"): {"decision": "accept"},
        ("PATCH", "/api/v1/gminas/{teryt}/plans/{plan_id}"): {"title": "Plan"},
        ("PUT", "/api/v1/me/notifications/{kind}"): {"enabled": False},
        ("PUT", "/api/v1/gminas/{teryt}/plans/{plan_id}/indicators"): [],
        ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values"): {
            "year": 2025,
            "value": "1",
        },
        ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/reports"): {"kind": "yearly", "year": 2025, "narrative": "x"},
        ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/explanations"): {"year": 2025, "text": "x"},
        ("POST", "/api/v1/calls"): call_body(code=f"MTX.{voivodeship}.02", voivodeship=voivodeship),
        ("PUT", "/api/v1/calls/{code}"): call,
        ("PUT", "/api/v1/gminas/{teryt}/documents/{document_id}/retention"): {"retain_until": "2045-12-31"},
        ("PUT", "/api/v1/gminas/{teryt}/documents/{document_id}/legal-hold"): {"on": True},
        ("POST", "/api/v1/gminas/{teryt}/plans/{plan_id}/acts/{act_id}/withdrawal"): {"reason": "a wrong date"},
        ("POST", "/api/v1/eligibility:batch"): {"on": "2025-01-01", "items": [{"teryt": teryt, "area": "seniors"}]},
        ("POST", "/api/v1/webhooks"): {"url": "http://127.0.0.1:9/hook", "event_types": ["plan.adopted"]},
        ("POST", "/api/v1/quality-rules"): {
            "code": "matrix_rule",
            "kind": "non_negative",
            "name_pl": "r",
            "name_en": "r",
        },
        ("PATCH", "/api/v1/quality-rules/{code}"): {"active": False},
    }
    if path.endswith("/plan-workbooks"):
        return (
            url,
            {"workbook": SimpleUploadedFile("plan.xlsx", b"not a workbook", "application/octet-stream")},
            "multipart",
        )
    if path.endswith("/documents"):
        upload = SimpleUploadedFile("plan.pdf", MINIMAL_PDF, "application/pdf")
        return url, {"kind": "plan", "file": upload}, "multipart"
    if path.endswith(("/adoption", "/amendments", "/repeal")):
        form = {
            "act_number": "XII/84/2024",
            "act_date": "2024-06-27",
            "resolution": SimpleUploadedFile("u.pdf", MINIMAL_PDF, "application/pdf"),
        }
        return url, form, "multipart"
    if path.endswith("/annulment"):
        form = {
            "decision_number": "NK-I.4131.1.2024",
            "decision_date": "2024-07-20",
            "decision_document": SimpleUploadedFile("r.pdf", MINIMAL_PDF, "application/pdf"),
        }
        return url, form, "multipart"
    query = {"area": "seniors", "on": "2025-01-01"} if path == "/api/v1/eligibility/{teryt}" else {}
    if method == "DELETE" and "{role}" in path and path.startswith("/api/v1/users"):
        query = {"scope": teryt}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url, bodies.get((method, path), {}), "json"


CELLS = [
    pytest.param(method, path, party, target, id=f"{method} {path} {party} {target}")
    for method, path in MATRIX
    for party in PARTIES
    for target in (
        ("own", "foreign")
        if "{teryt}" in path or "{voivodeship}" in path or "{code}" in path or (method, path) in TARGETED_ELSEWHERE
        else ("own",)
    )
]


@pytest.mark.parametrize(("method", "path", "party", "target"), CELLS)
def test_matrix_cell(db: None, method: str, path: str, party: str, target: str) -> None:
    token = credential(party)
    url, body, kind = request_for(method, path, target)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client()
    if kind == "multipart":
        response = client.post(url, body, headers=headers)
    elif method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json", headers=headers)

    rule = MATRIX[(method, path)]
    if rule == "public":
        assert response.status_code not in (403,), response.content
        return
    if party == "anonymous":
        assert response.status_code == 401, response.content
        return
    allowed = party in RULES[rule][0 if target == "own" else 1]
    if allowed:
        assert response.status_code not in (401, 403), (response.status_code, response.content)
    else:
        assert response.status_code == 403, (response.status_code, response.content)
        assert response.json()["code"] == "permission_denied"
