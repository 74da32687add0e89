# ruff: noqa: S608 - SQL is built from model table names and quote_ident()ed schema names only
"""The one function through which anything outside a gmina reads its plans: `gmina_snapshots`
builds JSON-ready snapshots from gmina schemas. `aggregation` stores them; it never opens the
tables itself.

It reads many schemas at once: one query per table, a UNION ALL of the same SELECT over every
schema of the batch, then assembles the rows in Python. The event path calls it with one gmina,
the rebuild with hundreds at a time; both run the same code, so they cannot disagree."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection

# typing_extensions' TypedDict: pydantic reads it as the API's shape on Python 3.11 too.
from typing_extensions import TypedDict

from mozaika.tenancy import in_gmina, many_schema_cursor, union_over_gminas
from tenants.plans.lifecycle.validity import ActFacts, act_facts_of
from tenants.plans.lifecycle.versions import structural_diff
from tenants.plans.models import (
    ImplementationReport,
    Indicator,
    IndicatorValue,
    Plan,
    PlanAct,
    PlanDocument,
    PlanStatus,
    PlanVersion,
    ReportKind,
    ValueExplanation,
)
from tenants.plans.programme.completeness import completeness_check
from tenants.plans.programme.models import GeneralGoal, PlanAction, PlanArea, PlanFunding, PlanService, SpecificGoal


class ActSnapshot(TypedDict):
    kind: str
    number: str
    date: str
    in_force_from: str


class AreaSnapshot(TypedDict):
    code: str
    name: str
    general_goals: int
    specific_goals: int
    actions: int
    action_numbers: list[str]  # the numbered actions ("2.1.3"), how a project names what it implements


class ServiceSnapshot(TypedDict):
    type: str
    name: str
    area: str
    capacity: str | None
    unit: str


class FundingSnapshot(TypedDict):
    source: str
    year: int | None
    amount: str | None


class DocumentSnapshot(TypedDict):
    id: int
    kind: str
    sha256: str
    status: str
    archive_key: str
    content_type: str


class IndicatorSnapshot(TypedDict):
    id: int
    area: str
    number: str
    name: str
    unit: str
    standard_code: str
    direction: str
    baseline: str | None
    baseline_year: int | None
    target: str | None
    target_year: int | None
    values: dict[str, str]
    # When each year's value was first reported (a later correction does not move it), as the
    # local day: what timeliness is judged by.
    first_reported: dict[str, str]


class ExplanationSnapshot(TypedDict):
    """The gmina's current explanation of a year's value (`indicator`: its number) or of the
    year's reporting (`indicator` None)."""

    indicator_id: int | None
    indicator: str | None  # its number, for people
    year: int
    text: str
    explained_on: str


class FrozenVersionSnapshot(TypedDict):
    number: int
    sha256: str


class FindingSnapshot(TypedDict):
    path: str
    severity: str
    code: str
    message_pl: str
    message_en: str


class ChangeSnapshot(TypedDict):
    path: str
    change: str  # added | removed | changed


class PlanIdentity(TypedDict):
    """What names a plan and decides its force: shared by the snapshot and the compact facts
    read from it (`aggregation.plan_facts`)."""

    id: int
    title: str
    kind: str
    status: str
    period_start: int
    period_end: int
    valid_from: str
    valid_until: str
    areas: list[str]
    act: ActSnapshot | None
    # The acts of the plan's life (withdrawn ones left out): what `tenants.plans.lifecycle.validity` reads.
    acts: list[ActFacts]


class PlanSnapshot(PlanIdentity):
    version: int
    programme_areas: list[AreaSnapshot]
    services: list[ServiceSnapshot]
    funding: list[FundingSnapshot]
    indicators: list[IndicatorSnapshot]
    latest_report_year: int | None
    yearly_report_years: list[int]
    # The local day each year's yearly report was filed, by year.
    yearly_reports_filed: dict[str, str]
    # The local day the plan was entered in Mozaika: what was due before it could not be on time.
    registered_on: str
    explanations: list[ExplanationSnapshot]
    # The last version a submission froze (what a review accepted and a council adopted); None
    # for a plan registered as adopted outside Mozaika.
    frozen_version: FrozenVersionSnapshot | None
    documents: list[DocumentSnapshot]
    # Only for a submitted plan: what its own completeness check says, shown in the review queue.
    findings: list[FindingSnapshot]
    # Only for a plan submitted again: what changed since the submission before (the review
    # queue shows it; `GET …/versions/{a}/diff/{b}` gives the values).
    changes_since_previous_submission: list[ChangeSnapshot] | None


class GminaSnapshotData(TypedDict):
    teryt: str
    plans: list[PlanSnapshot]


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def _decimal(value: Any) -> str | None:
    return None if value is None else str(value)


# Each SELECT runs in every schema of a batch; `{s}` is the quoted schema. Ordering is part of
# the snapshot (lists compare by order), so every query orders like the models do.
# Moments become the local day they fell on (the zone is the project's setting, not input).
_ZONE = settings.TIME_ZONE.replace("'", "")
_PLANS = f"""
    SELECT id, title, status, version, period_start, period_end, areas, act_kind, act_number, act_date,
           in_force_from, kind, valid_from, valid_until, (created_at AT TIME ZONE '{_ZONE}')::date
    FROM {{s}}.{_table(Plan)}"""
_ACTS = f"""
    SELECT plan_id, id, kind, number, date, in_force_from, valid_from, valid_until, version_number, version_sha256,
           document_id
    FROM {{s}}.{_table(PlanAct)} WHERE withdrawn_at IS NULL"""
# One join instead of a subquery per count: planning, not running, is what a many-schema query
# costs (per schema: 1.1 ms planned with four subqueries, measured on a warm connection).
_AREAS = f"""
    SELECT a.plan_id, a.position, a.code, a.name, count(DISTINCT g.id), count(DISTINCT sg.id), count(pa.id),
           coalesce(array_agg(pa.number ORDER BY g.position, sg.position, pa.position) FILTER (WHERE pa.number <> ''),
                    '{{{{}}}}')
    FROM {{s}}.{_table(PlanArea)} a
    LEFT JOIN {{s}}.{_table(GeneralGoal)} g ON g.area_id = a.id
    LEFT JOIN {{s}}.{_table(SpecificGoal)} sg ON sg.goal_id = g.id
    LEFT JOIN {{s}}.{_table(PlanAction)} pa ON pa.specific_goal_id = sg.id
    GROUP BY a.id"""
_SERVICES = f"SELECT plan_id, position, type, name, area, capacity, unit FROM {{s}}.{_table(PlanService)}"
_FUNDING = f"SELECT plan_id, position, source, year, amount FROM {{s}}.{_table(PlanFunding)}"
_INDICATORS = f"""
    SELECT i.plan_id, i.id, i.area, i.number, i.name, i.unit, i.standard_code, i.direction,
           i.baseline_value, i.baseline_year, i.target_value, i.target_year,
           (SELECT coalesce(json_object_agg(v.year::text, v.value::text ORDER BY v.year), '{{{{}}}}'::json)
              FROM {{s}}.{_table(IndicatorValue)} v WHERE v.indicator_id = i.id AND v.superseded_at IS NULL)
    FROM {{s}}.{_table(Indicator)} i"""
# The day each year's value was first reported, corrections included (a join, not a second
# subquery per indicator: planning is what a many-schema query costs).
_FIRST_REPORTED = f"""
    SELECT i.plan_id, v.indicator_id, v.year, (min(v.reported_at) AT TIME ZONE '{_ZONE}')::date::text
    FROM {{s}}.{_table(IndicatorValue)} v JOIN {{s}}.{_table(Indicator)} i ON i.id = v.indicator_id
    GROUP BY i.plan_id, v.indicator_id, v.year"""
_DOCUMENTS = f"SELECT plan_id, id, kind, sha256, status, archive_key, content_type FROM {{s}}.{_table(PlanDocument)}"
_REPORTS = f"""
    SELECT plan_id, max(year),
           coalesce(array_agg(year ORDER BY year) FILTER (WHERE kind = '{ReportKind.YEARLY}'), '{{{{}}}}'),
           coalesce(json_object_agg(year::text, (filed_at AT TIME ZONE '{_ZONE}')::date::text ORDER BY year)
                    FILTER (WHERE kind = '{ReportKind.YEARLY}'), '{{{{}}}}'::json)
    FROM {{s}}.{_table(ImplementationReport)} GROUP BY plan_id"""
_EXPLANATIONS = f"""
    SELECT e.plan_id, e.id, e.indicator_id, i.number, e.year, e.text,
           (e.explained_at AT TIME ZONE '{_ZONE}')::date::text
    FROM {{s}}.{_table(ValueExplanation)} e LEFT JOIN {{s}}.{_table(Indicator)} i ON i.id = e.indicator_id
    WHERE e.superseded_at IS NULL"""
_VERSIONS = f"""
    SELECT DISTINCT ON (plan_id) plan_id, number, sha256
    FROM {{s}}.{_table(PlanVersion)} ORDER BY plan_id, number DESC"""


def _rows(select: str, teryts: Sequence[str]) -> dict[tuple[str, int], list[tuple[Any, ...]]]:
    """Rows of `select` in every schema, grouped by (teryt, plan id) and sorted by the second
    column (position or id), which is how the models order them."""
    grouped: dict[tuple[str, int], list[tuple[Any, ...]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(union_over_gminas(select, teryts))
        for teryt, plan_id, *rest in cursor.fetchall():
            grouped[(teryt, plan_id)].append(tuple(rest))
    for rows in grouped.values():
        rows.sort(key=lambda row: row[0])
    return grouped


def _act(row: tuple[Any, ...]) -> ActFacts:
    return act_facts_of(*row[1:])


def _under_review(teryt: str, plan_id: int) -> tuple[list[FindingSnapshot], list[ChangeSnapshot] | None]:
    """What a reviewer of a submitted plan needs beyond the plan: its completeness findings and
    what changed since its previous submission (None when this is the first)."""
    with in_gmina(teryt):
        plan = Plan.objects.get(pk=plan_id)
        findings: list[FindingSnapshot] = [
            {
                "path": f.path,
                "severity": f.severity.value,
                "code": f.code,
                "message_pl": f.message_pl,
                "message_en": f.message_en,
            }
            for f in completeness_check(plan=plan)
        ]
        last_two = list(plan.versions.order_by("-number").values_list("canonical", flat=True)[:2])
    if len(last_two) < 2:
        return findings, None
    latest, previous = (json.loads(text) for text in last_two)
    return findings, [{"path": c.path, "change": c.change} for c in structural_diff(previous, latest)]


def gmina_snapshots(teryts: Iterable[str]) -> dict[str, GminaSnapshotData]:
    """Snapshots of the given gminas (their schemas must exist), by TERYT."""
    codes = list(teryts)
    if not codes:
        return {}
    with many_schema_cursor() as cursor:
        areas, services, funding = _rows(_AREAS, codes), _rows(_SERVICES, codes), _rows(_FUNDING, codes)
        indicators, documents = _rows(_INDICATORS, codes), _rows(_DOCUMENTS, codes)
        reports, versions, acts = _rows(_REPORTS, codes), _rows(_VERSIONS, codes), _rows(_ACTS, codes)
        explanations, first_reported = _rows(_EXPLANATIONS, codes), _rows(_FIRST_REPORTED, codes)
        cursor.execute(union_over_gminas(_PLANS, codes))
        plan_rows = cursor.fetchall()
    snapshots: dict[str, GminaSnapshotData] = {teryt: {"teryt": teryt, "plans": []} for teryt in codes}
    # Plan.Meta.ordering: newest period first, then id.
    plan_rows.sort(key=lambda r: (r[0], -r[5], r[1]))
    for (
        teryt,
        plan_id,
        title,
        status,
        version,
        start,
        end,
        plan_areas,
        act_kind,
        number,
        act_date,
        in_force,
        plan_kind,
        valid_from,
        valid_until,
        registered_on,
    ) in plan_rows:
        key = (teryt, plan_id)
        reported_first: dict[int, dict[str, str]] = defaultdict(dict)
        for indicator_id, year, day in sorted(first_reported.get(key, [])):
            reported_first[indicator_id][str(year)] = day
        review = _under_review(teryt, plan_id) if status == PlanStatus.SUBMITTED else ([], None)
        act: ActSnapshot | None = None
        if act_date is not None and in_force is not None:
            act = {"kind": act_kind, "number": number, "date": act_date.isoformat(),
                   "in_force_from": in_force.isoformat()}  # fmt: skip
        snapshots[teryt]["plans"].append(
            {
                "id": plan_id,
                "title": title,
                "kind": plan_kind,
                "status": status,
                "version": version,
                "period_start": start,
                "period_end": end,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "areas": list(plan_areas),
                "act": act,
                "acts": [_act(row) for row in acts.get(key, [])],
                "programme_areas": [
                    {
                        "code": code,
                        "name": name,
                        "general_goals": g,
                        "specific_goals": sg,
                        "actions": a,
                        "action_numbers": list(numbers),
                    }
                    for _, code, name, g, sg, a, numbers in areas.get(key, [])
                ],
                "services": [
                    {"type": kind, "name": name, "area": area, "capacity": _decimal(capacity), "unit": unit}
                    for _, kind, name, area, capacity, unit in services.get(key, [])
                ],
                "funding": [
                    {"source": source, "year": year, "amount": _decimal(amount)}
                    for _, source, year, amount in funding.get(key, [])
                ],
                "indicators": [
                    {
                        "id": indicator_id,
                        "area": area,
                        "number": number,
                        "name": name,
                        "unit": unit,
                        "standard_code": code,
                        "direction": direction,
                        "baseline": _decimal(baseline),
                        "baseline_year": baseline_year,
                        "target": _decimal(target),
                        "target_year": target_year,
                        "values": values,
                        "first_reported": reported_first.get(indicator_id, {}),
                    }
                    for (
                        indicator_id,
                        area,
                        number,
                        name,
                        unit,
                        code,
                        direction,
                        baseline,
                        baseline_year,
                        target,
                        target_year,
                        values,
                    ) in indicators.get(key, [])
                ],
                "latest_report_year": reports[key][0][0] if key in reports else None,
                "yearly_report_years": list(reports[key][0][1]) if key in reports else [],
                "yearly_reports_filed": reports[key][0][2] if key in reports else {},
                "registered_on": registered_on.isoformat(),
                "explanations": [
                    {"indicator_id": indicator_id, "indicator": number, "year": year, "text": text, "explained_on": day}
                    for _, indicator_id, number, year, text, day in explanations.get(key, [])
                ],
                "frozen_version": {"number": versions[key][0][0], "sha256": versions[key][0][1]}
                if key in versions
                else None,
                "documents": [
                    {
                        "id": doc_id,
                        "kind": kind,
                        "sha256": sha256,
                        "status": doc_status,
                        "archive_key": archive_key,
                        "content_type": content_type,
                    }
                    for doc_id, kind, sha256, doc_status, archive_key, content_type in documents.get(key, [])
                ],
                "findings": review[0],
                "changes_since_previous_submission": review[1],
            }
        )
    return snapshots


def gmina_snapshot(*, teryt: str) -> GminaSnapshotData:
    """One gmina's snapshot."""
    return gmina_snapshots([teryt])[teryt]
