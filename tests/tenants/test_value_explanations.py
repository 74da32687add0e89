"""A gmina explains a value the data-quality checks question (issue 20): the explanation is kept
(a new one supersedes, the old stays), travels with the snapshot to every flag on that value and
year, and is shown to the region; bad input changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aggregation.quality.checks import gmina_quality
from aggregation.views.consistency import views_verify
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea, ValueExplanation
from tests.aggregation.test_data_quality import indicator, plan
from tests.aggregation.test_regional_views import refresh
from tests.factories import AdoptedPlanFactory
from tests.support import TRZEBIEL, Api


def test_an_explanation_rides_on_every_flag_of_its_value_and_year() -> None:
    adopted = plan([indicator("1", {"2024": "-2"}), indicator("2", {"2024": "1"})], reports=[2024])
    adopted["explanations"] = [
        {
            "indicator_id": 1,
            "indicator": "1",
            "year": 2024,
            "text": "Korekta ujemna po kontroli.",
            "explained_on": "2026-05-01",
        },
        {
            "indicator_id": None,
            "indicator": None,
            "year": 2025,
            "text": "Sprawozdanie w przygotowaniu.",
            "explained_on": "2026-05-02",
        },
    ]
    from tests.aggregation.test_data_quality import RULES

    flags = gmina_quality({"teryt": TRZEBIEL, "plans": [adopted]}, today=date(2026, 12, 6), rules=RULES)
    explained = {(f["code"], f["indicator"], f["year"]): f["explanation"] for f in flags}

    assert explained[("VALUE.NOT_NEGATIVE", "1", 2024)] == {
        "text": "Korekta ujemna po kontroli.",
        "explained_on": "2026-05-01",
    }
    assert explained[("report_missing", None, 2025)] == {
        "text": "Sprawozdanie w przygotowaniu.",
        "explained_on": "2026-05-02",
    }
    assert explained[("value_missing", "1", 2025)] is None  # another year
    assert explained[("value_missing", "2", 2025)] is None  # another indicator


def test_indicators_without_a_number_do_not_share_an_explanation() -> None:
    adopted = plan([indicator("", {"2024": "1"}, ident=11), indicator("", {"2024": "1"}, ident=12)], reports=[2024])
    adopted["explanations"] = [{"indicator_id": 12, "indicator": "", "year": 2025, "text": "Tylko drugi.",
                                "explained_on": "2026-05-01"}]  # fmt: skip

    flags = gmina_quality({"teryt": TRZEBIEL, "plans": [adopted]}, today=date(2026, 12, 6), rules=[])

    assert [(f["indicator_id"], f["explanation"] is not None) for f in flags if f["code"] == "value_missing"] == [
        (11, False),
        (12, True),
    ]


@pytest.fixture
def adopted(db: None) -> Any:
    with in_gmina(TRZEBIEL):
        adopted = AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2029,
                                     areas=[InterventionArea.SENIORS, InterventionArea.FAMILY])  # fmt: skip
        return adopted, list(adopted.indicators.order_by("id"))


def _path(plan_id: int) -> str:
    return f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/explanations"


def test_the_gmina_explains_a_missing_value_and_the_region_sees_it(
    adopted: Any, trzebiel_admin: Api, lubuskie_reviewer: Api
) -> None:
    plan_, (first, _) = adopted
    refresh(TRZEBIEL)

    answer = trzebiel_admin.post_json(
        _path(plan_.pk), {"indicator_id": first.pk, "year": 2025, "text": "  Dane z OPS spłyną w styczniu.  "}
    )
    refresh(TRZEBIEL)

    assert answer.status_code == 201, answer.content
    assert answer.json()["text"] == "Dane z OPS spłyną w styczniu."
    assert answer.json()["indicator_number"] == first.number
    own = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/data-quality").json()
    [flag] = [f for f in own["flags"] if f["code"] == "value_missing" and f["indicator"] == first.number]
    assert flag["explanation"]["text"] == "Dane z OPS spłyną w styczniu."
    assert own["counts"]["explained"] == 1
    [row] = [g for g in lubuskie_reviewer.get("/api/v1/regions/08/data-quality").json()["gminas"]
             if g["teryt"] == TRZEBIEL]  # fmt: skip
    assert row["counts"]["explained"] == 1
    assert Event.objects.filter(type="indicator.explained", teryt=TRZEBIEL).count() == 1
    assert TRZEBIEL not in views_verify().snapshots  # the event's refresh and a rebuild agree


def test_a_new_explanation_supersedes_the_last_which_is_kept(adopted: Any, trzebiel_admin: Api) -> None:
    plan_, (first, _) = adopted
    for text in ("Pierwsze wyjaśnienie.", "Drugie wyjaśnienie."):
        body = {"indicator_id": first.pk, "year": 2025, "text": text}
        assert trzebiel_admin.post_json(_path(plan_.pk), body).status_code == 201
    refresh(TRZEBIEL)

    history = trzebiel_admin.get(_path(plan_.pk)).json()
    flags = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/data-quality").json()["flags"]

    assert [(h["text"], h["superseded_at"] is None) for h in history] == [
        ("Pierwsze wyjaśnienie.", False),
        ("Drugie wyjaśnienie.", True),
    ]
    assert {f["explanation"]["text"] for f in flags if f["explanation"]} == {"Drugie wyjaśnienie."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicator_id": 999_999, "year": 2025, "text": "x"}, "indicator_id"),
        ({"year": 2031, "text": "x"}, "year"),
        ({"year": 2025, "text": "   "}, "text"),
        ({"year": 2025, "text": "x" * 2001}, "text"),
        ({"year": 2025}, "text"),
        ({"indicator_id": "jeden", "year": 2025, "text": "x"}, "indicator_id"),
        ({"indicatorId": 5, "year": 2025, "text": "x"}, "indicatorId"),  # not silently the year's reporting
    ],
)
def test_bad_explanations_are_refused_by_field_and_change_nothing(
    adopted: Any, trzebiel_admin: Api, body: dict[str, Any], field: str
) -> None:
    plan_, _ = adopted
    events = Event.objects.count()

    answer = trzebiel_admin.post_json(_path(plan_.pk), body)

    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert next(e["path"] for e in answer.json()["errors"]).endswith(field)
    with in_gmina(TRZEBIEL):
        assert not ValueExplanation.objects.exists()
    assert Event.objects.count() == events


def test_an_unknown_plan_is_a_404_problem(adopted: Any, trzebiel_admin: Api) -> None:
    answer = trzebiel_admin.post_json(_path(999_999), {"year": 2025, "text": "x"})

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"


def test_an_outlier_among_peers_carries_the_explanation_of_a_value_mapped_to_its_standard() -> None:
    from aggregation.quality.peers import PeerOutlier, explained

    adopted = plan([indicator("3", {"2025": "400"}, code="CARE.HOME.PERSONS"), indicator("4", {"2025": "1"})])
    adopted["explanations"] = [
        {"indicator_id": 4, "indicator": "4", "year": 2025, "text": "Inny wskaźnik.", "explained_on": "2026-05-01"},
        {"indicator_id": 3, "indicator": "3", "year": 2024, "text": "Inny rok.", "explained_on": "2026-05-01"},
        {
            "indicator_id": 3,
            "indicator": "3",
            "year": 2025,
            "text": "Dom pomocy zamknięty, usługi w domu.",
            "explained_on": "2026-05-03",
        },
    ]
    # Another plan's indicator of the same number (another measure), explained for the same year.
    other = {**plan([indicator("3", {"2025": "1"}, ident=33)]), "id": 8}
    other["explanations"] = [{"indicator_id": 33, "indicator": "3", "year": 2025, "text": "Inny plan.",
                              "explained_on": "2026-05-02"}]  # fmt: skip
    outlier: PeerOutlier = {
        "teryt": TRZEBIEL, "standard_code": "CARE.HOME.PERSONS", "year": 2025, "value": "400", "per_1000": "100.00",
        "peers": 6, "peer_median_per_1000": "10.00", "reason_pl": "", "reason_en": "",
    }  # fmt: skip

    assert explained(outlier, [other])["explanation"] is None
    assert explained(outlier, [other, adopted])["explanation"] == {
        "text": "Dom pomocy zamknięty, usługi w domu.",
        "explained_on": "2026-05-03",
    }
    assert explained({**outlier, "year": 2023}, [adopted])["explanation"] is None
