"""The flags stored with the snapshots, and the reporting rates read from them, as a party may see them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.utils import timezone
from typing_extensions import TypedDict

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import Filing, QualityFlag, Timeliness, filings_owed, timeliness
from aggregation.quality.rules import report_due
from mozaika.identity.authz import Visibility
from tenants.plans.selectors import statuses_visible
from tenants.plans.snapshot import PlanSnapshot

KINDS = ("completeness", "timeliness", "rule", "outlier")


class ReportingRates(TypedDict):
    reports: Timeliness
    values: Timeliness


def visible_plans(snapshot: GminaSnapshot, visibility: Visibility) -> list[PlanSnapshot]:
    """The snapshot's plans the party may see (`statuses_visible`, the one rule)."""
    statuses = statuses_visible(visibility)
    plans: list[PlanSnapshot] = snapshot.data["plans"]
    return plans if statuses is None else [plan for plan in plans if plan["status"] in statuses]


def stored_flags(snapshot: GminaSnapshot) -> list[QualityFlag]:
    # Flags stored before explanations existed lack these keys until the nightly verify rewrites them.
    return [cast(QualityFlag, {"explanation": None, "indicator_id": None, **flag}) for flag in snapshot.quality]


def visible_flags(snapshot: GminaSnapshot, visibility: Visibility) -> list[QualityFlag]:
    """The snapshot's flags about plans the party may see."""
    visible = {plan["id"] for plan in visible_plans(snapshot, visibility)}
    return [flag for flag in stored_flags(snapshot) if flag["plan_id"] in visible]


def visible_filings(snapshot: GminaSnapshot, visibility: Visibility, today: date | None = None) -> list[Filing]:
    """What the visible plans owed by a past due day, and when each was filed (read, not stored:
    the stored data has the filing days, and the day decides what is due)."""
    on = today or timezone.localdate()
    due = report_due()
    return [filing for plan in visible_plans(snapshot, visibility) for filing in filings_owed(plan, today=on, due=due)]


def reporting_rates(filings: list[Filing]) -> ReportingRates:
    return {
        "reports": timeliness(f for f in filings if f.what == "report"),
        "values": timeliness(f for f in filings if f.what == "value"),
    }


def flag_counts(flags: list[QualityFlag]) -> dict[str, int]:
    """Flags by kind, and how many of them the gmina has explained (`explained`)."""
    counted = Counter(flag["kind"] for flag in flags)
    return {**{kind: counted[kind] for kind in KINDS}, "explained": sum(1 for f in flags if f["explanation"])}


@dataclass(frozen=True)
class GminaQuality:
    snapshot: GminaSnapshot
    counts: dict[str, int]
    filings: list[Filing]


def gminas_quality(voivodeship: str, visibility: Visibility) -> list[GminaQuality]:
    """Each of the voivodeship's gminas with a snapshot: its flags by kind and its filings."""
    snapshots = GminaSnapshot.objects.filter(voivodeship=voivodeship).select_related("gmina").order_by("gmina_id")
    today = timezone.localdate()
    return [
        GminaQuality(s, flag_counts(visible_flags(s, visibility)), visible_filings(s, visibility, today))
        for s in snapshots
    ]


def region_flag_counts(voivodeship: str, visibility: Visibility) -> tuple[dict[str, int], int, ReportingRates]:
    """The voivodeship's flags by kind, how many gminas have any, and its reporting rates."""
    totals: Counter[str] = Counter()
    flagged = 0
    filings: list[Filing] = []
    for gmina in gminas_quality(voivodeship, visibility):
        totals.update(gmina.counts)
        flagged += any(gmina.counts[kind] for kind in KINDS)
        filings += gmina.filings
    return {kind: totals[kind] for kind in (*KINDS, "explained")}, flagged, reporting_rates(filings)
