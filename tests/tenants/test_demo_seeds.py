"""The other seeds' facts, read back through the API: Kraków's areas and eight FEMP.06.33
projects worth 83 885 600 zł, Zielona Góra's grant and indicators, Koszalin's sixteen services
with their co-payment, exemptions, resolution and budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.support import KOSZALIN, KRAKOW, ZIELONA_GORA, Api


def only_plan(api: Api, teryt: str) -> tuple[dict[str, Any], dict[str, Any]]:
    [plan] = api.get(f"/api/v1/gminas/{teryt}/plans").json()
    programme = api.get(f"/api/v1/gminas/{teryt}/plans/{plan['id']}/programme").json()
    return plan, programme


def test_krakow(operator: Api) -> None:
    plan, programme = only_plan(operator, KRAKOW)

    assert (plan["period_start"], plan["period_end"]) == (2025, 2027)
    assert [a["code"] for a in programme["areas"]] == [
        "family",
        "seniors",
        "mental_health",
        "disability",
        "homelessness",
    ]
    assert all(len(a["goals"]) == 1 for a in programme["areas"])
    key_actions = [
        x["text"] for a in programme["areas"] for g in a["goals"] for s in g["specific_goals"] for x in s["actions"]
    ]
    assert "Centra Aktywności Seniora" in key_actions
    assert len(key_actions) == 10
    projects = programme["eu_projects"]
    assert len(projects) == 8
    assert {p["call_code"] for p in projects} == {"FEMP.06.33"}
    assert sum(Decimal(f["amount"]) for f in programme["funding"] if "FEMP.06.33" in f["description"]) == Decimal(
        "83885600"
    )


def test_zielona_gora(operator: Api) -> None:
    plan, programme = only_plan(operator, ZIELONA_GORA)

    assert (plan["valid_from"], plan["valid_until"]) == ("2022-08-01", "2023-08-31")  # "sierpień 2022 - 31.08.2023"
    assert [f["source"] for f in programme["funding"]] == ["eu_2014_2020"]  # POWER 2014-2020, not FERS
    [grant] = programme["eu_projects"]
    assert Decimal(grant["value"]) == Decimal("2341850.00")
    assert [Decimal(i["target_value"]) for i in plan["indicators"]] == [100, 60, 30, 21, 2]
    [flats] = programme["services"]
    assert (flats["type"], Decimal(flats["capacity"])) == ("sheltered_flat", 12)


def test_koszalin(operator: Api) -> None:
    plan, programme = only_plan(operator, KOSZALIN)

    # A CUS programme for 01.10.2023-30.09.2026 (footnote 1), registered as adopted: past its period, it has expired.
    assert (plan["kind"], plan["valid_from"], plan["valid_until"]) == ("cus_programme", "2023-10-01", "2026-09-30")
    assert (plan["status"], plan["force_today"]) == ("expired", "ended")
    assert (plan["act"]["number"], plan["act"]["date"]) == ("LXIII/916/2023", "2023-05-25")
    [registration] = operator.get(f"/api/v1/gminas/{KOSZALIN}/plans/{plan['id']}/acts").json()
    assert (registration["kind"], registration["version_number"]) == ("registration", 1)
    assert len(registration["version_sha256"]) == 64  # the adopted text is frozen when registered
    figures = operator.get(f"/api/v1/gminas/{KOSZALIN}/plans/{plan['id']}/diagnosis").json()["figures"]
    assert [(f["value"], f["unit"]) for f in figures] == [("30.00", "%")]  # ~30 % exempt from co-payment
    services = programme["services"]
    assert len(services) == 16
    assert {Decimal(s["copayment_percent"]) for s in services} == {Decimal(20)}
    assert all(len(s["exemption_groups"]) == 5 for s in services)
    assert "ukończyły 90 rok życia" in services[0]["exemption_groups"]
    [budget] = [f for f in programme["funding"] if f["source"] == "gmina_budget"]
    assert (Decimal(budget["amount"]), budget["year"]) == (Decimal(76000), 2023)
