"""Outliers against peers: a gmina's value of a standard indicator per 1 000 residents, against
the gminas of the same kind and size class in the country that report it for the same year
(modified z-score > 3.5: the median and MAD are robust to the skew of small gminas). Computed
when asked, from the stored facts of plans in force, so it is as fresh as the snapshots."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from typing_extensions import TypedDict

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import OUTLIER_Z, robust_scale, z_against

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


def size_class(population: int) -> int:
    """The index of the size class a population falls in (0: under 5 000)."""
    return sum(1 for bound in SIZE_CLASSES if population >= bound)


def peer_outliers(voivodeship: str) -> list[PeerOutlier]:
    """The voivodeship's gminas whose standard values stand out from their peers'."""
    rows = GminaSnapshot.objects.filter(gmina__population__isnull=False).values_list(
        "gmina_id", "gmina__kind", "gmina__population", "facts"
    )
    groups: dict[tuple[str, int, str, str], dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for teryt, kind, population, facts in rows:
        if not population:  # filtered above; a zero would divide
            continue
        for code, indicator in (facts.get("indicators") or {}).items():
            for year, value in indicator["values"].items():
                per_1000 = Decimal(value) * 1000 / population
                groups[(kind, size_class(population), code, year)][teryt] = (Decimal(value), per_1000)
    found: list[PeerOutlier] = []
    for (_, _, code, year), members in sorted(groups.items()):
        if len(members) < MIN_PEERS:
            continue
        # The group's scale once, not per member: a group of small rural gminas has hundreds.
        median, mad = robust_scale([rate for _, rate in members.values()])
        for teryt, (value, rate) in sorted(members.items()):
            z = z_against(rate, median, mad)
            if not teryt.startswith(voivodeship) or z is None or abs(z) <= OUTLIER_Z:
                continue
            found.append({
                "teryt": teryt, "standard_code": code, "year": int(year), "value": str(value),
                "per_1000": f"{rate:.2f}", "peers": len(members), "peer_median_per_1000": f"{median:.2f}",
                "reason_pl": f"{code}, {year}: {rate:.2f} na 1000 mieszkańców wobec mediany {median:.2f} "
                             f"w {len(members)} gminach tego rodzaju i wielkości (zmodyfikowany z = {z:.1f}).",
                "reason_en": f"{code}, {year}: {rate:.2f} per 1 000 residents against a median of {median:.2f} "
                             f"in {len(members)} gminas of its kind and size (modified z = {z:.1f}).",
            })  # fmt: skip
    return found
