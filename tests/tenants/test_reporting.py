"""Yearly reporting: values and corrections with history, reports fixing a year's values, the
diagnostic part."""

from __future__ import annotations

from typing import Any

from mozaika.events.models import Event
from tests.support import TRZEBIEL, Api, adoption_form

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def test_a_correction_replaces_the_value_and_keeps_the_old_one(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    [indicator] = created_plan["indicators"]
    url = f"{PLANS}/{created_plan['id']}/indicators/{indicator['id']}/values"

    first = trzebiel_admin.post_json(url, {"year": 2027, "value": "25"})
    corrected = trzebiel_admin.post_json(url, {"year": 2027, "value": "27.5", "note": "korekta po kontroli"})

    assert (first.status_code, corrected.status_code) == (201, 201)
    history = trzebiel_admin.get(url).json()
    assert [(h["year"], h["value"], h["superseded_at"] is None) for h in history if h["year"] == 2027] == [
        (2027, "25.00", False),
        (2027, "27.50", True),
    ]
    plan = trzebiel_admin.get(f"{PLANS}/{created_plan['id']}").json()
    assert {v["year"]: v["value"] for v in plan["indicators"][0]["values"]} == {
        2025: "12.00",
        2026: "18.00",
        2027: "27.50",
    }
    assert Event.objects.filter(type="indicator.corrected").count() == 1


def test_values_outside_the_period_or_negative_are_refused(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    [indicator] = created_plan["indicators"]
    url = f"{PLANS}/{created_plan['id']}/indicators/{indicator['id']}/values"

    outside = trzebiel_admin.post_json(url, {"year": 2031, "value": "1"})
    negative = trzebiel_admin.post_json(url, {"year": 2026, "value": "-1"})

    assert outside.status_code == 422
    assert outside.json()["errors"][0]["path"] == "year"
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["path"] == "value"


def test_a_report_fixes_its_years_values(trzebiel_admin: Api, accepted_plan: dict[str, Any]) -> None:
    trzebiel_admin.post_form(f"{PLANS}/{accepted_plan['id']}/adoption", adoption_form())
    [indicator] = accepted_plan["indicators"]
    values = f"{PLANS}/{accepted_plan['id']}/indicators/{indicator['id']}/values"

    filed = trzebiel_admin.post_json(
        f"{PLANS}/{accepted_plan['id']}/reports",
        {"kind": "yearly", "year": 2026, "narrative": "Sprawozdanie za 2026 r."},
    )
    trzebiel_admin.post_json(values, {"year": 2026, "value": "19"})  # a later correction
    again = trzebiel_admin.post_json(
        f"{PLANS}/{accepted_plan['id']}/reports", {"kind": "yearly", "year": 2026, "narrative": "x"}
    )

    assert filed.status_code == 201, filed.content
    assert [v["value"] for v in filed.json()["indicator_values"]] == ["18.00"]
    assert again.status_code == 409
    [report] = trzebiel_admin.get(f"{PLANS}/{accepted_plan['id']}/reports").json()
    assert report["indicator_values"][0]["value"] == "18.00"


def test_the_diagnosis_round_trips(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    body = {
        "sections": [{"title": "Profil gminy", "text": "Gmina wiejska w powiecie żarskim."}],
        "figures": [{"name": "Mieszkańcy DPS", "value": "14", "unit": "osoby", "year": 2023, "source": "OZPS"}],
    }
    url = f"{PLANS}/{created_plan['id']}/diagnosis"
    etag = trzebiel_admin.get(url)["ETag"]
    headers = {"Authorization": f"Bearer {trzebiel_admin.token}", "If-Match": etag}
    written = trzebiel_admin.client.put(url, body, content_type="application/json", headers=headers)
    stale = trzebiel_admin.client.put(url, body, content_type="application/json", headers=headers)
    assert stale.status_code == 409
    assert written.status_code == 200, written.content
    read = trzebiel_admin.get(f"{PLANS}/{created_plan['id']}/diagnosis").json()
    assert read["sections"] == body["sections"]
    assert read["figures"][0]["value"] == "14.00"
