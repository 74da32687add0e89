"""Yearly reporting over HTTP: indicator values, implementation reports, the diagnosis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from mozaika.audit.log import actor_for
from mozaika.identity.authz import Action
from mozaika.params import GminaTerytPath
from tenants.plans import selectors as plan_selectors
from tenants.plans.api.access import IF_MATCH_HEADER, expected_version, gmina_scope, tagged
from tenants.plans.api.schemas import PlanOut
from tenants.plans.explanations import value_explain
from tenants.plans.models import ReportKind, ValueExplanation
from tenants.plans.reporting import FigureSpec, SectionSpec, diagnosis_replace, indicator_value_report, report_file

router = Router(tags=["reporting"])


class ValueIn(Schema):
    year: int = Field(ge=1990, le=2100)
    value: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    note: str = Field("", max_length=500)


class ValueHistoryOut(Schema):
    year: int
    value: Decimal
    reported_by: str
    reported_at: dt.datetime
    note: str
    superseded_at: dt.datetime | None


class ExplanationIn(Schema):
    # A misspelt `indicator_id` would otherwise explain the year's reporting instead, silently.
    model_config = ConfigDict(extra="forbid")

    indicator_id: int | None = Field(
        None, ge=1, description="the indicator whose value is explained; none: the year's reporting"
    )
    year: int = Field(ge=1990, le=2100)
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ExplanationOut(Schema):
    id: int
    indicator_id: int | None
    indicator_number: str | None
    year: int
    text: str
    explained_by: str
    explained_at: dt.datetime
    superseded_at: dt.datetime | None

    @staticmethod
    def resolve_indicator_number(explanation: ValueExplanation) -> str | None:
        return None if explanation.indicator is None else explanation.indicator.number


class ReportIn(Schema):
    kind: ReportKind
    year: int = Field(ge=1990, le=2100)
    narrative: str = Field(min_length=1, max_length=100_000)


class ReportOut(Schema):
    id: int
    kind: ReportKind
    year: int
    narrative: str
    indicator_values: list[dict[str, Any]]
    filed_by: str
    filed_at: dt.datetime


class SectionIO(Schema):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=100_000)


class FigureIO(Schema):
    name: str = Field(min_length=1, max_length=300)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    unit: str = Field(min_length=1, max_length=50)
    year: int = Field(ge=1990, le=2100)
    source: str = Field("", max_length=300)


class DiagnosisIO(Schema):
    sections: list[SectionIO] = Field(default_factory=list)
    figures: list[FigureIO] = Field(default_factory=list)


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values",
    operation_id="reportIndicatorValue",
    response={201: ValueHistoryOut},
    summary="Report an indicator's yearly value (again: a correction; the old value stays in history)",
)
def report_value(
    request: HttpRequest, payload: ValueIn, plan_id: int, indicator_id: int, teryt: str = GminaTerytPath
) -> Status[object]:
    with gmina_scope(request, teryt, Action.INDICATOR_REPORT) as (_, decision):
        reported = indicator_value_report(
            teryt=teryt,
            plan_id=plan_id,
            indicator_id=indicator_id,
            year=payload.year,
            value=payload.value,
            note=payload.note,
            actor=actor_for(request, decision),
        )
        return Status(201, reported)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values",
    operation_id="listIndicatorValues",
    response=list[ValueHistoryOut],
    summary="Every value reported for an indicator, corrections included",
)
def value_history(request: HttpRequest, plan_id: int, indicator_id: int, teryt: str = GminaTerytPath) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan_selectors.indicator_value_history(plan=plan, indicator_id=indicator_id))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/explanations",
    operation_id="explainValue",
    response={201: ExplanationOut},
    summary="Explain a year's value that the data-quality checks question (or, with no indicator, the year's "
    "reporting); a new explanation supersedes the last, which is kept",
    description="Reviewers see the explanation with every flag on that value and year "
    "(`GET …/data-quality`, the review queue).",
)
def explain_value(
    request: HttpRequest, payload: ExplanationIn, plan_id: int, teryt: str = GminaTerytPath
) -> Status[object]:
    with gmina_scope(request, teryt, Action.INDICATOR_REPORT) as (_, decision):
        explanation = value_explain(
            teryt=teryt,
            plan_id=plan_id,
            indicator_id=payload.indicator_id,
            year=payload.year,
            text=payload.text,
            actor=actor_for(request, decision),
        )
        return Status(201, explanation)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/explanations",
    operation_id="listValueExplanations",
    response=list[ExplanationOut],
    summary="The gmina's explanations of questioned values, superseded ones included",
)
def list_explanations(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.explanations.select_related("indicator"))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/reports",
    operation_id="fileMonitoringReport",
    response={201: ReportOut},
    summary="File a report",
)
def file_report(request: HttpRequest, payload: ReportIn, plan_id: int, teryt: str = GminaTerytPath) -> Status[object]:
    with gmina_scope(request, teryt, Action.INDICATOR_REPORT) as (_, decision):
        report = report_file(
            teryt=teryt,
            plan_id=plan_id,
            kind=payload.kind,
            year=payload.year,
            narrative=payload.narrative,
            actor=actor_for(request, decision),
        )
        return Status(201, report)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/reports",
    operation_id="listMonitoringReports",
    response=list[ReportOut],
    summary="Implementation reports",
)
def list_reports(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.reports.all())


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/diagnosis",
    operation_id="getPlanDiagnosis",
    response=DiagnosisIO,
    summary="The diagnostic part",
)
def get_diagnosis(
    request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = GminaTerytPath
) -> DiagnosisIO:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        response["ETag"] = f'"{plan.version}"'
        return DiagnosisIO(
            sections=[SectionIO(title=s.title, text=s.text) for s in plan.diagnostic_sections.all()],
            figures=[
                FigureIO(name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
                for f in plan.key_figures.all()
            ],
        )


@router.put(
    "/gminas/{teryt}/plans/{plan_id}/diagnosis",
    operation_id="replacePlanDiagnosis",
    response=PlanOut,
    summary="Replace a draft's diagnosis",
    description="Send `If-Match` with the ETag (the plan's version) you read; a plan changed since is a 409.",
    openapi_extra=IF_MATCH_HEADER,
)
def put_diagnosis(
    request: HttpRequest, response: HttpResponse, payload: DiagnosisIO, plan_id: int, teryt: str = GminaTerytPath
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        diagnosis_replace(
            teryt=teryt,
            plan_id=plan_id,
            sections=[SectionSpec(title=s.title, text=s.text) for s in payload.sections],
            figures=[
                FigureSpec(name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
                for f in payload.figures
            ],
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))
