"""The columns of the regional and national exports, with Polish headers."""

from __future__ import annotations

from mozaika.exports import Column, ColumnKind
from tenants.plans.labels import LABELS_PL

_STATUS, _AREA, _SERVICE = LABELS_PL["PlanStatus"], LABELS_PL["InterventionArea"], LABELS_PL["ServiceType"]
_GMINA_KIND = LABELS_PL["GminaKind"]

GMINA_COLUMNS = [
    Column("teryt", "TERYT"),
    Column("name", "Gmina"),
    Column("kind", "Rodzaj gminy", names=_GMINA_KIND),
    Column("powiat", "Kod powiatu"),
    Column("powiat_name", "Powiat"),
    Column("status", "Status planu", names=_STATUS),
    Column("in_force", "Plan obowiązuje", ColumnKind.BOOLEAN),
    Column("period_start", "Okres od", ColumnKind.INTEGER),
    Column("period_end", "Okres do", ColumnKind.INTEGER),
    Column("areas_in_force", "Obszary objęte planem", names=_AREA),
    Column("latest_report_year", "Ostatnie sprawozdanie (rok)", ColumnKind.INTEGER),
]
WHITE_SPOT_COLUMNS = [
    Column("service_type", "Rodzaj usługi", names=_SERVICE),
    Column("level", "Poziom"),
    Column("code", "Kod TERYT"),
    Column("name", "Nazwa"),
    Column("powiat", "Kod powiatu"),
]
TIME_SERIES_COLUMNS = [
    Column("year", "Rok", ColumnKind.INTEGER),
    Column("gminas_with_adopted_plan", "Gminy z przyjętym planem", ColumnKind.INTEGER),
    Column("funding", "Planowane finansowanie (zł)", ColumnKind.NUMBER),
    Column("gminas_reporting_indicators", "Gminy raportujące wskaźniki", ColumnKind.INTEGER),
]
VOIVODESHIP_COLUMNS = [
    Column("voivodeship", "Kod województwa"),
    Column("name", "Województwo"),
    Column("gminas", "Liczba gmin", ColumnKind.INTEGER),
    Column("gminas_with_plan_in_force", "Gminy z obowiązującym planem", ColumnKind.INTEGER),
    Column("share_with_plan_in_force", "Udział gmin z planem", ColumnKind.PERCENT),
    Column("population_share_with_plan_in_force", "Udział ludności objętej planem", ColumnKind.PERCENT),
    Column("submitted_plans", "Plany złożone do oceny", ColumnKind.INTEGER),
    Column("area_seniors", "Obszar: osoby starsze", ColumnKind.INTEGER),
    Column("area_disability", "Obszar: osoby z niepełnosprawnościami", ColumnKind.INTEGER),
    Column("area_mental_health", "Obszar: zdrowie psychiczne", ColumnKind.INTEGER),
    Column("area_family", "Obszar: rodzina z dziećmi", ColumnKind.INTEGER),
    Column("area_homelessness", "Obszar: bezdomność", ColumnKind.INTEGER),
]
REVIEW_QUEUE_COLUMNS = [
    Column("teryt", "TERYT"),
    Column("gmina", "Gmina"),
    Column("plan_id", "Nr planu", ColumnKind.INTEGER),
    Column("title", "Tytuł planu"),
    Column("submission", "Złożenie nr", ColumnKind.INTEGER),
    Column(
        "flags",
        "Do sprawdzenia",
        names={
            "blocking_findings": "braki blokujące",
            "overlaps_adopted_plan": "okres pokrywa się z przyjętym planem",
            "indicators_without_standard": "wskaźniki bez standardu",
        },
    ),
    Column("changed_paths", "Zmiany od poprzedniego złożenia", ColumnKind.INTEGER),
    Column("period_start", "Okres od", ColumnKind.INTEGER),
    Column("period_end", "Okres do", ColumnKind.INTEGER),
    Column("blocking_findings", "Braki blokujące", ColumnKind.INTEGER),
    Column("warnings", "Ostrzeżenia", ColumnKind.INTEGER),
]
