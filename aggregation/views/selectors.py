"""Reads of the regional and national views. Public schema only: nothing here opens a gmina's
schema, so these answer at the same speed with 4 tenants or 2 477."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q

from aggregation.models import GminaSnapshot, Rollup
from aggregation.quality.selectors import stored_flags
from aggregation.views.refresh import gmina_rows, rollup_data, scope_of
from aggregation.views.rollups import RollupData, white_spots
from mozaika.errors import FieldError, NotFound, ValidationFailed
from mozaika.identity.authz import Visibility
from tenants.models import Powiat, Voivodeship
from tenants.plans.models import InterventionArea, PlanStatus
from tenants.plans.programme.completeness import finding_counts
from tenants.plans.programme.models import ServiceType
from tenants.plans.selectors import statuses_visible
from tenants.registry.selectors import gminas_in_scope

NATION_NAME = "Polska"


@dataclass(frozen=True)
class RegionFilter:
    """Which gminas of a scope: a voivodeship (None: the nation), a powiat, a gmina kind."""

    voivodeship: str | None = None
    powiat: str | None = None
    kind: str | None = None

    @property
    def filtered(self) -> bool:
        return self.powiat is not None or self.kind is not None


def _region_name(voivodeship: str | None) -> str:
    if voivodeship is None:
        return NATION_NAME
    region = Voivodeship.objects.filter(code=voivodeship).first()
    if region is None:
        raise NotFound(f"Voivodeship {voivodeship} does not exist.")
    return region.name


def voivodeship_filter_checked(voivodeship: str | None) -> None:
    """A voivodeship named in a query filter (not the path): unknown is a bad parameter, a 422."""
    if voivodeship is not None and not Voivodeship.objects.filter(code=voivodeship).exists():
        raise ValidationFailed(
            f"Voivodeship {voivodeship} does not exist.",
            errors=[FieldError("voivodeship", "a voivodeship's 2-digit TERYT code, e.g. 08")],
        )


def _check_powiat(where: RegionFilter) -> None:
    """The powiat filter is a query parameter: unknown (or outside the voivodeship) is a 422."""
    if where.powiat is None:
        return
    powiat = Powiat.objects.filter(code=where.powiat).first()
    if powiat is None or (where.voivodeship is not None and powiat.voivodeship_id != where.voivodeship):
        inside = f" in voivodeship {where.voivodeship}" if where.voivodeship else ""
        raise ValidationFailed(
            f"Powiat {where.powiat} does not exist{inside}.",
            errors=[FieldError("powiat", f"a powiat's 4-digit TERYT code{inside}")],
        )


@dataclass(frozen=True)
class RollupView:
    scope: str
    name: str
    data: RollupData
    refreshed_at: datetime | None


def rollup_get(where: RegionFilter) -> RollupView:
    """The stored rollup; a filtered one (powiat, kind) is computed from the stored facts."""
    name = _region_name(where.voivodeship)
    _check_powiat(where)
    scope = scope_of(where.voivodeship)
    if where.filtered:
        data = rollup_data(voivodeship=where.voivodeship, powiat=where.powiat, kind=where.kind)
        return RollupView(scope, name, data, None)
    stored = Rollup.objects.filter(scope=scope).first()
    if stored is None:
        # Nothing has happened there yet: the same computation, not stored.
        return RollupView(scope, name, rollup_data(voivodeship=where.voivodeship), None)
    return RollupView(scope, name, stored.data, stored.refreshed_at)


class GminaSort(StrEnum):
    TERYT = "teryt"
    NAME = "name"
    STATUS = "status"
    PERIOD_END = "period_end"
    LATEST_REPORT_YEAR = "latest_report_year"


_SORT_FIELDS = {
    GminaSort.TERYT: "teryt",
    GminaSort.NAME: "name",
    GminaSort.STATUS: "snapshot__status",
    GminaSort.PERIOD_END: "snapshot__period_end",
    GminaSort.LATEST_REPORT_YEAR: "snapshot__latest_report_year",
}


@dataclass(frozen=True)
class GminaListQuery:
    status: PlanStatus | None = None
    in_force: bool | None = None
    area: InterventionArea | None = None
    sort: GminaSort = GminaSort.TERYT
    descending: bool = False


GMINA_LIST_FIELDS = {
    "teryt": "teryt",
    "name": "name",
    "kind": "kind",
    "powiat": "powiat_id",
    "powiat_name": "powiat__name",
    "status": "snapshot__status",
    "in_force": "snapshot__in_force",
    "period_start": "snapshot__period_start",
    "period_end": "snapshot__period_end",
    "areas_in_force": "snapshot__facts__areas_in_force",
    "latest_report_year": "snapshot__latest_report_year",
}


def gmina_list(
    where: RegionFilter,
    query: GminaListQuery,
    *,
    limit: int | None,
    offset: int = 0,
    visibility: Visibility = Visibility.ALL,
) -> tuple[int, list[dict[str, Any]]]:
    """The gminas of a scope with their plan's state: (how many match, the requested page).
    A plan the caller may not see (`statuses_visible`) shows as no plan: no status, no period,
    and a filter on its status finds nothing."""
    _region_name(where.voivodeship)
    _check_powiat(where)
    gminas = gminas_in_scope(voivodeship=where.voivodeship, powiat=where.powiat, kind=where.kind)
    seen = statuses_visible(visibility)
    if query.status is not None:
        gminas = gminas.filter(snapshot__status=query.status) if seen is None or query.status in seen else gminas.none()
    if query.in_force is not None:
        gminas = gminas.filter(snapshot__in_force=True) if query.in_force else gminas.exclude(snapshot__in_force=True)
    if query.area is not None:
        gminas = gminas.filter(snapshot__facts__areas_in_force__contains=[query.area.value])
    order = _SORT_FIELDS[query.sort]
    ordered = gminas.order_by(f"-{order}" if query.descending else order, "teryt")
    page = ordered[offset : offset + limit] if limit is not None else ordered[offset:]
    rows = [
        {key: value for key, value in zip(GMINA_LIST_FIELDS, values, strict=True)}
        for values in page.values_list(*GMINA_LIST_FIELDS.values())
    ]
    for row in rows:
        if seen is not None and row["status"] not in seen:
            row["status"], row["period_start"], row["period_end"] = "", None, None
        row["status"] = row["status"] or ""
        row["in_force"] = bool(row["in_force"])
        row["areas_in_force"] = row["areas_in_force"] or []
    return gminas.count(), rows


@dataclass(frozen=True)
class WhiteSpot:
    service_type: str
    level: str  # "gmina" or "powiat"
    code: str
    name: str
    powiat: str


def white_spot_report(where: RegionFilter, *, service_type: ServiceType | None) -> list[WhiteSpot]:
    """Per service type, the gminas whose current plan has none, and the powiats where no
    gmina has one."""
    _region_name(where.voivodeship)
    _check_powiat(where)
    rows = gmina_rows(voivodeship=where.voivodeship, powiat=where.powiat, kind=where.kind)
    powiat_names = dict(Powiat.objects.filter(code__in={r.powiat for r in rows}).values_list("code", "name"))
    spots: list[WhiteSpot] = []
    for kind in [service_type] if service_type else list(ServiceType):
        if kind is ServiceType.OTHER:
            continue
        gminas, powiats = white_spots(rows, kind.value)
        spots.extend(WhiteSpot(kind.value, "powiat", code, powiat_names.get(code, ""), code) for code in powiats)
        spots.extend(WhiteSpot(kind.value, "gmina", g.teryt, g.name, g.powiat) for g in gminas)
    return spots


def time_series(where: RegionFilter) -> list[dict[str, Any]]:
    """One row per year: gminas with an adopted plan for it, planned funding, gminas reporting
    indicator values."""
    view = rollup_get(where)
    return [{"year": int(year), **values} for year, values in view.data["years"].items()]


def voivodeship_comparison() -> list[dict[str, Any]]:
    """The 16 voivodeships side by side, from their stored rollups."""
    stored = {r.scope: r.data for r in Rollup.objects.all()}
    rows = []
    for region in Voivodeship.objects.filter(is_active=True).order_by("code"):
        data = stored.get(scope_of(region.code)) or rollup_data(voivodeship=region.code)
        rows.append(
            {
                "voivodeship": region.code,
                "name": region.name,
                "gminas": data["gminas"],
                "gminas_with_plan_in_force": data["gminas_with_plan_in_force"],
                "share_with_plan_in_force": data["share_with_plan_in_force"],
                "population_share_with_plan_in_force": data["population_share_with_plan_in_force"],
                "submitted_plans": data["plans_by_status"].get(PlanStatus.SUBMITTED, 0),
                **{f"area_{a.value}": data["areas"][a.value]["gminas"] for a in InterventionArea},
            }
        )
    return rows


_ONCE_IN_FORCE = (PlanStatus.ADOPTED, PlanStatus.EXPIRED, PlanStatus.SUPERSEDED)


def _overlapping_adopted(plan: dict[str, Any], plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The gmina's adopted plans (in force, expired or superseded since) whose days of force
    meet the submitted plan's: a second plan for the same years is either meant to replace the
    first (say so) or a mistake."""
    return [
        {"plan_id": other["id"], "title": other["title"], "valid_from": other["valid_from"],
         "valid_until": other["valid_until"]}
        for other in plans
        if other["id"] != plan["id"] and other["status"] in _ONCE_IN_FORCE
        and other["valid_from"] <= plan["valid_until"] and plan["valid_from"] <= other["valid_until"]
    ]  # fmt: skip


def review_queue(*, voivodeship: str) -> list[dict[str, Any]]:
    """Submitted plans of the voivodeship's gminas, oldest snapshot first, with what a reviewer
    checks first: the plan's own completeness findings, an adopted plan for the same days,
    indicators not mapped to a standard (so they count in no regional sum), and what changed
    since the previous submission."""
    _region_name(voivodeship)
    snapshots = (
        GminaSnapshot.objects.filter(voivodeship=voivodeship)
        .filter(Q(data__plans__contains=[{"status": PlanStatus.SUBMITTED.value}]))
        .select_related("gmina")
        .order_by("refreshed_at")
    )
    queue = []
    for snapshot in snapshots:
        for plan in snapshot.data["plans"]:
            if plan["status"] != PlanStatus.SUBMITTED:
                continue
            findings = plan["findings"]
            blocking, warnings = finding_counts(f["severity"] for f in findings)
            overlaps = _overlapping_adopted(plan, snapshot.data["plans"])
            unmapped = [i["number"] for i in plan["indicators"] if not i["standard_code"]]
            changes = plan.get("changes_since_previous_submission")
            questioned = [
                f for f in stored_flags(snapshot) if f["plan_id"] == plan["id"] and f["kind"] in ("rule", "outlier")
            ]
            flags = [flag for flag, raised in (("blocking_findings", blocking), ("overlaps_adopted_plan", overlaps),
                                               ("indicators_without_standard", unmapped),
                                               ("data_quality", questioned)) if raised]  # fmt: skip
            queue.append(
                {
                    "teryt": snapshot.gmina_id,
                    "gmina": snapshot.gmina.name,
                    "plan_id": plan["id"],
                    "title": plan["title"],
                    "submission": (plan["frozen_version"] or {}).get("number"),
                    "version": plan["version"],
                    "period_start": plan["period_start"],
                    "period_end": plan["period_end"],
                    "valid_from": plan["valid_from"],
                    "valid_until": plan["valid_until"],
                    "flags": flags,
                    "blocking_findings": blocking,
                    "warnings": warnings,
                    "findings": findings,
                    "overlaps_adopted": overlaps,
                    "indicators_without_standard": unmapped,
                    "changes_since_previous_submission": changes,
                    "changed_paths": None if changes is None else len(changes),
                    "data_quality": questioned,
                }
            )
    return queue
