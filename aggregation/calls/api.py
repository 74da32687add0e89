"""Funding calls and the eligibility API: authorise, call a service or selector, shape the answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.params.functions import Path, Query
from pydantic import Field

from aggregation.calls.compliance import CriterionResult, CriterionType, PlanEvidence
from aggregation.calls.criteria import RULE_KINDS, ApplicantKind
from aggregation.calls.eligibility import (
    EligibilityAnswer,
    EligibilityQuestion,
    eligibility_answer,
    eligibility_batch,
)
from aggregation.calls.exports import CALL_RESULT_COLUMNS
from aggregation.calls.results import ResultFilter, ResultSort, call_counts, call_results, call_results_as_of
from aggregation.calls.services import CallDefinition, call_change, call_define, call_get
from aggregation.models import Call
from mozaika.audit.log import actor_for
from mozaika.errors import FieldError, PermissionDenied, ValidationFailed
from mozaika.exports import ExportFormat, table_response
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_platform, authorize_region
from mozaika.pagination import MAX_OFFSET
from mozaika.params import Day, GminaTerytPath, Moment
from mozaika.tenancy import TERYT_GMINA_PATTERN, TERYT_POWIAT_PATTERN, VOIVODESHIP_PATTERN
from tenants.plans.models import InterventionArea
from tenants.plans.programme.values import CALL_CODE_MAX_LENGTH, CALL_CODE_PATTERN

router = Router(tags=["funding calls, eligibility"])

# FEPZ.06.19, FEMP.06.33, FERS.04.12-IP.01 (no slash: the code is a path segment)
# Well-formed; whether the area exists is a 404, as for a TERYT.
AREA_PATTERN = r"^[a-z_]{1,40}$"
ACTION_PATTERN = r"^[0-9A-Za-z.]{1,20}$"
RESULT_SORT_PATTERN = "^-?(" + "|".join(s.value for s in ResultSort) + ")$"


# Calls


class CriterionIn(Schema):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$", description="e.g. D1 (access), P2 (bonus)")
    name: str = Field(min_length=1, max_length=500, description="the wording of the call's rules document")
    type: CriterionType
    points: int = Field(0, ge=0, le=100, description="bonus criteria only")
    rule: str = Field(min_length=1, max_length=60, description="a rule kind, see GET /rule-kinds")
    params: dict[str, Any] = Field(default_factory=dict)


class CallIn(Schema):
    title: str = Field(min_length=1, max_length=500)
    programme: str = Field(min_length=1, max_length=200)
    voivodeship: str | None = Field(None, pattern=VOIVODESHIP_PATTERN, description="owner; none for a national call")
    opens_on: Day
    deadline: Day = Field(description="the last day of applications")
    applicant_kinds: list[ApplicantKind] = Field(min_length=1)
    areas: list[InterventionArea] = Field(default_factory=list, description="the call's target groups")
    criteria: list[CriterionIn] = Field(min_length=1, max_length=50)

    def definition(self, code: str) -> CallDefinition:
        return CallDefinition(
            code=code,
            title=self.title,
            programme=self.programme,
            voivodeship=self.voivodeship,
            opens_on=self.opens_on,
            deadline=self.deadline,
            applicant_kinds=tuple(self.applicant_kinds),
            areas=tuple(a.value for a in self.areas),
            criteria=[c.model_dump() for c in self.criteria],
        )


class CallCreateIn(CallIn):
    code: str = Field(
        pattern=CALL_CODE_PATTERN, max_length=CALL_CODE_MAX_LENGTH, description="the call's number, e.g. FEPZ.06.19"
    )


class CriterionOut(Schema):
    code: str
    name: str
    type: str
    points: int
    rule: str
    params: dict[str, Any]


class EvaluationCountsOut(Schema):
    in_scope: int
    evaluated: int
    eligible: int


class CallOut(Schema):
    code: str
    title: str
    programme: str
    voivodeship: str | None
    opens_on: date
    deadline: date
    applicant_kinds: list[str]
    areas: list[str]
    criteria: list[CriterionOut]
    version: int
    defined_by: str
    updated_at: datetime


class CallDetailOut(CallOut):
    evaluations: EvaluationCountsOut


class RuleKindOut(Schema):
    name: str
    description: str
    params: dict[str, Any] = Field(description="JSON Schema of the parameters")


def _owner(call_voivodeship: str | None) -> str:
    return call_voivodeship or ""


def _call_out(call: Call) -> dict[str, Any]:
    fields = ("code", "title", "programme", "opens_on", "deadline", "applicant_kinds", "areas", "criteria",
              "version", "defined_by", "updated_at")  # fmt: skip
    return {name: getattr(call, name) for name in fields} | {"voivodeship": call.voivodeship_id}


def _detail(call: Call) -> dict[str, Any]:
    return _call_out(call) | {"evaluations": call_counts(call)}


@router.get(
    "/rule-kinds",
    operation_id="listRuleKinds",
    response=list[RuleKindOut],
    summary="The rule kinds a call's criteria are built from",
)
def rule_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    return [
        {"name": kind.name, "description": kind.description, "params": kind.params.model_json_schema()}
        for kind in RULE_KINDS.values()
    ]


@router.get(
    "/calls", operation_id="listCalls", response=list[CallOut], summary="Funding calls, optionally one voivodeship's"
)
def list_calls(
    request: HttpRequest,
    voivodeship: str | None = Query(None, pattern=VOIVODESHIP_PATTERN),
    open_on: Day | None = Query(None, description="only calls taking applications on this day"),
) -> Any:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    calls = Call.objects.all()
    if voivodeship is not None:
        calls = calls.filter(voivodeship_id=voivodeship)
    if open_on is not None:
        calls = calls.filter(opens_on__lte=open_on, deadline__gte=open_on)
    return [_call_out(call) for call in calls]


CallCode = Path(..., pattern=CALL_CODE_PATTERN)


@router.post(
    "/calls", operation_id="createCall", response={201: CallDetailOut}, summary="Define a funding call and its criteria"
)
def define_call(request: HttpRequest, payload: CallCreateIn) -> Status[dict[str, Any]]:
    decision = authorize_region(
        principal=principal_of(request),
        voivodeship=_owner(payload.voivodeship),
        action=Action.CALL_DEFINE,
    )
    call = call_define(definition=payload.definition(payload.code), actor=actor_for(request, decision))
    return Status(201, _detail(call))


@router.get(
    "/calls/{code}",
    operation_id="getCall",
    response=CallDetailOut,
    summary="A funding call with its evaluation progress",
)
def get_call(request: HttpRequest, code: str = CallCode) -> dict[str, Any]:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    return _detail(call_get(code))


@router.put(
    "/calls/{code}",
    operation_id="updateCall",
    response=CallDetailOut,
    summary="Change a call; every gmina is re-evaluated",
)
def change_call(request: HttpRequest, payload: CallIn, code: str = CallCode) -> dict[str, Any]:
    principal = principal_of(request)
    current = call_get(code)
    # Both the owner now and the owner asked for must be the caller's to define.
    authorize_region(principal=principal, voivodeship=_owner(current.voivodeship_id), action=Action.CALL_DEFINE)
    decision = authorize_region(principal=principal, voivodeship=_owner(payload.voivodeship), action=Action.CALL_DEFINE)
    call = call_change(definition=payload.definition(code), actor=actor_for(request, decision))
    return _detail(call)


class CallResultOut(Schema):
    teryt: str
    name: str
    powiat: str
    powiat_name: str
    applicant_kind: str
    eligible: bool
    points: int
    failed_criteria: list[str]
    evaluated_on: date
    updated_at: datetime


class CallResultsOut(Schema):
    call: str
    counts: EvaluationCountsOut
    total: int
    items: list[CallResultOut]


class ResultParams(Schema):
    eligible: bool | None = None
    powiat: str | None = Field(None, pattern=TERYT_POWIAT_PATTERN)
    min_points: int | None = Field(None, ge=0)
    sort: str = Field("teryt", pattern=RESULT_SORT_PATTERN, description="teryt, name or points; '-' descending")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    on: Day | None = Field(None, description="judge every gmina on this day instead of the stored results")
    as_known_at: Moment | None = Field(None, description="as known at this moment (ISO 8601 with an offset)")

    def where(self) -> ResultFilter:
        return ResultFilter(
            self.eligible, self.powiat, self.min_points, ResultSort(self.sort.lstrip("-")), self.sort.startswith("-")
        )


@router.get(
    "/calls/{code}/results",
    operation_id="listCallResults",
    response=CallResultsOut,
    summary="Every gmina of the call's scope with its decision and points (filter, sort, page; CSV/XLSX)",
)
def results(
    request: HttpRequest,
    code: str = CallCode,
    params: ResultParams = Query(...),
    export: ExportFormat = Query(ExportFormat.JSON, alias="format", description="json, or a csv/xlsx file"),
) -> Any:
    call = call_get(code)
    authorize_region(
        principal=principal_of(request),
        voivodeship=_owner(call.voivodeship_id),
        action=Action.ROLLUP_READ,
    )
    rows: list[dict[str, Any]] = []
    if params.on is not None or params.as_known_at is not None:
        rows = call_results_as_of(call, params.where(), on=params.on, issued_to=principal_of(request).name,
                                  as_known_at=aware(params.as_known_at, "as_known_at"))  # fmt: skip
        total, page = len(rows), rows[params.offset : params.offset + params.limit]
    elif export is ExportFormat.JSON:
        total, page = call_results(call, params.where(), limit=params.limit, offset=params.offset)
    else:
        _, rows = call_results(call, params.where(), limit=None)
    if export is ExportFormat.JSON:
        return {"call": call.code, "counts": call_counts(call), "total": total, "items": page}
    for row in rows:
        row["failed_criteria"] = ", ".join(row["failed_criteria"])
    return table_response(CALL_RESULT_COLUMNS, rows, export=export, name=f"wyniki-{call.code}")


# Eligibility


class DocumentLinkOut(Schema):
    url: str
    expires_at: datetime


class EligibilityOut(Schema):
    teryt: str
    name: str
    call: str | None
    on: date
    as_known_at: datetime = Field(description="the moment of knowledge the answer used")
    area: str | None
    eligible: bool
    decision: str = Field(description="eligible | not_eligible")
    points: int
    max_points: int
    criteria: list[CriterionResult]
    evidence: PlanEvidence | None
    document_link: DocumentLinkOut | None
    data_as_of: datetime | None = Field(description="when the gmina's data the answer rests on was read")


def aware(moment: datetime | None, field: str) -> datetime | None:
    """A moment of knowledge must say its offset: a bare time would be read in some zone."""
    if moment is not None and moment.tzinfo is None:
        raise ValidationFailed(
            "The moment needs a time zone.",
            errors=[FieldError(field, "give an offset, e.g. 2026-03-02T12:00:00+01:00")],
        )
    return moment


def _answer_out(request: HttpRequest, answer: EligibilityAnswer) -> dict[str, Any]:
    link = answer.document_link
    return {
        "teryt": answer.teryt,
        "name": answer.name,
        "call": answer.call,
        "on": answer.on,
        "as_known_at": answer.as_known_at,
        "area": answer.area,
        "eligible": answer.eligible,
        "decision": "eligible" if answer.eligible else "not_eligible",
        "points": answer.result["points"],
        "max_points": answer.result["max_points"],
        "criteria": answer.result["criteria"],
        "evidence": answer.result["evidence"],
        "document_link": {"url": request.build_absolute_uri(link.url), "expires_at": link.expires_at} if link else None,
        "data_as_of": answer.data_as_of,
    }


@router.get(
    "/eligibility/{teryt}",
    operation_id="getEligibility",
    response=EligibilityOut,
    summary="Is the gmina eligible for a call (or: has it a plan in force covering an area) on a day, and why?",
)
def eligibility(
    request: HttpRequest,
    teryt: str = GminaTerytPath,
    call: str | None = Query(None, pattern=CALL_CODE_PATTERN, description="a call's code"),
    area: str | None = Query(None, pattern=AREA_PATTERN, description="the project's target group"),
    action: list[str] = Query([], description="the plan's actions the project implements (their numbers)"),
    on: Day | None = Query(None, description="application day, YYYY-MM-DD; default today"),
    as_known_at: Moment | None = Query(
        None, description="answer from what Mozaika knew at this moment (ISO 8601 with offset); default now"
    ),
) -> dict[str, Any]:
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.ELIGIBILITY_READ)
    question = EligibilityQuestion(teryt=teryt, area=area, actions=tuple(action))
    answer = eligibility_answer(question, call_code=call, on=on, issued_to=decision.principal.name,
                                as_known_at=aware(as_known_at, "as_known_at"))  # fmt: skip
    return _answer_out(request, answer)


def _may_read_eligibility(principal: Any, teryt: str) -> bool:
    try:
        authorize_gmina(principal=principal, teryt=teryt, action=Action.ELIGIBILITY_READ)
    except PermissionDenied:
        return False
    return True


class BatchItemIn(Schema):
    teryt: str = Field(pattern=TERYT_GMINA_PATTERN)
    area: str | None = Field(None, pattern=AREA_PATTERN)
    actions: list[str] = Field(default_factory=list, max_length=50)


class BatchIn(Schema):
    call: str | None = Field(None, pattern=CALL_CODE_PATTERN)
    on: Day | None = None
    as_known_at: Moment | None = None
    items: list[BatchItemIn] = Field(min_length=1)


class BatchOut(Schema):
    call: str | None
    on: date
    as_known_at: datetime
    answers: list[EligibilityOut]


@router.post(
    "/eligibility:batch",
    operation_id="getEligibilityBatch",
    response=BatchOut,
    summary="Up to 1 000 gminas' eligibility in one request (a call's list of applicants)",
)
def eligibility_many(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    principal = principal_of(request)
    denied = [item.teryt for item in payload.items if not _may_read_eligibility(principal, item.teryt)]
    if denied:
        shown = ", ".join(denied[:50]) + (f" and {len(denied) - 50} more" if len(denied) > 50 else "")
        raise PermissionDenied(f"Not allowed: eligibility.read in {shown}.")
    questions = [EligibilityQuestion(i.teryt, i.area, tuple(i.actions)) for i in payload.items]
    answers = eligibility_batch(questions, call_code=payload.call, on=payload.on, issued_to=principal.name,
                                as_known_at=aware(payload.as_known_at, "as_known_at"))  # fmt: skip
    body = {"call": payload.call, "on": answers[0].on, "as_known_at": answers[0].as_known_at,
            "answers": [_answer_out(request, a) for a in answers]}  # fmt: skip
    # Serialised directly (the shape is `BatchOut`'s): validating a thousand answers again
    # through the response schema took longer than computing them.
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_UTC_Z), content_type="application/json")
