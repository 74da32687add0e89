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
from aggregation.quality.checks import Filing, QualityFlag
from aggregation.quality.peers import ExplainedPeerOutlier, explained, peer_outliers
from aggregation.quality.selectors import (
    KINDS,
    ReportingRates,
    flag_counts,
    gminas_quality,
    reporting_rates,
    visible_filings,
    visible_flags,
    visible_plans,
)
from aggregation.views.selectors import _region_name
from mozaika.errors import NotFound
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_region
from mozaika.params import GminaTerytPath
from mozaika.tenancy import VOIVODESHIP_PATTERN
from tenants.plans.snapshot import PlanSnapshot

router = Router(tags=["data quality"])


REPORTING_DESCRIPTION = (
    "reporting completeness and timeliness, from filing days: of the yearly reports and the "
    "indicators' yearly values due by a past due day (31 March of the following year by default), "
    "how many were filed and how many by the due day; what was due before the plan was entered in "
    "Mozaika (`due_before_entry`) counts for completeness, not for the on-time rate"
)


PEERS_DESCRIPTION = (
    "values per 1 000 residents that stand out from the gminas of the same kind and size class in "
    "the country (needs populations: `registry populations`), with the gmina's explanation"
)


class GminaQualityOut(Schema):
    teryt: str
    refreshed_at: datetime
    counts: dict[str, int]
    reporting: ReportingRates = Field(description=REPORTING_DESCRIPTION)
    flags: list[QualityFlag]
    peer_outliers: list[ExplainedPeerOutlier] = Field(description=PEERS_DESCRIPTION)


class GminaQualityRow(Schema):
    teryt: str
    name: str
    powiat: str
    counts: dict[str, int]
    reporting: ReportingRates


class RegionQualityOut(Schema):
    voivodeship: str
    name: str
    gminas_with_snapshot: int
    gminas_flagged: int
    counts: dict[str, int]
    reporting: ReportingRates = Field(description=REPORTING_DESCRIPTION)
    powiats: dict[str, dict[str, int]]
    powiat_reporting: dict[str, ReportingRates]
    gminas: list[GminaQualityRow] = Field(description="the gminas with a flag (a report or value missing or late too)")
    peer_outliers: list[ExplainedPeerOutlier] = Field(description=PEERS_DESCRIPTION)


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
    return {
        "teryt": teryt,
        "refreshed_at": snapshot.refreshed_at,
        "counts": flag_counts(flags),
        "reporting": reporting_rates(visible_filings(snapshot, decision.visibility)),
        "flags": flags,
        "peer_outliers": [
            explained(o, visible_plans(snapshot, decision.visibility)) for o in peer_outliers(teryt=teryt)
        ],
    }


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
    filings: dict[str, list[Filing]] = {}
    plans: dict[str, list[PlanSnapshot]] = {}
    for gmina in gminas_quality(voivodeship, decision.visibility):
        snapshot, powiat = gmina.snapshot, gmina.snapshot.gmina.powiat_id
        plans[snapshot.gmina_id] = visible_plans(snapshot, decision.visibility)
        totals.update(gmina.counts)
        powiats.setdefault(powiat, Counter()).update(gmina.counts)
        filings.setdefault(powiat, []).extend(gmina.filings)
        rows.append(GminaQualityRow(teryt=snapshot.gmina_id, name=snapshot.gmina.name, powiat=powiat,
                                    counts=gmina.counts, reporting=reporting_rates(gmina.filings)))  # fmt: skip
    return {
        "voivodeship": voivodeship,
        "name": name,
        "gminas_with_snapshot": len(rows),
        "gminas_flagged": sum(1 for row in rows if any(row.counts[kind] for kind in KINDS)),
        "counts": {kind: totals[kind] for kind in (*KINDS, "explained")},
        "reporting": reporting_rates([filing for owed in filings.values() for filing in owed]),
        "powiats": {
            code: {kind: counted[kind] for kind in (*KINDS, "explained")} for code, counted in sorted(powiats.items())
        },
        "powiat_reporting": {code: reporting_rates(owed) for code, owed in sorted(filings.items())},
        "gminas": [row for row in rows if any(row.counts[kind] for kind in KINDS)],
        "peer_outliers": [explained(o, plans.get(o["teryt"], [])) for o in peer_outliers(voivodeship=voivodeship)],
    }
