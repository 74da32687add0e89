"""The acts of a plan's life over HTTP (`/gminas/{teryt}/plans/{id}/adoption|amendments|repeal|
annulment|acts`): authorise, receive the act's document, call `tenants.plans.lifecycle.acts`."""

from __future__ import annotations

import datetime as dt
from typing import IO, cast

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.files import UploadedFile
from ninja.params.functions import File, Form
from pydantic import Field

from mozaika.audit.log import actor_for
from mozaika.identity.authz import Action
from mozaika.params import Day, GminaTerytPath
from tenants.plans import selectors as plan_selectors
from tenants.plans.api.access import gmina_scope, tagged
from tenants.plans.api.schemas import ACT_NUMBER_PATTERN, PlanOut
from tenants.plans.documents.intake import ReceivedDocument, document_receive
from tenants.plans.lifecycle.acts import ActSpec, act_withdraw, plan_adopt, plan_amend, plan_annul, plan_repeal
from tenants.plans.lifecycle.validity import ActKind
from tenants.plans.models import AdoptingActKind, PlanAct

router = Router(tags=["plan acts"])

ActNumber = Form(..., pattern=ACT_NUMBER_PATTERN, max_length=100, description="e.g. LXIII/916/2023")
DOCUMENT_TYPES = "PDF (signed or not), DOCX, ODT, XLSX, or XML signed with XAdES"


def _received(upload: UploadedFile, field: str) -> ReceivedDocument:
    return document_receive(source=cast(IO[bytes], upload), filename=upload.name or "", field=field,
                            declared_type=upload.content_type)  # fmt: skip


class ActOut(Schema):
    id: int
    kind: ActKind
    number: str
    date: dt.date
    in_force_from: dt.date = Field(description="entry into force; for a repeal or supersession, the first day "
                                               "the plan is no longer in force")  # fmt: skip
    valid_from: dt.date | None
    valid_until: dt.date | None
    version_number: int | None
    version_sha256: str
    document_id: int | None
    successor_plan_id: int | None
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawal_reason: str


class WithdrawalIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="why the act was recorded by mistake")


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/adoption",
    operation_id="adoptPlan",
    response=PlanOut,
    summary="Record the plan's adoption with the resolution document",
    description="The act's date cannot be in the future; `in_force_from` (default: the act's date) may be later "
    "(vacatio legis): the plan is then adopted but not yet in force. The document is archived in the "
    "background: its status is `pending` until then.",
)
def adopt_plan(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    teryt: str = GminaTerytPath,
    act_number: str = ActNumber,
    act_date: Day = Form(...),
    act_kind: AdoptingActKind = Form(AdoptingActKind.COUNCIL_RESOLUTION),
    in_force_from: Day | None = Form(None, description="the resolution's entry into force"),
    resolution: UploadedFile = File(..., description=f"The adopting act: {DOCUMENT_TYPES}"),
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_ADOPT) as (_, decision):
        plan_adopt(teryt=teryt, plan_id=plan_id, act_kind=act_kind,
                   spec=ActSpec(act_number, act_date, in_force_from), resolution=_received(resolution, "resolution"),
                   actor=actor_for(request, decision))  # fmt: skip
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/amendments",
    operation_id="amendPlan",
    response=PlanOut,
    summary="Record an amending resolution: a new version of the adopted plan",
    description="The plan's current content (with the title and period given here, if any) is frozen as a new "
    "version, in force from the resolution's entry into force.",
)
def amend_plan(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    teryt: str = GminaTerytPath,
    act_number: str = ActNumber,
    act_date: Day = Form(...),
    in_force_from: Day | None = Form(None, description="the resolution's entry into force"),
    title: str | None = Form(None, min_length=1, max_length=500),
    valid_from: Day | None = Form(None, description="the amended programme period's first day"),
    valid_until: Day | None = Form(None, description="the amended programme period's last day"),
    resolution: UploadedFile = File(..., description=f"The amending resolution: {DOCUMENT_TYPES}"),
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_ADOPT) as (_, decision):
        plan_amend(teryt=teryt, plan_id=plan_id, spec=ActSpec(act_number, act_date, in_force_from),
                   document=_received(resolution, "resolution"), actor=actor_for(request, decision), title=title,
                   valid_from=valid_from, valid_until=valid_until)  # fmt: skip
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/repeal",
    operation_id="repealPlan",
    response=PlanOut,
    summary="Record a repealing resolution: the plan's force ends when it enters into force",
)
def repeal_plan(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    teryt: str = GminaTerytPath,
    act_number: str = ActNumber,
    act_date: Day = Form(...),
    in_force_from: Day | None = Form(None, description="the repeal's entry into force (default: act_date)"),
    resolution: UploadedFile = File(..., description=f"The repealing resolution: {DOCUMENT_TYPES}"),
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_ADOPT) as (_, decision):
        plan_repeal(teryt=teryt, plan_id=plan_id, spec=ActSpec(act_number, act_date, in_force_from),
                    document=_received(resolution, "resolution"), actor=actor_for(request, decision))  # fmt: skip
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/annulment",
    operation_id="annulPlan",
    response=PlanOut,
    summary="Record the voivode's supervisory decision declaring the adopting resolution invalid",
    description="The plan is void from the start: it is treated as never having been in force.",
)
def annul_plan(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    teryt: str = GminaTerytPath,
    decision_number: str = ActNumber,
    decision_date: Day = Form(...),
    decision_document: UploadedFile = File(..., description=f"The supervisory decision: {DOCUMENT_TYPES}"),
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_ADOPT) as (_, decision):
        plan_annul(teryt=teryt, plan_id=plan_id, spec=ActSpec(decision_number, decision_date),
                   document=_received(decision_document, "decision_document"),
                   actor=actor_for(request, decision))  # fmt: skip
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/acts/{act_id}/withdrawal",
    operation_id="withdrawAct",
    response=PlanOut,
    summary="Withdraw an act recorded by mistake (operators); it stays on record, marked withdrawn",
)
def withdraw_act(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    act_id: int,
    payload: WithdrawalIn,
    teryt: str = GminaTerytPath,
) -> object:
    with gmina_scope(request, teryt, Action.ACT_WITHDRAW) as (_, decision):
        act_withdraw(teryt=teryt, plan_id=plan_id, act_id=act_id, reason=payload.reason,
                     actor=actor_for(request, decision))  # fmt: skip
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/acts",
    operation_id="listPlanActs",
    response=list[ActOut],
    summary="The acts of the plan's life",
)
def list_acts(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[PlanAct]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.acts.order_by("id"))
