"""A voivodeship's report for a marshal's office reviewer: its state on one day, in Polish, as
figures and charts that an HTML page (`templates/aggregation/region_report.html`) and a PDF
(`aggregation.views.report_pdf`) both draw from this one value.

On today the figures are the stored rollup's (the same as `GET …/rollup`, dated by its refresh);
on another day each gmina's stored snapshot is judged on that day (which plan was in force
then) and added up the same way, dated by the newest snapshot read. Public schema only."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Max
from django.utils import timezone

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import Timeliness
from aggregation.quality.peers import peer_outliers
from aggregation.quality.rules import report_due
from aggregation.quality.selectors import region_quality_totals
from aggregation.views.refresh import gmina_rows
from aggregation.views.rollups import GminaRow, RollupData, gmina_facts, rollup_compute, white_spots
from aggregation.views.selectors import RegionFilter, review_queue, rollup_get
from mozaika.identity.authz import Visibility
from tenants.models import IndicatorStandard, Powiat
from tenants.plans.labels import LABELS_PL
from tenants.plans.programme.models import ServiceType
from tenants.registry.standards import standard_aggregations

AREA_NAMES = LABELS_PL["InterventionArea"]
SERVICE_NAMES = LABELS_PL["ServiceType"]
# Column headers where the full names do not fit (the powiat table).
AREA_SHORT_NAMES = {
    "seniors": "Osoby starsze",
    "disability": "Niepełnosprawność",
    "mental_health": "Zdrowie psychiczne",
    "family": "Rodzina z dziećmi",
    "homelessness": "Bezdomność",
}
NO_POPULATION = "brak danych o ludności"
QUEUE_FLAG_NAMES = {
    "blocking_findings": "braki blokujące",
    "overlaps_adopted_plan": "okres pokrywa się z przyjętym planem",
    "indicators_without_standard": "wskaźniki bez standardu",
    "data_quality": "uwagi do danych",
}


def percent(share: float | None) -> str:
    """0.3333 -> '33,3%' (Polish decimal comma); None -> the missing-data phrase."""
    if share is None:
        return NO_POPULATION
    return f"{share * 100:.1f}%".replace(".", ",")


def number(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return text.replace(",", " ").replace(".", ",")


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # 0..1: the bar's length
    text: str  # what is written beside it


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    columns: bool = False  # vertical columns (a time series) instead of horizontal bars
    note: str = ""

    @property
    def axis_max(self) -> float:
        """The columns' scale: the highest share rounded up to a tenth (early on, when few
        gminas have a plan, a 0-100% axis would show nothing)."""
        highest = max((b.share for b in self.bars), default=0.0)
        return min(1.0, max(0.1, math.ceil(round(highest * 10, 6)) / 10))


@dataclass(frozen=True)
class PowiatLine:
    code: str
    name: str
    gminas: int
    with_plan: int
    share: float
    areas: dict[str, int]  # area -> gminas whose plan in force covers it


@dataclass(frozen=True)
class WhiteSpotLine:
    service: str
    powiats: list[str]
    gminas: int
    gmina_names: list[str]
    powiats_in_region: int

    @property
    def powiats_shown(self) -> str:
        if self.powiats and len(self.powiats) == self.powiats_in_region:
            return f"wszystkie ({self.powiats_in_region})"
        return ", ".join(self.powiats) or "–"


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    unit: str
    aggregation: str
    gminas: int
    gminas_with_target: int
    baseline: float
    target: float
    latest: float
    progress: float | None


@dataclass(frozen=True)
class QualityFigure:
    """One line of the data-quality section: what is measured, its value, and how to read it."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class QualityInput:
    """Where the data-quality section takes its figures from: the gminas as judged on the day
    and the review queue. A richer data-quality module gets the same and returns its lines."""

    voivodeship: str
    on: date
    rows: Sequence[GminaRow]
    queue: Sequence[dict[str, Any]]


def data_quality_basic(source: QualityInput) -> list[QualityFigure]:
    """Reporting completeness and the review queue, from what exists today."""
    in_force = [r for r in source.rows if r.facts is not None and r.facts["in_force"]]
    last_year = source.on.year - 1
    # The newest year reported: a report for last year (or a later one) has been filed.
    reported = {r.teryt for r in in_force if r.facts is not None and (r.facts["latest_report_year"] or 0) >= last_year}
    missing = sorted(r.name for r in in_force if r.teryt not in reported)
    flags: dict[str, int] = defaultdict(int)
    for item in source.queue:
        for flag in item["flags"]:
            flags[flag] += 1
    return [
        QualityFigure(
            f"Sprawozdania roczne za {last_year}",
            f"{len(reported)} z {len(in_force)}",
            "gminy z planem obowiązującym, które złożyły sprawozdanie"
            + (f"; brak: {', '.join(missing)}" if missing else ""),
        ),
        QualityFigure("Plany w kolejce do oceny", str(len(source.queue)), "stan bieżący, niezależnie od dnia raportu"),
        *(
            QualityFigure(f"w tym: {QUEUE_FLAG_NAMES.get(flag, flag)}", str(count))
            for flag, count in sorted(flags.items())
        ),
    ]


def data_quality_with_checks(source: QualityInput) -> list[QualityFigure]:
    """The basic lines, and what the data-quality checks found in the adopted plans' data
    (`aggregation.quality`; as of their last reading, whatever the report's day)."""
    region = region_quality_totals(source.voivodeship, Visibility.ADOPTED, today=timezone.localdate(), due=report_due())
    counts, flagged, rates = region.counts, region.flagged, region.reporting
    return [
        *data_quality_basic(source),
        QualityFigure("Gminy z uwagami do danych", str(flagged), "przyjęte plany; szczegóły: …/data-quality"),
        QualityFigure("Braki sprawozdań i wartości po terminie", str(counts["completeness"])),
        _on_time_line("sprawozdań rocznych", rates["reports"]),
        _on_time_line("wartości wskaźników", rates["values"]),
        QualityFigure("Naruszenia reguł walidacji", str(counts["rule"])),
        QualityFigure("Wartości odstające", str(counts["outlier"]), "zmodyfikowany z > 3,5 względem lat gminy"),
        QualityFigure(
            "Wartości odstające od podobnych gmin",
            str(len(peer_outliers(voivodeship=source.voivodeship))),
            "na 1000 mieszkańców, wobec gmin tego rodzaju i wielkości w kraju",
        ),
    ]


def _on_time_line(label: str, rate: Timeliness) -> QualityFigure:
    judged = rate["expected"] - rate["due_before_entry"]
    value = "—" if rate["on_time_rate"] is None else f"{rate['on_time_rate']:.0%}".replace("%", " %")
    detail = f"w terminie {rate['on_time']} z {judged}, po terminie {rate['late']}; brak {rate['missing']}"
    if rate["due_before_entry"]:
        detail += f"; {rate['due_before_entry']} z terminem sprzed wprowadzenia planu do Mozaiki (poza oceną)"
    return QualityFigure(f"Terminowość {label}", value, detail)


# The section's source of lines.
DataQuality = Callable[[QualityInput], list[QualityFigure]]
data_quality: DataQuality = data_quality_with_checks


@dataclass(frozen=True)
class RegionReport:
    voivodeship: str
    name: str
    on: date
    generated_at: datetime
    data_as_of: datetime | None
    gminas: int
    with_plan: int
    share: float
    population_share: float | None
    adopted_not_yet_in_force: int
    submitted: int
    over_time: Chart
    population_over_time: Chart | None
    areas: Chart
    powiat_chart: Chart
    powiats: list[PowiatLine]
    white_spots: list[WhiteSpotLine]
    indicators: list[IndicatorLine]
    quality: list[QualityFigure] = field(default_factory=list)


def _rows_on(voivodeship: str, on: date) -> list[GminaRow]:
    """The region's gminas with their facts judged on `on` from their stored snapshots."""
    rows = gmina_rows(voivodeship=voivodeship)
    data = dict(GminaSnapshot.objects.filter(voivodeship=voivodeship).values_list("gmina_id", "data"))
    return [replace(r, facts=gmina_facts(data[r.teryt], today=on) if r.teryt in data else None) for r in rows]


def _over_time(rollup: RollupData, rows: Sequence[GminaRow]) -> tuple[Chart, Chart | None]:
    years = sorted(rollup["years"], key=int)
    total = len(rows)
    gminas = [
        Bar(
            year,
            (n := rollup["years"][year]["gminas_with_adopted_plan"]) / total if total else 0.0,
            f"{n} ({percent(n / total if total else 0.0)})",
        )
        for year in years
    ]
    chart = Chart(
        "Udział gmin z planem obowiązującym w danym roku",
        gminas,
        columns=True,
        note="" if years else "Żadna gmina nie ma jeszcze planu obowiązującego.",
    )
    if not rows or any(r.population is None for r in rows):
        return chart, None
    people = sum(r.population or 0 for r in rows)
    covered = {
        year: sum(r.population or 0 for r in rows if r.facts is not None and int(year) in r.facts["adopted_years"])
        for year in years
    }
    population = [
        Bar(year, covered[year] / people if people else 0.0, percent(covered[year] / people if people else 0.0))
        for year in years
    ]
    return chart, Chart("Udział ludności w gminach z planem obowiązującym", population, columns=True)


def _powiats(voivodeship: str, rows: Sequence[GminaRow]) -> list[PowiatLine]:
    names = dict(Powiat.objects.filter(voivodeship_id=voivodeship).values_list("code", "name"))
    by_powiat: dict[str, list[GminaRow]] = defaultdict(list)
    for row in rows:
        by_powiat[row.powiat].append(row)
    lines = []
    for code, gminas in sorted(by_powiat.items()):
        in_force = [g.facts for g in gminas if g.facts is not None and g.facts["in_force"]]
        areas = {a: sum(1 for f in in_force if a in f["areas_in_force"]) for a in AREA_NAMES}
        lines.append(
            PowiatLine(code, names.get(code, code), len(gminas), len(in_force), len(in_force) / len(gminas), areas)
        )
    return lines


def _white_spots(rows: Sequence[GminaRow], powiats: Sequence[PowiatLine]) -> list[WhiteSpotLine]:
    """Per service type (as `white_spot_report`, on the report's day): the powiats none of whose
    gminas plans it, and the gminas that do not."""
    names = {p.code: p.name for p in powiats}
    lines = []
    for service, label in SERVICE_NAMES.items():
        if service == ServiceType.OTHER:
            continue
        gminas, powiat_codes = white_spots(rows, service)
        if gminas or powiat_codes:
            lines.append(
                WhiteSpotLine(
                    label,
                    [names.get(c, c) for c in powiat_codes],
                    len(gminas),
                    sorted(g.name for g in gminas),
                    len(powiats),
                )
            )
    return lines


def _indicators(rollup: RollupData) -> list[IndicatorLine]:
    standards = {s.code: s for s in IndicatorStandard.objects.filter(code__in=list(rollup["indicators"]))}
    lines = []
    for code, figures in sorted(rollup["indicators"].items()):
        standard = standards.get(code)
        lines.append(
            IndicatorLine(
                code=code,
                name=standard.name_pl if standard else code,
                unit=standard.unit if standard else "",
                aggregation=figures["aggregation"],
                gminas=figures["gminas"],
                gminas_with_target=figures["gminas_with_target"],
                baseline=figures["baseline_sum"],
                target=figures["target_sum"],
                latest=figures["latest_sum"],
                progress=figures["progress"],
            )
        )
    return lines


def region_report(*, voivodeship: str, on: date | None = None) -> RegionReport:
    """The voivodeship on `on` (default today). Unknown voivodeship: NotFound."""
    today = timezone.localdate()
    on = on or today
    stored = rollup_get(RegionFilter(voivodeship))  # NotFound for an unknown voivodeship
    if on == today:
        # The stored facts and rollup: the same figures as the rollup's own path.
        rows, data_as_of = gmina_rows(voivodeship=voivodeship), stored.refreshed_at
        # A rollup stored before a figure existed reads that figure as an empty scope's.
        rollup = cast(RollupData, {**rollup_compute([]), **stored.data})
    else:
        rows = _rows_on(voivodeship, on)
        rollup = rollup_compute(rows, standard_aggregations())
        data_as_of = GminaSnapshot.objects.filter(voivodeship=voivodeship).aggregate(at=Max("refreshed_at"))["at"]
    total = rollup["gminas"]
    over_time, population_over_time = _over_time(rollup, rows)
    areas = Chart(
        "Obszary interwencji objęte planami obowiązującymi (udział gmin)",
        [
            Bar(
                label,
                (c := rollup["areas"].get(area, {"gminas": 0, "share": 0.0}))["share"],
                f"{c['gminas']} ({percent(c['share'])})",
            )
            for area, label in AREA_NAMES.items()
        ],
    )
    powiats = _powiats(voivodeship, rows)
    powiat_chart = Chart(
        "Gminy z planem obowiązującym według powiatów",
        [Bar(p.name, p.share, f"{p.with_plan} z {p.gminas}") for p in powiats],
    )
    return RegionReport(
        voivodeship=voivodeship,
        name=stored.name,
        on=on,
        generated_at=timezone.localtime(),
        data_as_of=timezone.localtime(data_as_of) if data_as_of else None,
        gminas=total,
        with_plan=rollup["gminas_with_plan_in_force"],
        share=rollup["share_with_plan_in_force"],
        population_share=rollup["population_share_with_plan_in_force"],
        adopted_not_yet_in_force=rollup["gminas_with_plan_adopted_not_yet_in_force"],
        submitted=rollup["plans_by_status"].get("submitted", 0),
        over_time=over_time,
        population_over_time=population_over_time,
        areas=areas,
        powiat_chart=powiat_chart,
        powiats=powiats,
        white_spots=_white_spots(rows, powiats),
        indicators=_indicators(rollup),
        quality=data_quality(QualityInput(voivodeship, on, rows, review_queue(voivodeship=voivodeship))),
    )
