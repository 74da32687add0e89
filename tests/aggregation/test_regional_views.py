"""The regional and national views through the API: snapshots kept by events, coalesced rollups,
gmina lists with filters, white spots, time series, the comparison table, exports, the review
queue, and the rebuild command."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from aggregation.models import GminaSnapshot, Rollup, StaleRollup
from aggregation.views.consistency import views_rebuild
from aggregation.views.refresh import rollup_refresh, snapshot_refresh
from bench.snapshot_orm import snapshot_by_orm
from mozaika.tenancy import in_gmina
from tenants.models import Gmina
from tenants.plans.snapshot import gmina_snapshots
from tests.support import KOSZALIN, KRAKOW, TRZEBIEL, ZIELONA_GORA, Api, adoption_form, koszalin_local_plan

DEMO = [TRZEBIEL, ZIELONA_GORA, KRAKOW, KOSZALIN]


def refresh(teryt: str) -> None:
    """What the worker does for an event in the gmina: its snapshot, then the stale rollups."""
    with in_gmina(teryt):
        snapshot_refresh(teryt=teryt)
    for scope in ("voivodeship:" + teryt[:2], "national"):
        rollup_refresh(scope=scope)


@pytest.fixture
def views(db: None) -> None:
    koszalin_local_plan()  # the local plan in force that rollups count (its CUS programme is not one)
    views_rebuild()


def test_the_batched_reader_gives_what_plain_orm_reading_gives(db: None) -> None:
    batched = gmina_snapshots(DEMO)

    for teryt in DEMO:
        with in_gmina(teryt):
            assert batched[teryt] == snapshot_by_orm(teryt=teryt)
    trzebiel = batched[TRZEBIEL]["plans"][0]
    assert [(a["code"], a["general_goals"], a["actions"]) for a in trzebiel["programme_areas"]] == [
        ("seniors", 2, 9), ("disability", 2, 8), ("mental_health", 1, 7), ("family", 4, 23)
    ]  # fmt: skip
    assert len(trzebiel["indicators"]) == 29


def test_an_event_refreshes_its_gmina_and_marks_only_its_region_and_the_nation(views: None) -> None:
    before = dict(Rollup.objects.values_list("scope", "refreshed_at"))
    with in_gmina(TRZEBIEL):
        snapshot_refresh(teryt=TRZEBIEL)
    with in_gmina(ZIELONA_GORA):
        snapshot_refresh(teryt=ZIELONA_GORA)

    assert sorted(StaleRollup.objects.values_list("scope", flat=True)) == ["national", "voivodeship:08"]
    # Two gminas' events, one recomputation per stale rollup; the later refresh finds nothing.
    assert rollup_refresh(scope="voivodeship:08") is True
    assert rollup_refresh(scope="voivodeship:08") is False
    assert rollup_refresh(scope="national") is True
    after = dict(Rollup.objects.values_list("scope", "refreshed_at"))
    assert after["voivodeship:08"] > before["voivodeship:08"]
    assert after["voivodeship:12"] == before["voivodeship:12"]
    assert after["voivodeship:32"] == before["voivodeship:32"]


def test_the_rollup_counts_statuses_coverage_and_services(views: None, operator: Api) -> None:
    body = operator.get("/api/v1/regions/32/rollup").json()

    assert (
        body["gminas"] == Gmina.objects.filter(voivodeship_id="32", kind__in=["urban", "rural", "urban_rural"]).count()
    )
    assert body["gminas_with_snapshot"] == 1
    assert body["gminas_with_plan_in_force"] == 1  # Koszalin's local plan, 2026
    assert body["areas"]["homelessness"]["gminas"] == 1
    assert body["areas"]["mental_health"]["gminas"] == 0
    koszalin_services = {s["type"] for s in GminaSnapshot.objects.get(gmina_id=KOSZALIN).data["plans"][0]["services"]}
    for service_type, coverage in body["services"].items():
        assert coverage["gminas"] == (1 if service_type in koszalin_services else 0)
        assert coverage["white_spot_gminas"] == body["gminas"] - coverage["gminas"]


def test_rollup_filters_by_powiat_and_kind(views: None, operator: Api) -> None:
    urban = operator.get("/api/v1/regions/32/rollup", kind="urban").json()
    koszalin_powiat = operator.get("/api/v1/regions/32/rollup", powiat=KOSZALIN[:4]).json()

    assert urban["gminas"] == Gmina.objects.filter(voivodeship_id="32", kind="urban").count()
    assert urban["gminas_with_plan_in_force"] == 1
    assert koszalin_powiat["gminas"] == 1  # a city with powiat rights is its own powiat
    assert koszalin_powiat["share_with_plan_in_force"] == 1.0
    assert operator.get("/api/v1/regions/32/rollup", kind="rural").json()["gminas_with_plan_in_force"] == 0


def test_the_gmina_list_filters_sorts_and_pages(views: None, operator: Api) -> None:
    drafts = operator.get("/api/v1/regions/08/gminas", status="draft").json()
    assert drafts["total"] == 2
    assert [g["teryt"] for g in drafts["items"]] == [TRZEBIEL, ZIELONA_GORA]
    assert drafts["items"][0]["powiat_name"] == "żarski"

    by_name = operator.get("/api/v1/regions/08/gminas", sort="-name", limit=5, offset=5).json()
    names = [g["name"] for g in by_name["items"]]
    assert (
        by_name["total"]
        == Gmina.objects.filter(voivodeship_id="08", kind__in=["urban", "rural", "urban_rural"]).count()
    )
    assert len(names) == 5
    assert names == sorted(names, reverse=True)

    in_force = operator.get("/api/v1/national/gminas", in_force="true").json()
    assert [(g["teryt"], g["areas_in_force"]) for g in in_force["items"]] == [
        (KOSZALIN, ["disability", "family", "homelessness", "seniors"])
    ]
    assert operator.get("/api/v1/national/gminas", area="homelessness").json()["total"] == 1
    assert (
        operator.get("/api/v1/regions/08/gminas", powiat="0811").json()["total"]
        == Gmina.objects.filter(powiat_id="0811", kind__in=["urban", "rural", "urban_rural"]).count()
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/regions/08/gminas", {"sort": "population"}, 422, "sort"),
        ("/api/v1/regions/08/gminas", {"limit": "0"}, 422, "limit"),
        ("/api/v1/regions/08/gminas", {"limit": "501"}, 422, "limit"),
        ("/api/v1/regions/08/gminas", {"status": "lost"}, 422, "status"),
        ("/api/v1/regions/08/gminas", {"format": "pdf"}, 422, "format"),
        ("/api/v1/regions/08/gminas", {"powiat": "811"}, 422, "powiat"),
        ("/api/v1/regions/08/white-spots", {"service_type": "spa"}, 422, "service_type"),
        ("/api/v1/national/rollup", {"kind": "city"}, 422, "kind"),
    ],
)
def test_bad_list_parameters_are_422_with_the_field(
    operator: Api, path: str, params: dict[str, str], status: int, field: str
) -> None:
    response = operator.get(path, **params)
    assert response.status_code == status, response.content
    assert field in str(response.json()), response.json()


def test_a_filter_outside_the_voivodeship_or_unknown_is_422_and_an_unknown_region_404(operator: Api) -> None:
    outside = operator.get("/api/v1/regions/08/gminas", powiat="1261")
    assert outside.status_code == 422
    assert "1261" in outside.json()["detail"]
    assert [e["path"] for e in outside.json()["errors"]] == ["powiat"]
    assert operator.get("/api/v1/regions/08/rollup", powiat="0899").status_code == 422
    unknown_filter = operator.get("/api/v1/national/gminas", voivodeship="00")
    assert (unknown_filter.status_code, [e["path"] for e in unknown_filter.json()["errors"]]) == (422, ["voivodeship"])
    assert operator.get("/api/v1/regions/03/white-spots").status_code == 404


def test_csv_export_opens_in_a_polish_excel(views: None, operator: Api) -> None:
    response = operator.get("/api/v1/regions/32/gminas", status="adopted", format="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="gminy-32.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["TERYT", "Gmina", "Rodzaj gminy"]
    assert "Plan obowiązuje" in rows[0]
    assert rows[1][0] == KOSZALIN
    assert rows[1][rows[0].index("Plan obowiązuje")] == "tak"
    comparison = operator.get("/api/v1/national/voivodeships", format="csv").content.decode("utf-8-sig")
    share = list(csv.reader(io.StringIO(comparison), delimiter=";"))[1][4]
    assert "," in share or share == "0"  # decimal comma


def test_xlsx_export_keeps_numbers_as_numbers(views: None, operator: Api) -> None:
    response = operator.get("/api/v1/national/voivodeships", format="xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kod województwa", "Województwo", "Liczba gmin")
    assert len(rows) == 17
    zachodniopomorskie = next(r for r in rows if r[0] == "32")
    assert isinstance(zachodniopomorskie[2], int)
    assert zachodniopomorskie[3] == 1
    assert isinstance(zachodniopomorskie[4], float)
    assert sum(r[2] for r in rows[1:]) == 2477  # type: ignore[misc]


def test_white_spots_list_gminas_and_powiats_without_a_service(views: None, operator: Api) -> None:
    koszalin_services = {s["type"] for s in GminaSnapshot.objects.get(gmina_id=KOSZALIN).data["plans"][0]["services"]}
    served = sorted(koszalin_services - {"other"})[0]

    spots = operator.get("/api/v1/regions/32/white-spots", service_type=served).json()
    unserved = operator.get("/api/v1/regions/32/white-spots", service_type="nursery").json()

    assert KOSZALIN not in {s["code"] for s in spots}
    assert KOSZALIN[:4] not in {s["code"] for s in spots if s["level"] == "powiat"}
    assert KOSZALIN in {s["code"] for s in unserved} or "nursery" in koszalin_services
    assert {s["level"] for s in spots} == {"gmina", "powiat"}
    exported = operator.get("/api/v1/regions/32/white-spots", service_type=served, format="xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    assert sheet.max_row == len(spots) + 1


def test_time_series_and_national_comparison_follow_an_adoption(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    koszalin_local_plan()
    views_rebuild()
    adopted = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption", adoption_form()
    )
    assert adopted.status_code == 200, adopted.content
    refresh(TRZEBIEL)

    years = {row["year"]: row for row in operator.get("/api/v1/regions/08/time-series").json()}
    assert [years[y]["gminas_with_adopted_plan"] for y in (2025, 2026, 2027)] == [1, 1, 1]
    assert years[2025]["funding"] == 50000.0
    national = {row["voivodeship"]: row for row in operator.get("/api/v1/national/voivodeships").json()}
    assert national["08"]["gminas_with_plan_in_force"] == 1
    assert national["08"]["area_seniors"] == 1
    assert national["32"]["gminas_with_plan_in_force"] == 1


def test_review_queue_decision_comments_and_history(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any], operator: Api
) -> None:
    from tests.support import complete_programme, put_programme

    plan_id = created_plan["id"]
    written = put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), created_plan["version"])
    assert written.status_code == 200, written.content
    assert trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/submission", {}).status_code == 200
    refresh(TRZEBIEL)

    queue = lubuskie_reviewer.get("/api/v1/regions/08/review-queue").json()
    assert [(q["teryt"], q["plan_id"]) for q in queue] == [(TRZEBIEL, plan_id)]
    assert queue[0]["gmina"] == "Trzebiel"
    assert queue[0]["blocking_findings"] == 0
    assert all({"path", "severity", "message_pl", "message_en"} <= set(f) for f in queue[0]["findings"])

    returned = lubuskie_reviewer.post_json(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/review",
        {"decision": "return", "comments": [{"path": "programme.areas[0].goals[0]", "text": "Cel zbyt ogólny."}]},
    )
    assert returned.status_code == 200, returned.content
    refresh(TRZEBIEL)

    assert lubuskie_reviewer.get("/api/v1/regions/08/review-queue").json() == []
    comments = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/comments").json()
    assert [(c["path"], c["text"]) for c in comments] == [("programme.areas[0].goals[0]", "Cel zbyt ogólny.")]
    history = [e["type"] for e in trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/history").json()]
    assert history == ["plan.created", "plan.updated", "plan.submitted", "plan.returned"]
    assert operator.get("/api/v1/regions/08/rollup").json()["plans_by_status"]["returned"] == 1


def test_rebuild_verify_reports_every_difference_and_rebuild_repairs(views: None) -> None:
    GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).update(facts={"tampered": True})
    Rollup.objects.filter(scope="voivodeship:08").update(data={"gminas": 0})
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("aggregation", "rebuild", "--voivodeship", "08", "--verify", stdout=out)

    report = out.getvalue()
    assert f"{TRZEBIEL} facts.tampered" in report
    assert "voivodeship:08 gminas: incremental=0" in report
    assert GminaSnapshot.objects.get(gmina_id=TRZEBIEL).facts == {"tampered": True}  # verify changes nothing
    call_command("aggregation", "rebuild", "--voivodeship", "08", stdout=io.StringIO())
    call_command("aggregation", "verify", stdout=io.StringIO())  # raises on any difference


def test_a_format_an_operation_does_not_offer_is_refused_not_answered_in_json(operator: Api) -> None:
    refused = operator.get("/api/v1/regions/12/rollup", format="csv")
    plain = operator.get("/api/v1/regions/12/rollup", format="json")
    offered = operator.get("/api/v1/regions/12/gminas", format="csv")

    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert [e["path"] for e in refused.json()["errors"]] == ["format"]
    assert plain.status_code == 200
    assert (offered.status_code, offered["Content-Type"]) == (200, "text/csv; charset=utf-8")


def test_shares_are_exported_as_percentages(views: None, operator: Api) -> None:
    comparison = operator.get("/api/v1/national/voivodeships", format="csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(comparison), delimiter=";"))
    share = rows[0].index("Udział gmin z planem")
    workbook = load_workbook(io.BytesIO(operator.get("/api/v1/national/voivodeships", format="xlsx").content))
    sheet = workbook.active
    assert sheet is not None

    assert all(re.fullmatch(r"\d{1,3},\d\d%", row[share]) for row in rows[1:])
    assert sheet.cell(row=2, column=share + 1).number_format == "0.00%"
