"""The programme part through the API: replace with optimistic locking, read back, validation
with field paths, and the completeness check's findings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import TRZEBIEL, Api


def programme(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "areas": [
            {
                "code": "seniors",
                "goals": [
                    {
                        "number": "1",
                        "text": "Rozwój systemu wsparcia seniorów",
                        "specific_goals": [
                            {
                                "number": "1",
                                "text": "Dostęp do usług opiekuńczych",
                                "actions": [
                                    {
                                        "number": "1)",
                                        "text": "Zwiększenie dostępu do usług opiekuńczych",
                                        "institutions": ["ops", "ngo"],
                                        "institutions_other": "sołectwa",
                                        "estimated_cost": "12000.50",
                                        "funding_sources": ["gmina_budget"],
                                    },
                                ],
                            }
                        ],
                    }
                ],
            },
            {"name": "Dostępność", "goals": []},
        ],
        "services": [
            {
                "type": "care_at_home",
                "name": "Usługi opiekuńcze",
                "area": "seniors",
                "capacity": "25",
                "unit": "osoby",
                "copayment_percent": "20",
                "exemption_groups": ["osoby samotne o dochodzie poniżej kryterium"],
            },
        ],
        "funding": [{"source": "gmina_budget", "year": 2025, "amount": "76000"}],
        "eu_projects": [{"call_code": "FEMP.06.33", "title": "Projekt", "value": "1000000.00"}],
    }
    body.update(overrides)
    return body


def put(api: Api, plan_id: int, body: dict[str, Any], version: str | None) -> Any:
    headers = {"Authorization": f"Bearer {api.token}"}
    if version is not None:
        headers["If-Match"] = version
    return api.client.put(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/programme", body, content_type="application/json", headers=headers
    )


def test_programme_round_trips_through_the_api_with_polish_text(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    path = f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/programme"
    etag = trzebiel_admin.get(path)["ETag"]

    written = put(trzebiel_admin, created_plan["id"], programme(), etag)

    assert written.status_code == 200, written.content
    assert written.json()["version"] == created_plan["version"] + 1
    read = trzebiel_admin.get(path)
    assert read["ETag"] == f'"{created_plan["version"] + 1}"'
    body = read.json()
    action = body["areas"][0]["goals"][0]["specific_goals"][0]["actions"][0]
    assert action["institutions"] == ["ops", "ngo"]
    assert action["estimated_cost"] == "12000.50"
    assert body["areas"][1] == {"code": None, "name": "Dostępność", "goals": []}
    assert body["services"][0]["exemption_groups"] == ["osoby samotne o dochodzie poniżej kryterium"]
    assert written.json()["areas"] == ["seniors"]


def test_a_second_writer_with_a_stale_version_gets_409_and_nothing_is_lost(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    stale = f'"{created_plan["version"]}"'
    first = put(trzebiel_admin, created_plan["id"], programme(), stale)
    second = put(trzebiel_admin, created_plan["id"], programme(areas=[]), stale)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["errors"][0]["path"] == "If-Match"
    areas = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/programme").json()["areas"]
    assert len(areas) == 2


def test_a_write_without_if_match_is_428(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    assert put(trzebiel_admin, created_plan["id"], programme(), None).status_code == 428


@pytest.mark.parametrize(
    ("override", "path"),
    [
        pytest.param(
            {"services": [{"type": "care_at_home", "name": "x", "copayment_percent": "120"}]},
            "services[0].copayment_percent",
            id="share-over-100",
        ),
        pytest.param({"funding": [{"source": "gmina_budget", "amount": "-1"}]}, "funding[0].amount", id="negative"),
        pytest.param({"funding": [{"source": "bitcoin"}]}, "funding[0].source", id="unknown-source"),
        pytest.param(
            {"eu_projects": [{"call_code": "FEMP-6-33", "title": "x"}]}, "eu_projects[0].call_code", id="call-code"
        ),
        pytest.param({"funding": [{"source": "gmina_budget", "year": 2031}]}, "funding[0].year", id="year-outside"),
        pytest.param(
            {"services": [{"type": "nursery", "name": "Żłobek", "area": "homelessness"}]},
            "services[0].area",
            id="service-area-not-in-plan",
        ),
        pytest.param({"areas": [{"code": "seniors", "name": "x"}]}, "areas[0]", id="coded-and-named"),
    ],
)
def test_invalid_programmes_name_the_field_and_change_nothing(
    trzebiel_admin: Api, created_plan: dict[str, Any], override: dict[str, Any], path: str
) -> None:
    response = put(trzebiel_admin, created_plan["id"], programme(**override), f'"{created_plan["version"]}"')

    assert response.status_code == 422, response.content
    assert path in [e["path"] for e in response.json()["errors"]]
    after = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}")
    assert after.json()["version"] == created_plan["version"]


def test_the_completeness_check_reports_paths_severities_and_both_languages(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    body = programme()
    body["areas"][0]["goals"][0]["specific_goals"][0]["actions"].append({"number": "3)", "text": "Bez instytucji"})
    put(trzebiel_admin, created_plan["id"], body, f'"{created_plan["version"]}"')

    report = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/completeness").json()

    by_path = {f["path"]: f for f in report["findings"]}
    missing = by_path["areas[0].goals[0].specific_goals[0].actions[1].institutions"]
    assert missing["severity"] == "blocking"
    assert missing["message_pl"].startswith("Działanie nie ma instytucji")
    assert missing["message_en"] == "The action has no responsible institution."
    assert by_path["areas[0].goals[0].specific_goals[0].actions"]["code"] == "numbering_gap"
    assert "areas[0].indicators" not in by_path  # seniors has an indicator with baseline and target
    assert by_path["areas[1].goals"]["code"] == "area_without_goal"
    assert report["blocking"] >= 2
