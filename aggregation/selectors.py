"""Reads of the regional and national views (public schema only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aggregation.models import NATIONAL_SCOPE, Rollup, voivodeship_scope
from aggregation.rollups import RollupData
from aggregation.services import rollup_data
from mozaika.errors import NotFound
from tenants.models import Voivodeship


@dataclass(frozen=True)
class RollupView:
    scope: str
    name: str
    data: RollupData
    refreshed_at: datetime | None


def rollup_get(*, voivodeship: str | None) -> RollupView:
    if voivodeship is None:
        scope, name = NATIONAL_SCOPE, "Polska"
    else:
        region = Voivodeship.objects.filter(code=voivodeship).first()
        if region is None:
            raise NotFound(f"Voivodeship {voivodeship} does not exist.")
        scope, name = voivodeship_scope(voivodeship), region.name
    stored = Rollup.objects.filter(scope=scope).first()
    if stored is None:
        # Nothing has happened there yet: the same computation, not stored.
        return RollupView(scope, name, rollup_data(voivodeship=voivodeship), None)
    return RollupView(scope, name, stored.data, stored.refreshed_at)
