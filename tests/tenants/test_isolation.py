"""Tenant isolation: each gmina's data lives in its own schema and no path crosses over."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.support import KRAKOW, TRZEBIEL, Api, adoption_form, plan_body


def test_a_plan_created_in_one_gmina_is_invisible_through_another_gminas_path(
    operator: Api, created_plan: dict[str, Any]
) -> None:
    krakow_plans = operator.get(f"/api/v1/gminas/{KRAKOW}/plans")
    same_id_in_krakow = operator.get(f"/api/v1/gminas/{KRAKOW}/plans/{created_plan['id']}")

    assert krakow_plans.status_code == 200
    assert created_plan["title"] not in [p["title"] for p in krakow_plans.json()]
    # Ids are per schema: the same number in Kraków is absent or another plan, never this one.
    assert same_id_in_krakow.status_code == 404 or same_id_in_krakow.json()["title"] != created_plan["title"]
    trzebiel_titles = [p["title"] for p in operator.get(f"/api/v1/gminas/{TRZEBIEL}/plans").json()]
    assert created_plan["title"] in trzebiel_titles


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("get", f"/api/v1/gminas/{KRAKOW}/plans", id="plan-list"),
        pytest.param("get", f"/api/v1/gminas/{KRAKOW}/plans/1", id="plan"),
        pytest.param("post", f"/api/v1/gminas/{KRAKOW}/plans", id="plan-create"),
        pytest.param("post", f"/api/v1/gminas/{KRAKOW}/plans/1/adoption", id="plan-adoption"),
    ],
)
def test_a_gmina_admin_is_refused_every_path_of_another_gmina(trzebiel_admin: Api, method: str, path: str) -> None:
    # Valid requests, so that authorisation, not validation, is what refuses them.
    if method == "get":
        response = trzebiel_admin.get(path)
    elif path.endswith("/adoption"):
        response = trzebiel_admin.post_form(path, adoption_form())
    else:
        response = trzebiel_admin.post_json(path, plan_body())

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_viewer_may_read_but_not_write_its_gmina(krakow_viewer: Api) -> None:
    assert krakow_viewer.get(f"/api/v1/gminas/{KRAKOW}/plans").status_code == 200
    refused = krakow_viewer.post_json(f"/api/v1/gminas/{KRAKOW}/plans", plan_body())
    assert refused.status_code == 403


def test_each_gmina_has_its_own_schema_holding_its_own_plan_tables(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'plans_plan' ORDER BY 1")
        schemas_with_plans = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT table_schema, count(*) FROM information_schema.tables WHERE table_schema = ANY(%s) GROUP BY 1",
            [schemas_with_plans],
        )
        table_counts = dict(cursor.fetchall())

    assert schemas_with_plans == ["g0811082", "g0862011", "g1261011", "g3261011"]
    assert "public" not in schemas_with_plans
    assert len(set(table_counts.values())) == 1  # the same tables, separately in each schema


def test_requests_leave_the_connection_in_the_public_schema(operator: Api, created_plan: dict[str, Any]) -> None:
    operator.get(f"/api/v1/gminas/{TRZEBIEL}/plans")
    assert connection.schema_name == "public"
    operator.get(f"/api/v1/gminas/{TRZEBIEL}/plans/999999")  # raises NotFound inside the schema
    assert connection.schema_name == "public"
