"""Outliers against peers: a gmina's value of a standard indicator per 1 000 residents, against
the gminas of the same kind and size class in the country that report it for the same year
(modified z-score > 3.5: the median and MAD are robust to the skew of small gminas).

Peers are nationwide, so one gmina's new value can make another's stand out: the outliers are
computed with the national rollup, from the same rows of facts, and stored (`PeerOutlier`);
`aggregation verify` recomputes and compares them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from typing_extensions import TypedDict

from aggregation.models import PeerOutlier as StoredPeerOutlier
from aggregation.quality.checks import OUTLIER_Z, FlagExplanation, robust_scale, z_against
from aggregation.views.rollups import GminaRow
from mozaika.tenancy import Teryt
from tenants.plans.snapshot import PlanSnapshot

# Residents: the upper bounds of the size classes (GUS's usual bands).
SIZE_CLASSES = (5_000, 10_000, 20_000, 50_000, 100_000)
MIN_PEERS = 5


class PeerOutlier(TypedDict):
    teryt: str
    standard_code: str
    year: int
    value: str
    per_1000: str
    peers: int
    peer_median_per_1000: str
    reason_pl: str
    reason_en: str


class ExplainedPeerOutlier(PeerOutlier):
    # The gmina's explanation of a value of an indicator it maps to the standard, that year.
    explanation: FlagExplanation | None


def size_class(population: int) -> int:
    """The index of the size class a population falls in (0: under 5 000)."""
    return sum(1 for bound in SIZE_CLASSES if population >= bound)


def peer_outliers_compute(rows: Iterable[GminaRow]) -> list[PeerOutlier]:
    """Every value that stands out from its peers', by standard, year and TERYT (as stored)."""
    groups: dict[tuple[str, int, str, str], dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for row in rows:
        if not row.population or row.facts is None:  # a zero would divide
            continue
        for code, indicator in (row.facts.get("indicators") or {}).items():
            for year, reported in indicator["values"].items():
                per_1000 = Decimal(reported) * 1000 / row.population
                groups[(row.kind, size_class(row.population), code, year)][row.teryt] = (Decimal(reported), per_1000)
    found: list[PeerOutlier] = []
    for (_, _, code, year), members in sorted(groups.items()):
        if len(members) < MIN_PEERS:
            continue
        # The group's scale once, not per member: a group of small rural gminas has hundreds.
        median, mad = robust_scale([rate for _, rate in members.values()])
        for teryt, (value, rate) in sorted(members.items()):
            z = z_against(rate, median, mad)
            if z is None or abs(z) <= OUTLIER_Z:
                continue
            found.append({
                "teryt": teryt, "standard_code": code, "year": int(year), "value": str(value),
                "per_1000": f"{rate:.2f}", "peers": len(members), "peer_median_per_1000": f"{median:.2f}",
                "reason_pl": f"{code}, {year}: {rate:.2f} na 1000 mieszkańców wobec mediany {median:.2f} "
                             f"w {len(members)} gminach tego rodzaju i wielkości (zmodyfikowany z = {z:.1f}).",
                "reason_en": f"{code}, {year}: {rate:.2f} per 1 000 residents against a median of {median:.2f} "
                             f"in {len(members)} gminas of its kind and size (modified z = {z:.1f}).",
            })  # fmt: skip
    return sorted(found, key=_order)


def _order(outlier: PeerOutlier) -> tuple[str, int, str]:
    return outlier["standard_code"], outlier["year"], outlier["teryt"]


def peer_outliers_store(outliers: Sequence[PeerOutlier]) -> None:
    """Replace the stored outliers (in the caller's transaction: the national rollup's), unless
    they are the same."""
    if list(outliers) == peer_outliers_stored():
        return
    StoredPeerOutlier.objects.all().delete()
    StoredPeerOutlier.objects.bulk_create(
        StoredPeerOutlier(gmina_id=o["teryt"], voivodeship=Teryt(o["teryt"]).voivodeship,
                          standard_code=o["standard_code"], year=o["year"], data=o)
        for o in outliers
    )  # fmt: skip


def peer_outliers_stored() -> list[PeerOutlier]:
    """Every stored outlier, in the order `peer_outliers_compute` gives them (for comparison)."""
    stored: list[PeerOutlier] = [row.data for row in StoredPeerOutlier.objects.all()]
    return sorted(stored, key=_order)


def explained(outlier: PeerOutlier, plans: Iterable[PlanSnapshot]) -> ExplainedPeerOutlier:
    """The outlier with the gmina's explanation, that year, of a value of an indicator it maps to
    the outlier's standard (in the same plan: indicators are named within their plan)."""
    for plan in plans:
        mapped = {i.get("id") for i in plan["indicators"] if i["standard_code"] == outlier["standard_code"]}
        for given in plan.get("explanations", []):
            if given["year"] == outlier["year"] and given.get("indicator_id") in mapped - {None}:
                return {**outlier, "explanation": {"text": given["text"], "explained_on": given["explained_on"]}}
    return {**outlier, "explanation": None}


def peer_outliers(*, voivodeship: str | None = None, teryt: str | None = None) -> list[PeerOutlier]:
    """The stored outliers of a voivodeship's gminas, or of one gmina."""
    found = StoredPeerOutlier.objects.all()
    if voivodeship is not None:
        found = found.filter(voivodeship=voivodeship)
    if teryt is not None:
        found = found.filter(gmina_id=teryt)
    return [row.data for row in found]
