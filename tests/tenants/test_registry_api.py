"""Registry lookups and tenant creation through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.models import Tenant
from tests.support import TRZEBIEL, Api


def test_search_by_voivodeship_powiat_and_name(trzebiel_admin: Api) -> None:
    response = trzebiel_admin.get("/api/v1/gminas", voivodeship="08", powiat="0811", q="trzeb")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [trzebiel] = body["items"]
    assert trzebiel["teryt"] == TRZEBIEL
    assert trzebiel["provisioned"] is True
    assert trzebiel["powiat"] == {"code": "0811", "name": "żarski", "is_city_with_powiat_rights": False}


def test_the_registry_is_paginated(operator: Api) -> None:
    first = operator.get("/api/v1/gminas", voivodeship="08", page_size=50).json()
    second = operator.get("/api/v1/gminas", voivodeship="08", page_size=50, page=2).json()

    assert first["count"] == second["count"] == 82
    assert len(first["items"]) == 50
    assert len(second["items"]) == 32
    assert {g["teryt"] for g in first["items"]}.isdisjoint({g["teryt"] for g in second["items"]})


def test_parts_of_gminas_are_listed_only_on_request(operator: Api) -> None:
    wholes = operator.get("/api/v1/gminas", powiat="0201").json()
    everything = operator.get("/api/v1/gminas", powiat="0201", include_parts="true").json()

    assert {g["kind"] for g in wholes["items"]} == {"urban", "rural", "urban_rural"}
    assert {"town_part", "rural_part"} <= {g["kind"] for g in everything["items"]}


def test_one_gmina_with_its_parents(operator: Api) -> None:
    body = operator.get("/api/v1/gminas/1261011").json()

    assert body["name"] == "Kraków"
    assert body["powiat"]["is_city_with_powiat_rights"] is True
    assert body["voivodeship"] == {"code": "12", "name": "małopolskie"}
    assert body["kind_label"] == "gmina miejska"


@pytest.mark.parametrize(
    ("query", "path"),
    [
        pytest.param({"voivodeship": "8"}, "voivodeship", id="voivodeship"),
        pytest.param({"powiat": "08110"}, "powiat", id="powiat"),
        pytest.param({"page": "0"}, "page", id="page"),
    ],
)
def test_bad_search_parameters_name_the_field(operator: Api, query: dict[str, str], path: str) -> None:
    response = operator.get("/api/v1/gminas", **query)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == [path]


def test_an_operator_creates_a_tenant_once(operator: Api) -> None:
    created = operator.post_json("/api/v1/tenants", {"code": "0811011"})
    again = operator.post_json("/api/v1/tenants", {"code": "0811011"})

    assert created.status_code == 201, created.content
    assert again.status_code == 200
    assert created.json()["name"] == "Łęknica"
    assert Tenant.objects.filter(code="0811011").count() == 1
    assert operator.get("/api/v1/gminas/0811011").json()["provisioned"] is True


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"code": "0201044"}, 409, id="part-of-a-gmina"),
        pytest.param({"code": "0811999"}, 422, id="not-in-registry"),
        pytest.param({"code": "08110"}, 422, id="malformed"),
    ],
)
def test_tenant_creation_refuses_what_is_not_a_gmina_or_powiat(
    operator: Api, body: dict[str, Any], status: int
) -> None:
    assert operator.post_json("/api/v1/tenants", body).status_code == status
    assert not Tenant.objects.filter(code=body["code"]).exists()


def test_only_operators_create_tenants(trzebiel_admin: Api) -> None:
    response = trzebiel_admin.post_json("/api/v1/tenants", {"code": "0811011"})
    assert response.status_code == 403
    assert not Tenant.objects.filter(code="0811011").exists()
