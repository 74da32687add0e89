"""Bad input gets a JSON problem document with the field path, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.models import Plan, PlanDocument
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, plan_body


def assert_problem(response: Any, status: int, code: str, paths: list[str] | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["detail"]
    if paths is not None:
        assert [e["path"] for e in problem["errors"]] == paths
    return problem


def counts() -> tuple[int, int, int]:
    with in_gmina(TRZEBIEL):
        return Plan.objects.count(), PlanDocument.objects.count(), Event.objects.count()


def test_unknown_teryt_is_404(operator: Api) -> None:
    assert_problem(operator.get("/api/v1/gminas/0811099/plans"), 404, "not_found")
    assert_problem(operator.get("/api/v1/eligibility/0811099", area="seniors", on="2025-01-01"), 404, "not_found")


@pytest.mark.parametrize(
    "teryt",
    [
        pytest.param("081108", id="six-digits"),
        pytest.param("08110822", id="eight"),
        pytest.param("o811082", id="letter"),
    ],
)
def test_malformed_teryt_is_422_naming_the_field(operator: Api, teryt: str) -> None:
    assert_problem(operator.get(f"/api/v1/gminas/{teryt}/plans"), 422, "validation_failed", ["teryt"])


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/api/v1/gminas/{TRZEBIEL}/plans", id="plans"),
        pytest.param("/api/v1/gminas", id="gminas"),
        pytest.param("/api/v1/regions/08/rollup", id="region-rollup"),
        pytest.param("/api/v1/national/rollup", id="national-rollup"),
        pytest.param(f"/api/v1/eligibility/{TRZEBIEL}?area=seniors&on=2025-01-01", id="eligibility"),
    ],
)
@pytest.mark.parametrize("token", [pytest.param(None, id="missing"), pytest.param("mzk_wrong", id="wrong")])
def test_requests_without_a_valid_token_are_401(db: None, path: str, token: str | None) -> None:
    response = Api(token).get(path)
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_period_ending_before_it_starts_is_refused_and_creates_nothing(trzebiel_admin: Api) -> None:
    before = counts()

    response = trzebiel_admin.post_json(
        f"/api/v1/gminas/{TRZEBIEL}/plans", plan_body(period_start=2027, period_end=2025, indicators=[])
    )

    assert_problem(response, 422, "validation_failed", ["period_end"])
    assert counts() == before


@pytest.mark.parametrize(
    ("override", "paths"),
    [
        pytest.param({"areas": ["seniors", "unicorns"]}, ["areas[1]"], id="unknown-area"),
        pytest.param({"title": ""}, ["title"], id="empty-title"),
        pytest.param({"period_start": "soon"}, ["period_start"], id="non-numeric-year"),
        pytest.param(
            {"indicators": [{"area": "homelessness", "name": "x", "unit": "osoby"}]},
            ["indicators[0].area"],
            id="indicator-outside-plan-areas",
        ),
    ],
)
def test_invalid_plans_name_the_offending_field(
    trzebiel_admin: Api, override: dict[str, Any], paths: list[str]
) -> None:
    before = counts()
    response = trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans", plan_body(**override))
    assert_problem(response, 422, "validation_failed", paths)
    assert counts() == before


def test_a_non_pdf_resolution_is_refused_and_changes_nothing(
    trzebiel_admin: Api, created_plan: dict[str, Any], local_archive: Any
) -> None:
    before = counts()
    disguised = SimpleUploadedFile("uchwala.pdf", b"PK\x03\x04 this is a zip, not a PDF", "application/pdf")

    response = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption",
        {"act_number": "XII/84/2024", "act_date": "2024-06-27", "resolution": disguised},
    )

    assert_problem(response, 415, "unsupported_media_type", ["resolution"])
    assert counts() == before
    assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}").json()["status"] == "draft"
    assert not (local_archive / "staging").exists() or not any((local_archive / "staging").iterdir())


def test_in_force_before_adoption_is_refused_and_leaves_no_staged_bytes(
    trzebiel_admin: Api, created_plan: dict[str, Any], local_archive: Any
) -> None:
    before = counts()
    response = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption",
        {
            "act_number": "XII/84/2024",
            "act_date": "2024-06-27",
            "in_force_from": "2024-01-01",
            "resolution": SimpleUploadedFile("u.pdf", MINIMAL_PDF, "application/pdf"),
        },
    )
    assert_problem(response, 422, "validation_failed", ["in_force_from"])
    assert counts() == before
    assert not any((local_archive / "staging").iterdir())


def test_a_missing_resolution_file_is_422_naming_it(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    response = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption",
        {"act_number": "XII/84/2024", "act_date": "2024-06-27"},
    )
    assert_problem(response, 422, "validation_failed", ["resolution"])


def test_an_oversized_resolution_is_413(
    trzebiel_admin: Api, created_plan: dict[str, Any], settings: Any, local_archive: Any
) -> None:
    settings.MAX_DOCUMENT_BYTES = 100
    response = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption",
        {
            "act_number": "XII/84/2024",
            "act_date": "2024-06-27",
            "resolution": SimpleUploadedFile("u.pdf", MINIMAL_PDF + b"0" * 200, "application/pdf"),
        },
    )
    assert_problem(response, 413, "payload_too_large", ["resolution"])
    assert not (local_archive / "staging").exists() or not any((local_archive / "staging").iterdir())
    assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}").json()["status"] == "draft"


def test_malformed_eligibility_query_names_the_parameters(operator: Api) -> None:
    response = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="Unicorns!", on="yesterday", call="fepz 6.19")
    assert_problem(response, 422, "validation_failed", ["call", "area", "on"])


def test_an_unknown_area_or_call_is_422_naming_it(operator: Api) -> None:
    """Parameters, not resources: a gmina in the path that does not exist is the 404."""
    area = assert_problem(operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="unicorns"), 422,
                          "validation_failed", ["area"])  # fmt: skip
    assert "unicorns" in area["detail"]
    call = assert_problem(operator.get(f"/api/v1/eligibility/{TRZEBIEL}", call="FEXX.01.01"), 422,
                          "validation_failed", ["call"])  # fmt: skip
    assert "FEXX.01.01" in call["detail"]
    assert_problem(operator.get("/api/v1/eligibility/3299991", area="seniors"), 404, "not_found")


def test_every_pattern_on_input_is_ascii() -> None:
    """Pydantic's regular expressions are Unicode-aware: `\\d` takes Arabic-Indic digits, `\\w`
    any script's letters. Every pattern the API applies spells its ASCII classes out."""
    from mozaika.site.api import api

    def patterns(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            return found + [p for value in node.values() for p in patterns(value)]
        if isinstance(node, list):
            return [p for value in node for p in patterns(value)]
        return []

    found = patterns(api.get_openapi_schema())
    assert found, "the schema names no patterns at all"
    assert [p for p in found if any(cls in p for cls in ("\\d", "\\w", "\\s", "\\b"))] == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/gminas/\u0660\u0668\u0661\u0661\u0660\u0668\u0662/plans", id="arabic-indic-teryt"),
        pytest.param("/api/v1/gminas/\uff10\uff18\uff11\uff11\uff10\uff18\uff12", id="fullwidth-teryt"),
        pytest.param("/api/v1/regions/\u0660\u0668/rollup", id="arabic-indic-voivodeship"),
    ],
)
def test_non_ascii_digits_are_422(operator: Api, path: str) -> None:
    from urllib.parse import quote

    assert_problem(operator.get(quote(path)), 422, "validation_failed")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        pytest.param("/api/v1/gminas", {"page": "1000000000000000000"}, "page", id="registry-page"),
        pytest.param("/api/v1/audit", {"page": "1000000000000000000"}, "page", id="audit-page"),
        pytest.param("/api/v1/regions/08/gminas", {"offset": "10000000000000000000"}, "offset", id="region-offset"),
        pytest.param("/api/v1/gminas", {"page": "-1"}, "page", id="negative-page"),
    ],
)
def test_huge_or_negative_pages_are_422(operator: Api, path: str, params: dict[str, str], field: str) -> None:
    problem = assert_problem(operator.get(path, **params), 422, "validation_failed")
    assert [e["path"] for e in problem["errors"]][-1].endswith(field)


def test_an_audited_read_of_a_long_path_is_answered_and_audited(operator: Api) -> None:
    from mozaika.audit.models import AuditEntry

    path = f"/api/v1/gminas/{TRZEBIEL}/plans/{'0' * 80}1"
    assert operator.get(path).status_code == 200  # plan 1, written with leading zeros
    assert AuditEntry.objects.filter(action="gmina.read", changes__path=[None, path]).exists()


def test_a_username_as_long_as_the_schema_allows_is_created(operator: Api) -> None:
    response = operator.post_json("/api/v1/users", {"username": "u" * 150})
    assert response.status_code == 201, response.content


def test_a_nul_character_anywhere_is_a_422_naming_the_field_not_a_database_error(
    trzebiel_admin: Api, operator: Api
) -> None:
    """PostgreSQL stores no NUL in text: refused at parsing, in a body (nested too), a query and a form."""
    before = counts()
    body = plan_body()
    body["indicators"][0]["name"] = "Liczba\u0000osób"

    created = trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans", body)
    searched = operator.get("/api/v1/gminas", q="Trze\u0000biel")
    form = trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/1/adoption",
                                    {"act_number": "XII/\u0000/2024", "act_date": "2024-06-27"})  # fmt: skip

    assert_problem(created, 422, "validation_failed", ["indicators[0].name"])
    assert_problem(searched, 422, "validation_failed", ["q"])
    assert_problem(form, 422, "validation_failed", ["act_number"])
    assert counts() == before
