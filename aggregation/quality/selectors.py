"""The flags stored with the snapshots, as a party may see them."""

from __future__ import annotations

from collections import Counter

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import QualityFlag
from mozaika.identity.authz import Visibility
from tenants.plans.selectors import statuses_visible

KINDS = ("completeness", "rule", "outlier")


def visible_flags(snapshot: GminaSnapshot, visibility: Visibility) -> list[QualityFlag]:
    """The snapshot's flags about plans the party may see (`statuses_visible`, the one rule)."""
    statuses = statuses_visible(visibility)
    if statuses is None:
        return list(snapshot.quality)
    visible_plans = {plan["id"] for plan in snapshot.data["plans"] if plan["status"] in statuses}
    return [flag for flag in snapshot.quality if flag["plan_id"] in visible_plans]


def flag_counts(flags: list[QualityFlag]) -> dict[str, int]:
    counted = Counter(flag["kind"] for flag in flags)
    return {kind: counted[kind] for kind in KINDS}


def gmina_flag_counts(voivodeship: str, visibility: Visibility) -> list[tuple[GminaSnapshot, dict[str, int]]]:
    """Each of the voivodeship's gminas with a snapshot, and its flags by kind."""
    snapshots = GminaSnapshot.objects.filter(voivodeship=voivodeship).select_related("gmina").order_by("gmina_id")
    return [(snapshot, flag_counts(visible_flags(snapshot, visibility))) for snapshot in snapshots]


def region_flag_counts(voivodeship: str, visibility: Visibility) -> tuple[dict[str, int], int]:
    """The voivodeship's flags by kind, and how many gminas have any."""
    totals: Counter[str] = Counter()
    flagged = 0
    for _, counts in gmina_flag_counts(voivodeship, visibility):
        totals.update(counts)
        flagged += any(counts.values())
    return {kind: totals[kind] for kind in KINDS}, flagged
