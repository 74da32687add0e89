"""The flags stored with the snapshots and their summary, as a party may see them.

A region's view reads only each snapshot's summary (`QualitySummary`, stored with it): its flag
counts for each kind of party and its reporting rates. Loading every snapshot's data to filter
and count made `GET /regions/{v}/data-quality` take 335 ms for mazowieckie (bench/regional_views.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

from typing_extensions import TypedDict

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import QualityFlag, Timeliness, filings_owed, timeliness, timeliness_total
from mozaika.identity.authz import Visibility
from tenants.plans.selectors import statuses_visible
from tenants.plans.snapshot import GminaSnapshotData, PlanSnapshot

KINDS = ("completeness", "timeliness", "rule", "outlier")
COUNTED = (*KINDS, "explained")


class ReportingRates(TypedDict):
    reports: Timeliness
    values: Timeliness


class QualitySummary(TypedDict):
    # By `Visibility`: the flags on the plans that party may see, by kind, and how many explained.
    counts: dict[str, dict[str, int]]
    # Only plans once in force owe reports, and every party may see those: one set of rates.
    reporting: ReportingRates


def plans_visible(plans: list[PlanSnapshot], visibility: Visibility) -> list[PlanSnapshot]:
    """The plans the party may see (`statuses_visible`, the one rule)."""
    statuses = statuses_visible(visibility)
    return plans if statuses is None else [plan for plan in plans if plan["status"] in statuses]


def visible_plans(snapshot: GminaSnapshot, visibility: Visibility) -> list[PlanSnapshot]:
    return plans_visible(snapshot.data["plans"], visibility)


def _flags_of(flags: list[QualityFlag], plans: list[PlanSnapshot]) -> list[QualityFlag]:
    ids = {plan["id"] for plan in plans}
    return [flag for flag in flags if flag["plan_id"] in ids]


def stored_flags(snapshot: GminaSnapshot) -> list[QualityFlag]:
    # Flags stored before explanations existed lack these keys until the nightly verify rewrites them.
    return [cast(QualityFlag, {"explanation": None, "indicator_id": None, **flag}) for flag in snapshot.quality]


def visible_flags(snapshot: GminaSnapshot, visibility: Visibility) -> list[QualityFlag]:
    """The snapshot's flags about plans the party may see."""
    return _flags_of(stored_flags(snapshot), visible_plans(snapshot, visibility))


def flag_counts(flags: list[QualityFlag]) -> dict[str, int]:
    """Flags by kind, and how many of them the gmina has explained (`explained`)."""
    counted = Counter(flag["kind"] for flag in flags)
    return {**{kind: counted[kind] for kind in KINDS}, "explained": sum(1 for f in flags if f.get("explanation"))}


def reporting_rates_of(plans: Iterable[PlanSnapshot], *, today: date, due: tuple[int, int]) -> ReportingRates:
    filings = [filing for plan in plans for filing in filings_owed(plan, today=today, due=due)]
    return {
        "reports": timeliness(f for f in filings if f.what == "report"),
        "values": timeliness(f for f in filings if f.what == "value"),
    }


def reporting_total(parts: Iterable[ReportingRates]) -> ReportingRates:
    listed = list(parts)
    return {
        "reports": timeliness_total(p["reports"] for p in listed),
        "values": timeliness_total(p["values"] for p in listed),
    }


def quality_summary(
    data: GminaSnapshotData, flags: list[QualityFlag], *, today: date, due: tuple[int, int]
) -> QualitySummary:
    """What a region's view needs of a snapshot's quality, computed when the flags are."""
    plans = data["plans"]
    return {
        "counts": {v.value: flag_counts(_flags_of(flags, plans_visible(plans, v))) for v in Visibility},
        "reporting": reporting_rates_of(plans, today=today, due=due),
    }


def summary_of(snapshot: GminaSnapshot, *, today: date, due: tuple[int, int]) -> QualitySummary:
    """The stored summary; for a snapshot stored before summaries were, computed now."""
    if snapshot.quality_summary:
        return cast(QualitySummary, snapshot.quality_summary)
    return quality_summary(snapshot.data, stored_flags(snapshot), today=today, due=due)


@dataclass(frozen=True)
class GminaQuality:
    teryt: str
    name: str
    powiat: str
    counts: dict[str, int]
    reporting: ReportingRates


def gminas_quality(
    voivodeship: str, visibility: Visibility, *, today: date, due: tuple[int, int]
) -> list[GminaQuality]:
    """Each of the voivodeship's gminas with a snapshot: its flags by kind as the party may see
    them, and its reporting rates; from the stored summaries, without loading the snapshots' data."""
    rows = (
        GminaSnapshot.objects.filter(voivodeship=voivodeship)
        .select_related("gmina")
        .only("gmina_id", "gmina__name", "gmina__powiat_id", "quality_summary")
        .order_by("gmina_id")
    )
    found = []
    for row in rows:
        if not row.quality_summary:  # stored before summaries: read it whole, once
            row = GminaSnapshot.objects.select_related("gmina").get(pk=row.pk)
        summary = summary_of(row, today=today, due=due)
        found.append(GminaQuality(row.gmina_id, row.gmina.name, row.gmina.powiat_id,
                                  summary["counts"][visibility.value], summary["reporting"]))  # fmt: skip
    return found


def is_flagged(gmina: GminaQuality) -> bool:
    return any(gmina.counts[kind] for kind in KINDS)


@dataclass(frozen=True)
class QualityTotals:
    """A group of gminas (a voivodeship, a powiat) added up."""

    counts: dict[str, int]
    flagged: int
    reporting: ReportingRates


def quality_totals(gminas: list[GminaQuality]) -> QualityTotals:
    totals: Counter[str] = Counter()
    for gmina in gminas:
        totals.update(gmina.counts)
    return QualityTotals(
        counts={kind: totals[kind] for kind in COUNTED},
        flagged=sum(1 for gmina in gminas if is_flagged(gmina)),
        reporting=reporting_total(gmina.reporting for gmina in gminas),
    )


def region_quality_totals(
    voivodeship: str, visibility: Visibility, *, today: date, due: tuple[int, int]
) -> QualityTotals:
    """The voivodeship's flags by kind, how many gminas have any, and its reporting rates."""
    return quality_totals(gminas_quality(voivodeship, visibility, today=today, due=due))
