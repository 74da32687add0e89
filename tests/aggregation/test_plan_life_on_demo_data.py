"""What outsiders found on the demo data (issue 14), answered right: Koszalin's CUS programme is
not a local plan and ended on 2026-09-30; Kraków's draft money is not in the regional funding;
no rollup has an empty-string key; hierarchical numbering is no gap."""

from __future__ import annotations

from typing import Any

import pytest

from aggregation.calls.demo import demo_calls_load
from aggregation.views.consistency import views_rebuild
from mozaika.audit.log import Actor
from tenants.plans.programme.numbering import numbering_gap
from tests.support import KOSZALIN, KRAKOW, TRZEBIEL, Api, complete_programme, put_programme


@pytest.fixture
def demo_views(db: None) -> None:
    views_rebuild()
    demo_calls_load(Actor.system("test"))


def test_koszalins_cus_programme_does_not_make_it_eligible_and_ended_on_its_last_day(
    demo_views: None, operator: Api
) -> None:
    def ask(on: str) -> dict[str, Any]:
        answer: dict[str, Any] = operator.get(
            f"/api/v1/eligibility/{KOSZALIN}", call="FEPZ.06.19", area="seniors", on=on
        ).json()
        return answer

    today = ask("2026-12-01")
    assert today["eligible"] is False
    failed = {c["code"]: c for c in today["criteria"] if not c["passed"]}
    assert {"D1", "D2"} <= set(failed)
    assert "rodzaju: Lokalny Plan Rozwoju Usług Społecznych" in failed["D1"]["reason_pl"]  # not "no plan at all"
    assert "jest w mocy w dniu 2026-12-01" not in " ".join(c["reason_pl"] for c in today["criteria"])
    cus = next(c for c in today["criteria"] if c["code"] == "P5")
    assert cus["passed"] is False
    assert "it was in force until 2026-09-30" in cus["reason_en"]
    # While the programme ran it earned its bonus criterion, but a CUS programme is no LPRUSiD.
    during = ask("2026-03-02")
    assert next(c for c in during["criteria"] if c["code"] == "P5")["passed"] is True
    assert during["eligible"] is False


def test_a_drafts_money_is_not_in_the_regional_funding_and_no_key_is_empty(demo_views: None, operator: Api) -> None:
    rollup = operator.get("/api/v1/regions/12/rollup").json()

    assert rollup["plans_by_status"]["draft"] >= 1  # Kraków's plan is counted by status only
    assert rollup["funding"] == {}
    assert rollup["funding_not_yet_in_force"] == {}

    def keys(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [k for key, v in value.items() for k in [key, *keys(v)]]
        if isinstance(value, list):
            return [k for v in value for k in keys(v)]
        return []

    for path in ("/api/v1/regions/12/rollup", "/api/v1/regions/08/rollup", "/api/v1/regions/32/rollup",
                 "/api/v1/national/rollup"):  # fmt: skip
        assert "" not in keys(operator.get(path).json()), path


@pytest.mark.parametrize(
    ("labels", "gap"),
    [
        pytest.param(["1.1.1", "1.1.2", "1.1.3"], False, id="hierarchical"),
        pytest.param(["2.1.1"], False, id="one-deep"),
        pytest.param(["2.1", "2.2"], False, id="second-goal"),
        pytest.param(["1)", "2)", "3)"], False, id="parenthesis"),
        pytest.param(["a)", "b)", "c)"], False, id="letters"),
        pytest.param(["I.", "II.", "III.", "IV."], False, id="roman"),
        pytest.param(["§ 1", "§ 2"], False, id="paragraphs"),
        pytest.param(["1.", "2.", "3."], False, id="dotted"),
        pytest.param(["1", "2", "4", "5"], True, id="trzebiel-gap"),
        pytest.param(["1.1.1", "1.1.3"], True, id="hierarchical-gap"),
        pytest.param(["a)", "c)"], True, id="letter-gap"),
        pytest.param(["I.", "III."], True, id="roman-gap"),
        pytest.param(["2", "3"], True, id="not-from-one"),
        pytest.param(["١", "٢"], False, id="non-ascii-digits-unread"),
    ],
)
def test_numbering_gaps_are_judged_among_siblings(labels: list[str], gap: bool) -> None:
    assert (numbering_gap(labels) is not None) is gap


def test_hierarchical_numbering_raises_no_warning_and_real_gaps_stay(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    def action(number: str) -> dict[str, Any]:
        return {"number": number, "text": f"Działanie {number}", "institutions": ["ops"]}

    programme = complete_programme()
    programme["areas"][0]["goals"] = [
        {"number": "1", "text": "Cel 1", "specific_goals": [
            {"number": "1.1", "text": "Cel 1.1", "actions": [action("1.1.1"), action("1.1.2")]}]},
        {"number": "2", "text": "Cel 2", "specific_goals": [
            {"number": "2.1", "text": "Cel 2.1", "actions": [action("2.1.1")]}]},
    ]  # fmt: skip
    plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
    written = put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], programme, created_plan["version"])
    assert written.status_code == 200, written.content

    findings = trzebiel_admin.get(f"{plans}/{created_plan['id']}/completeness").json()["findings"]
    assert [f for f in findings if f["code"] == "numbering_gap"] == []
    demo = next(p for p in trzebiel_admin.get(plans).json() if p["id"] != created_plan["id"])
    demo_findings = trzebiel_admin.get(f"{plans}/{demo['id']}/completeness").json()["findings"]
    gaps = {f["path"]: f["message_pl"] for f in demo_findings if f["code"] == "numbering_gap"}
    assert "areas[3].indicators" in gaps  # Trzebiel's family indicators go 1, 2, 4, 5...
    assert gaps["areas[3].indicators"].startswith("Numeracja nie jest ciągła: brak 3 ")  # names what is missing
    assert not any(message.startswith("Numeracja nie jest ciągła: 1, 1") for message in gaps.values())


def test_exports_name_statuses_kinds_and_areas_in_polish(demo_views: None, operator: Api) -> None:
    import csv
    import io

    exported = operator.get("/api/v1/regions/12/gminas", format="csv", status="draft")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    header, [krakow] = rows[0], rows[1:]
    row = dict(zip(header, krakow, strict=True))
    assert (row["TERYT"], row["Rodzaj gminy"], row["Status planu"]) == (KRAKOW, "gmina miejska", "projekt")
    spots = operator.get("/api/v1/regions/12/white-spots", service_type="respite_care", format="csv")
    assert "opieka wytchnieniowa" in spots.content.decode("utf-8-sig")
    assert "respite_care" not in spots.content.decode("utf-8-sig")


def test_outsiders_see_adopted_plans_and_counts_reviewers_submitted_ones(demo_views: None, operator: Api) -> None:
    """Kraków's and Zielona Góra's plans are drafts: the gminas' own people and operators see
    them; a national analyst and an API client see no plan in the lists, only the counts."""
    from mozaika.identity.models import Scope
    from mozaika.identity.tokens import api_client_create
    from tests.support import ZIELONA_GORA, token_for

    _, secret = api_client_create(name="sowa", scopes=[Scope.ROLLUPS_READ], voivodeships=[],
                                  actor=Actor.system("test"))  # fmt: skip
    analyst, client = Api(token_for("demo-national-analyst")), Api(secret)
    reviewer = Api(token_for("demo-lubuskie-reviewer"))

    def row(api: Api, teryt: str) -> dict[str, Any]:
        items = api.get("/api/v1/national/gminas", limit=500, kind="urban").json()["items"]
        found: dict[str, Any] = next(r for r in items if r["teryt"] == teryt)
        return found

    assert row(operator, KRAKOW)["status"] == "draft"
    for outsider in (analyst, client):
        assert (row(outsider, KRAKOW)["status"], row(outsider, KRAKOW)["period_start"]) == ("", None)
        assert outsider.get("/api/v1/national/gminas", status="draft").json()["total"] == 0
        assert outsider.get("/api/v1/national/rollup").json()["plans_by_status"]["draft"] >= 2  # counts stay
    lubuskie = reviewer.get("/api/v1/regions/08/gminas", status="draft").json()
    assert lubuskie["total"] == 0  # drafts are the gminas' own until submitted
    zielona = next(r for r in reviewer.get("/api/v1/regions/08/gminas", limit=500).json()["items"]
                   if r["teryt"] == ZIELONA_GORA)  # fmt: skip
    assert zielona["status"] == ""


@pytest.mark.parametrize(
    ("labels", "missing"),
    [
        pytest.param(["1", "2", "4", "5"], ["3"], id="plain"),
        pytest.param(["1.1.1", "1.1.3"], ["1.1.2"], id="hierarchical"),
        pytest.param(["a)", "c)"], ["b)"], id="letters"),
        pytest.param(["I.", "III."], ["II"], id="roman"),
        pytest.param(["§ 1", "§ 3"], ["§ 2"], id="paragraphs"),
        pytest.param(["2", "3"], ["1"], id="not-from-one"),
    ],
)
def test_a_gap_is_reported_by_the_numbers_missing(labels: list[str], missing: list[str]) -> None:
    from tenants.plans.programme.numbering import missing_numbers

    assert missing_numbers(labels) == missing
