"""The catalogue of standard indicators (issue 20): listed for everyone, the only codes a gmina
can map to, suggested from an indicator's name and unit (never applied), and versioned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from tenants.models import IndicatorStandard
from tenants.registry.standards import STANDARDS_FILE
from tests.support import TRZEBIEL, Api, plan_body

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def test_the_catalogue_is_listed_with_what_it_takes_to_add_up(trzebiel_admin: Api, funding_system: Api) -> None:
    standards = trzebiel_admin.get("/api/v1/indicator-standards").json()
    by_code = {s["code"]: s for s in standards}

    assert len(standards) == len(json.loads(STANDARDS_FILE.read_text())["standards"]) >= 12
    care = by_code["CARE.HOME.PERSONS"]
    assert (care["unit"], care["direction"], care["aggregation"], care["version"]) == ("osoby", "increase", "sum", 1)
    assert care["name_en"]
    assert care["definition_pl"]
    assert "seniors" in care["areas"]
    assert by_code["RESIDENTS.SERVICES.SHARE"]["aggregation"] == "weighted_mean"
    family = [s["code"] for s in funding_system.get("/api/v1/indicator-standards", area="family").json()]
    assert "FAMILY.ASSISTANTS" in family
    assert "CARE.HOME.PERSONS" not in family


def test_an_indicator_maps_only_to_a_standard_of_the_catalogue(trzebiel_admin: Api) -> None:
    body = plan_body()
    body["indicators"][0]["standard_code"] = "NIE.MA.TAKIEGO"
    refused = trzebiel_admin.post_json(PLANS, body)
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["indicators[0].standard_code"]

    body["indicators"][0]["standard_code"] = "CARE.HOME.PERSONS"
    created = trzebiel_admin.post_json(PLANS, body)
    assert created.status_code == 201, created.content

    plan: dict[str, Any] = created.json()
    edits = [{**i, "standard_code": "RETIRED.OR.NOT"} for i in plan["indicators"]]
    headers = {**trzebiel_admin._headers(), "If-Match": f'"{plan["version"]}"'}
    edited = trzebiel_admin.client.put(
        f"{PLANS}/{plan['id']}/indicators", edits, content_type="application/json", headers=headers
    )
    assert edited.status_code == 422
    assert {e["path"] for e in edited.json()["errors"]} == {"indicators[0].standard_code"}


def test_suggestions_come_from_name_and_unit_and_are_never_applied(trzebiel_admin: Api) -> None:
    body = plan_body(areas=["seniors", "family"])
    body["indicators"] = [
        {"area": "seniors", "number": "1", "unit": "osoby",
         "name": "Liczba osób objętych usługami opiekuńczymi w miejscu zamieszkania"},
        {"area": "family", "number": "2", "unit": "miejsca", "name": "Liczba miejsc w żłobku"},
        {"area": "family", "number": "3", "unit": "osoby", "name": "Liczba miejsc w żłobku"},  # wrong unit
        {"area": "family", "number": "4", "unit": "miejsca", "name": "Liczba miejsc spotkań w sołectwach"},
        {"area": "family", "number": "5", "unit": "osoby", "name": "Asystent rodziny",
         "standard_code": "FAMILY.ASSISTANTS"},
    ]  # fmt: skip
    plan = trzebiel_admin.post_json(PLANS, body).json()

    answers = trzebiel_admin.get(f"{PLANS}/{plan['id']}/standard-suggestions").json()

    suggested = {a["number"]: (a["suggestion"] or {}).get("code") for a in answers}
    assert suggested == {"1": "CARE.HOME.PERSONS", "2": "NURSERY.PLACES", "3": None, "4": None}  # 5 is mapped
    reason = next(a["suggestion"]["reason"] for a in answers if a["number"] == "1")
    assert "osoby" in reason
    after = trzebiel_admin.get(f"{PLANS}/{plan['id']}").json()
    assert [i["standard_code"] for i in after["indicators"]] == ["", "", "", "", "FAMILY.ASSISTANTS"]


def test_a_new_edition_versions_changed_standards_and_retires_dropped_ones(db: None, tmp_path: Path) -> None:
    catalogue = json.loads(STANDARDS_FILE.read_text())
    catalogue["edition"] = 2
    catalogue["standards"] = [s for s in catalogue["standards"] if s["code"] != "RESPITE.PERSONS"]
    for standard in catalogue["standards"]:
        if standard["code"] == "DAYCARE.PLACES":
            standard["definition_en"] += " Clubs for people with dementia included."
    catalogue["standards"].append({**catalogue["standards"][0], "code": "NEW.STANDARD"})
    edition = tmp_path / "standards-2.json"
    edition.write_text(json.dumps(catalogue))

    call_command("registry", "standards", str(edition))

    daycare = IndicatorStandard.objects.get(code="DAYCARE.PLACES")
    assert (daycare.version, daycare.edition) == (2, 2)
    assert IndicatorStandard.objects.get(code="CARE.HOME.PERSONS").version == 1
    assert IndicatorStandard.objects.get(code="RESPITE.PERSONS").retired
    assert IndicatorStandard.objects.get(code="NEW.STANDARD").edition == 2
