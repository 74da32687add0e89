"""A plan's review over HTTP: submission, the region's decision, frozen versions and their
diff, comments and history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from mozaika.audit.log import actor_for
from mozaika.events.history import aggregate_history
from mozaika.events.models import Event
from mozaika.identity.authz import Action
from mozaika.params import GminaTerytPath
from tenants.plans import selectors as plan_selectors
from tenants.plans.api.access import gmina_scope, tagged
from tenants.plans.api.schemas import PlanOut
from tenants.plans.lifecycle.review import CommentSpec, ReviewDecision, plan_review, plan_submit
from tenants.plans.lifecycle.versions import Change, structural_diff
from tenants.plans.models import PlanVersion, ReviewComment

router = Router(tags=["plan review"])


class VersionOut(Schema):
    number: int
    sha256: str = Field(
        description="SHA-256 (hex) of the version's document as canonical JSON: keys sorted, separators "
        '"," and ":" without spaces, non-ASCII text unescaped, UTF-8 (README: verifying hashes)'
    )
    submitted_by: str
    submitted_at: dt.datetime


class VersionDocumentOut(VersionOut):
    document: dict[str, Any]


class CommentIn(Schema):
    path: str = Field(min_length=1, max_length=200, description="e.g. programme.areas[2].goals[0]")
    text: str = Field(min_length=1, max_length=5000)


class ReviewIn(Schema):
    decision: ReviewDecision
    comments: list[CommentIn] = Field(default_factory=list)


class CommentOut(Schema):
    version_number: int
    path: str
    text: str
    author: str
    created_at: dt.datetime


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/submission",
    operation_id="submitPlan",
    response=VersionOut,
    summary="Submit for review",
)
def submit_plan(request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = GminaTerytPath) -> object:
    with gmina_scope(request, teryt, Action.PLAN_SUBMIT) as (_, decision):
        version = plan_submit(teryt=teryt, plan_id=plan_id, actor=actor_for(request, decision))
        tagged(response, version.plan)
        return version


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/review",
    operation_id="reviewPlan",
    response=PlanOut,
    summary="Accept a submitted plan, or return it with comments (marshal's office)",
)
def review_plan(
    request: HttpRequest, response: HttpResponse, payload: ReviewIn, plan_id: int, teryt: str = GminaTerytPath
) -> object:
    with gmina_scope(request, teryt, Action.REVIEW_DECIDE) as (_, decision):
        plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)  # drafts stay unseen
        plan_review(
            teryt=teryt,
            plan_id=plan_id,
            decision=payload.decision,
            comments=[CommentSpec(path=c.path, text=c.text) for c in payload.comments],
            actor=actor_for(request, decision),
        )
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility))


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/versions",
    operation_id="listPlanVersions",
    response=list[VersionOut],
    summary="Submitted versions",
)
def list_versions(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[PlanVersion]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.versions.all())


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/versions/{number}",
    operation_id="getPlanVersion",
    response=VersionDocumentOut,
    summary="One frozen version",
)
def get_version(request: HttpRequest, plan_id: int, number: int, teryt: str = GminaTerytPath) -> VersionDocumentOut:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        version = plan_selectors.version_get(
            plan_id=plan_id, number=number, teryt=teryt, visibility=decision.visibility
        )
    return VersionDocumentOut(
        number=version.number,
        sha256=version.sha256,
        submitted_by=version.submitted_by,
        submitted_at=version.submitted_at,
        document=json.loads(version.canonical),
    )


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/versions/{number}/diff/{other}",
    operation_id="diffPlanVersions",
    response=list[Change],
    summary="What changed between two versions",
)
def diff_versions(
    request: HttpRequest, plan_id: int, number: int, other: int, teryt: str = GminaTerytPath
) -> list[Change]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        before, after = (
            plan_selectors.version_get(plan_id=plan_id, number=n, teryt=teryt, visibility=decision.visibility)
            for n in (number, other)
        )
    return structural_diff(json.loads(before.canonical), json.loads(after.canonical))


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/comments",
    operation_id="listPlanComments",
    response=list[CommentOut],
    summary="Reviewers' comments",
)
def list_comments(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[ReviewComment]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.review_comments.all())


class HistoryEntryOut(Schema):
    type: str
    occurred_at: dt.datetime
    actor: str
    version: int = Field(validation_alias="aggregate_version")
    payload: dict[str, Any]


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/history",
    operation_id="getPlanHistory",
    response=list[HistoryEntryOut],
    summary="The plan's history: every change and every review decision, oldest first",
)
def plan_history(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[Event]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
    return aggregate_history(teryt=teryt, aggregate="plan", aggregate_id=plan_id)
