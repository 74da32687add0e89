"""Data quality over HTTP: a gmina's flags (the gmina sees its own), a voivodeship's summary per
gmina and powiat. Both read the flags stored with each snapshot, of the plans the caller may see."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Path
from pydantic import Field

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import QualityFlag
from aggregation.quality.peers import PeerOutlier, peer_outliers
from aggregation.quality.selectors import KINDS, flag_counts, gmina_flag_counts, visible_flags
from aggregation.views.selectors import _region_name
from mozaika.errors import NotFound
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_region
from mozaika.params import GminaTerytPath
from mozaika.tenancy import VOIVODESHIP_PATTERN

router = Router(tags=["data quality"])


class GminaQualityOut(Schema):
    teryt: str
    refreshed_at: datetime
    counts: dict[str, int]
    flags: list[QualityFlag]


class GminaQualityRow(Schema):
    teryt: str
    name: str
    powiat: str
    counts: dict[str, int]


class RegionQualityOut(Schema):
    voivodeship: str
    name: str
    gminas_with_snapshot: int
    gminas_flagged: int
    counts: dict[str, int]
    powiats: dict[str, dict[str, int]]
    gminas: list[GminaQualityRow]
    peer_outliers: list[PeerOutlier] = Field(
        description="values per 1 000 residents that stand out from gminas of the same kind and size "
        "(needs populations: `registry populations`)"
    )


@router.get(
    "/gminas/{teryt}/data-quality",
    operation_id="getGminaDataQuality",
    response=GminaQualityOut,
    summary="What the data-quality checks find in the gmina's plans: missing reports and values, rule "
    "violations, outliers, each with its reason",
)
def gmina_data_quality(request: HttpRequest, teryt: str = GminaTerytPath) -> dict[str, Any]:
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.GMINA_READ)
    snapshot = GminaSnapshot.objects.filter(gmina_id=teryt).first()
    if snapshot is None:
        raise NotFound(f"No data of gmina {teryt} has been read yet.")
    flags = visible_flags(snapshot, decision.visibility)
    return {"teryt": teryt, "refreshed_at": snapshot.refreshed_at, "counts": flag_counts(flags), "flags": flags}


@router.get(
    "/regions/{voivodeship}/data-quality",
    operation_id="getRegionDataQuality",
    response=RegionQualityOut,
    summary="The voivodeship's data quality per gmina and powiat: which gminas are behind with reports "
    "and values, which numbers to question",
)
def region_data_quality(
    request: HttpRequest, voivodeship: str = Path(..., pattern=VOIVODESHIP_PATTERN)
) -> dict[str, Any]:
    decision = authorize_region(principal=principal_of(request), voivodeship=voivodeship, action=Action.ROLLUP_READ)
    name = _region_name(voivodeship)
    rows: list[GminaQualityRow] = []
    totals: Counter[str] = Counter()
    powiats: dict[str, Counter[str]] = {}
    for snapshot, counts in gmina_flag_counts(voivodeship, decision.visibility):
        powiat = snapshot.gmina.powiat_id
        totals.update(counts)
        powiats.setdefault(powiat, Counter()).update(counts)
        rows.append(GminaQualityRow(teryt=snapshot.gmina_id, name=snapshot.gmina.name, powiat=powiat, counts=counts))
    return {
        "voivodeship": voivodeship,
        "name": name,
        "gminas_with_snapshot": len(rows),
        "gminas_flagged": sum(1 for row in rows if any(row.counts.values())),
        "counts": {kind: totals[kind] for kind in KINDS},
        "powiats": {code: {kind: counted[kind] for kind in KINDS} for code, counted in sorted(powiats.items())},
        "gminas": [row for row in rows if any(row.counts.values())],
        "peer_outliers": peer_outliers(voivodeship),
    }
