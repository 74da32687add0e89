"""A plan's lifecycle: draft -> submitted -> returned (with comments) -> submitted -> accepted ->
adopted (resolution recorded) -> expired (period over) / superseded (a newer plan adopted).
A transition not allowed from the current status is a 409 naming the ones that are."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.events.bus import event_record
from mozaika.events.catalogue import EventType
from mozaika.tenancy import assert_in_gmina
from tenants.plans.events import PLAN_ACCEPTED, PLAN_RETURNED, PLAN_SUBMITTED, PLAN_UPDATED
from tenants.plans.lifecycle.versions import canonical_json, path_exists, plan_document, sha256_of
from tenants.plans.models import Plan, PlanStatus, PlanVersion, ReviewComment
from tenants.plans.programme.completeness import blocking_findings, completeness_check


class Transition(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    ACCEPT = "accept"
    ADOPT = "adopt"
    EXPIRE = "expire"
    SUPERSEDE = "supersede"


# A plan's content changes only while it is a draft or returned with comments.
EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})
TRANSITIONS: dict[Transition, tuple[frozenset[PlanStatus], PlanStatus]] = {
    Transition.SUBMIT: (EDITABLE, PlanStatus.SUBMITTED),
    Transition.RETURN: (frozenset({PlanStatus.SUBMITTED}), PlanStatus.RETURNED),
    Transition.ACCEPT: (frozenset({PlanStatus.SUBMITTED}), PlanStatus.ACCEPTED),
    Transition.ADOPT: (frozenset({PlanStatus.ACCEPTED}), PlanStatus.ADOPTED),
    Transition.EXPIRE: (frozenset({PlanStatus.ADOPTED}), PlanStatus.EXPIRED),
    Transition.SUPERSEDE: (frozenset({PlanStatus.ADOPTED}), PlanStatus.SUPERSEDED),
}


def allowed_from(status: str) -> list[str]:
    return [t.value for t, (sources, _) in TRANSITIONS.items() if status in sources]


def transition_to(plan: Plan, transition: Transition) -> PlanStatus:
    """The status `transition` leads to from the plan's; 409 when it may not happen now."""
    sources, target = TRANSITIONS[transition]
    if plan.status not in sources:
        allowed = ", ".join(allowed_from(plan.status)) or "none"
        raise Conflict(
            f"A {plan.status} plan cannot {transition.value}; allowed now: {allowed}.",
            errors=[FieldError("status", f"allowed transitions: {allowed}")],
        )
    return target


def plan_locked(*, teryt: str, plan_id: int) -> Plan:
    """The plan, locked for the rest of the transaction: every write to a plan starts here."""
    assert_in_gmina(teryt)
    plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"Plan {plan_id} does not exist in gmina {teryt}.")
    return plan


def plan_at_version(*, teryt: str, plan_id: int, expected_version: int) -> Plan:
    """The plan, locked, if it is still at the version the writer read; else 409 (If-Match)."""
    plan = plan_locked(teryt=teryt, plan_id=plan_id)
    if plan.version != expected_version:
        raise Conflict(
            f"Plan {plan_id} is at version {plan.version}, not {expected_version}: read it again and retry.",
            errors=[FieldError("If-Match", f"current version is {plan.version}")],
        )
    return plan


def plan_editable(*, teryt: str, plan_id: int, expected_version: int) -> Plan:
    """The plan, locked at the version the writer read, if its content may change: a draft or a
    returned plan. Anything later changes only by the acts of its life (409 otherwise)."""
    plan = plan_at_version(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
    if plan.status not in EDITABLE:
        allowed = ", ".join(sorted(s.value for s in EDITABLE))
        raise Conflict(
            f"A {plan.status} plan cannot be edited (editable: {allowed}); a new plan starts a new version.",
            errors=[FieldError("status", f"editable statuses: {allowed}")],
        )
    return plan


def plan_edited(plan: Plan, *, teryt: str, actor: Actor, part: str, fields: tuple[str, ...] = ()) -> None:
    """After any edit of a plan's content: a returned plan starts its next draft, the version
    moves on and `plan.updated` (naming the part edited) enters the plan's history."""
    plan.status = PlanStatus.DRAFT
    plan.version += 1
    plan.save(update_fields=[*fields, "status", "version", "updated_at"])
    plan_event(plan, type=PLAN_UPDATED, teryt=teryt, actor=actor,
               payload={"plan_id": plan.pk, "areas": plan.areas, "part": part})  # fmt: skip


def plan_event(plan: Plan, *, type: EventType, teryt: str, actor: Actor, payload: dict[str, Any]) -> None:
    """Record an event about `plan` at its current version (published after commit)."""
    event_record(
        type=type,
        teryt=teryt,
        aggregate="plan",
        aggregate_id=plan.pk,
        aggregate_version=plan.version,
        actor=actor.name,
        payload=payload,
    )


def _record(plan: Plan, *, teryt: str, type: EventType, actor: Actor, before: str, payload: dict[str, object]) -> None:
    plan_event(
        plan,
        type=type,
        teryt=teryt,
        actor=actor,
        payload={"plan_id": plan.pk, "status": plan.status, **payload},
    )
    audit_record(
        actor=actor,
        action=type.name,
        object_type="plan",
        object_id=plan.pk,
        teryt=teryt,
        changes={"status": [before, plan.status]},
    )


def plan_submit(*, teryt: str, plan_id: int, actor: Actor) -> PlanVersion:
    """Freeze the plan as a new immutable version and send it for review. Blocking completeness
    findings stop it (422, each finding's path listed)."""
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        target = transition_to(plan, Transition.SUBMIT)
        blocking = blocking_findings(completeness_check(plan=plan))
        if blocking:
            raise ValidationFailed(
                f"The plan has {len(blocking)} blocking finding(s); see GET .../completeness.",
                errors=[FieldError(f.path, f.message_en) for f in blocking],
            )
        canonical = canonical_json(plan_document(plan))
        version = PlanVersion.objects.create(
            plan=plan,
            number=plan.versions.count() + 1,
            canonical=canonical,
            sha256=sha256_of(canonical),
            submitted_by=actor.name,
        )
        before, plan.status = plan.status, target
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated_at"])
        _record(plan, teryt=teryt, type=PLAN_SUBMITTED, actor=actor, before=before,
                payload={"version_number": version.number, "sha256": version.sha256})  # fmt: skip
    return version


@dataclass(frozen=True)
class CommentSpec:
    path: str
    text: str


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"


def _comment_paths_checked(comments: list[CommentSpec], document: Any, version_number: int) -> None:
    """A comment names a place in the version under review; one that names none could not be
    found by the gmina, so it is refused (422, each by its position)."""
    wrong = [
        FieldError(f"comments[{i}].path", f"no such place in version {version_number} (e.g. programme.areas[0])")
        for i, comment in enumerate(comments)
        if not path_exists(document, comment.path)
    ]
    if wrong:
        raise ValidationFailed("A comment names a place the plan does not have.", errors=wrong)


def plan_review(
    *, teryt: str, plan_id: int, decision: ReviewDecision, comments: list[CommentSpec], actor: Actor
) -> Plan:
    """The marshal's office accepts a submitted plan or returns it with comments on its paths."""
    if decision is ReviewDecision.RETURN and not comments:
        raise ValidationFailed(
            "A returned plan needs at least one comment.", errors=[FieldError("comments", "at least one comment")]
        )
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        target = transition_to(plan, Transition.RETURN if decision is ReviewDecision.RETURN else Transition.ACCEPT)
        latest = plan.versions.order_by("-number").first()
        version_number = latest.number if latest else 0
        _comment_paths_checked(comments, json.loads(latest.canonical) if latest else {}, version_number)
        ReviewComment.objects.bulk_create(
            ReviewComment(plan=plan, version_number=version_number, path=c.path, text=c.text, author=actor.name)
            for c in comments
        )
        before, plan.status = plan.status, target
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated_at"])
        _record(plan, teryt=teryt, type=PLAN_RETURNED if decision is ReviewDecision.RETURN else PLAN_ACCEPTED,
                actor=actor, before=before,
                payload={"version_number": version_number, "comments": len(comments)})  # fmt: skip
    return plan
