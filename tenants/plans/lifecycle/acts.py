"""The acts of a plan's life, as Polish local law has them: adoption by a council resolution (or
the registration of an adoption made before the gmina joined Mozaika), amendment by an amending
resolution, repeal, supersession by a successor plan of the same kind, annulment by the
voivode's supervisory decision, and an operator's withdrawal of a mistaken act.

Each operation runs in the gmina's schema (the caller activated it), owns its transaction, keeps
the act on record (`PlanAct`: nothing is deleted), records the event and the audit row. The
plan's status and period are labels derived from its acts in one place (`_plan_sync`); whether
it is in force on a day is decided by `tenants.plans.lifecycle.validity`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.events.catalogue import EventType
from mozaika.tenancy import assert_in_gmina
from tenants.plans.documents.intake import ReceivedDocument, discarded_on_failure, document_record
from tenants.plans.events import (
    PLAN_ACT_WITHDRAWN,
    PLAN_ADOPTED,
    PLAN_AMENDED,
    PLAN_ANNULLED,
    PLAN_EXPIRED,
    PLAN_REPEALED,
    PLAN_SUPERSEDED,
)
from tenants.plans.lifecycle.review import Transition, plan_event, plan_locked, transition_to
from tenants.plans.lifecycle.validity import ENACTING, ActFacts, ActKind, ForceState, act_facts_of, force_on
from tenants.plans.lifecycle.versions import canonical_json, plan_document, sha256_of
from tenants.plans.models import (
    ADOPTED_STATUSES,
    ENDED_BY_ACT,
    AdoptingActKind,
    DocumentKind,
    Plan,
    PlanAct,
    PlanDocument,
    PlanStatus,
    PlanVersion,
)


@dataclass(frozen=True)
class ActSpec:
    """The act as the user gives it: its number, its date and, when later, its entry into force."""

    number: str
    date: dt.date
    in_force_from: dt.date | None = None

    @property
    def effective_from(self) -> dt.date:
        return self.in_force_from or self.date


def act_facts(act: PlanAct) -> ActFacts:
    return act_facts_of(act.kind, act.number, act.date, act.in_force_from, act.valid_from, act.valid_until,
                        act.version_number, act.version_sha256, act.document_id)  # fmt: skip


def plan_acts(plan: Plan) -> list[ActFacts]:
    """The acts in force in the plan's life (withdrawn ones left out)."""
    return [act_facts(a) for a in plan.acts.filter(withdrawn_at__isnull=True)]


def _checked(spec: ActSpec, *, today: date, not_before: date | None = None, field: str = "act_date") -> None:
    errors = []
    if spec.date > today:
        errors.append(FieldError(field, f"the act's date {spec.date.isoformat()} is in the future (today is "
                                        f"{today.isoformat()}); record an act once it has been adopted"))  # fmt: skip
    if spec.in_force_from is not None and spec.in_force_from < spec.date:
        errors.append(FieldError("in_force_from", f"must not be before act_date ({spec.date.isoformat()})"))
    if not_before is not None and spec.date < not_before:
        errors.append(FieldError(field, f"must not be before the plan's adoption ({not_before.isoformat()})"))
    if errors:
        raise ValidationFailed("The act cannot be recorded.", errors=errors)


def _audited(plan: Plan) -> dict[str, object]:
    fields = ("title", "status", "valid_from", "valid_until", "act_kind", "act_number", "act_date", "in_force_from")
    return {name: getattr(plan, name) for name in (*fields, "version")}


def _freeze(plan: Plan, actor: Actor) -> PlanVersion:
    """A new immutable version of the plan as it stands (what an act adopted)."""
    canonical = canonical_json(plan_document(plan))
    return PlanVersion.objects.create(plan=plan, number=plan.versions.count() + 1, canonical=canonical,
                                      sha256=sha256_of(canonical), submitted_by=actor.name)  # fmt: skip


def _document(plan: Plan, received: ReceivedDocument, kind: DocumentKind, actor: Actor) -> PlanDocument:
    return document_record(plan=plan, received=received, kind=kind, uploaded_by=actor.name)


def _plan_sync(plan: Plan, *, today: date) -> None:
    """Derive the plan's labels from its acts: status, adopting act, period (the latest enacting
    act's). The one place that turns acts into the columns lists and filters read."""
    acts = list(plan.acts.filter(withdrawn_at__isnull=True))
    adoption = next((a for a in acts if a.kind in (ActKind.ADOPTION, ActKind.REGISTRATION)), None)
    if adoption is None:
        reviewed = plan.acts.filter(kind=ActKind.ADOPTION).exists()
        plan.act_kind, plan.act_number, plan.act_date, plan.in_force_from = "", "", None, None
        if plan.status in ADOPTED_STATUSES:
            plan.status = PlanStatus.ACCEPTED if reviewed else PlanStatus.DRAFT
        return
    plan.act_number, plan.act_date, plan.in_force_from = adoption.number, adoption.date, adoption.in_force_from
    enacting = sorted((a for a in acts if a.kind in ENACTING), key=lambda a: (a.in_force_from, a.date, a.pk))
    latest = enacting[-1]
    assert latest.valid_from is not None
    assert latest.valid_until is not None
    plan.valid_from, plan.valid_until = latest.valid_from, latest.valid_until
    plan.period_start, plan.period_end = latest.valid_from.year, latest.valid_until.year
    kinds = {a.kind for a in acts}
    if ActKind.ANNULMENT in kinds:
        plan.status = PlanStatus.ANNULLED
    elif ActKind.REPEAL in kinds:
        plan.status = PlanStatus.REPEALED
    elif ActKind.SUPERSESSION in kinds:
        plan.status = PlanStatus.SUPERSEDED
    elif force_on([act_facts(a) for a in acts], today) is ForceState.ENDED:
        plan.status = PlanStatus.EXPIRED
    else:
        plan.status = PlanStatus.ADOPTED


def _save(plan: Plan) -> None:
    plan.version += 1
    plan.save()


def _record(plan: Plan, *, teryt: str, type: EventType, action: str, actor: Actor, act: PlanAct,
            before: dict[str, object], documents: Sequence[PlanDocument] = (), **extra: Any) -> None:  # fmt: skip
    payload: dict[str, Any] = {
        "plan_id": plan.pk,
        "status": plan.status,
        "kind": plan.kind,
        "period": [plan.period_start, plan.period_end],
        "valid_from": plan.valid_from.isoformat(),
        "valid_until": plan.valid_until.isoformat(),
        "areas": plan.areas,
        "act": {"id": act.pk, **act_facts(act)},
        "documents": [{"id": d.pk, "kind": d.kind, "sha256": d.sha256} for d in documents],
        **extra,
    }
    plan_event(plan, type=type, teryt=teryt, actor=actor, payload=payload)
    audit_record(actor=actor, action=action, object_type="plan", object_id=plan.pk, teryt=teryt,
                 changes=changes_between(before, _audited(plan) | {"act": act_facts(act)}))  # fmt: skip


def _supersede_predecessors(plan: Plan, adoption: PlanAct, *, teryt: str, actor: Actor, today: date) -> None:
    """A newly adopted plan supersedes the gmina's adopted plans of the same kind whose force has
    not ended: their force ends the day before the successor's begins (recorded, not inferred)."""
    assert adoption.valid_from is not None
    successor_begins = max(adoption.in_force_from, adoption.valid_from)
    for older in Plan.objects.select_for_update().filter(status=PlanStatus.ADOPTED, kind=plan.kind).exclude(pk=plan.pk):
        before = _audited(older)
        transition_to(older, Transition.SUPERSEDE)
        act = PlanAct.objects.create(plan=older, kind=ActKind.SUPERSESSION, number=adoption.number,
                                     date=adoption.date, in_force_from=successor_begins, successor_plan_id=plan.pk,
                                     caused_by=adoption, recorded_by=actor.name)  # fmt: skip
        _plan_sync(older, today=today)
        _save(older)
        _record(older, teryt=teryt, type=PLAN_SUPERSEDED, action="plan.supersede", actor=actor, act=act,
                before=before, superseded_by=plan.pk)  # fmt: skip


def _enact(
    *,
    teryt: str,
    plan: Plan,
    kind: ActKind,
    act_kind: AdoptingActKind,
    spec: ActSpec,
    resolution: ReceivedDocument | None,
    actor: Actor,
    today: date,
) -> Plan:
    """Adoption or registration: the act, its frozen version, the document, the supersessions."""
    before = _audited(plan)
    submitted = plan.versions.order_by("-number").first()
    version = _freeze(plan, actor) if kind is ActKind.REGISTRATION or submitted is None else submitted
    document = _document(plan, resolution, DocumentKind.RESOLUTION, actor) if resolution else None
    act = PlanAct.objects.create(plan=plan, kind=kind, number=spec.number, date=spec.date,
                                 in_force_from=spec.effective_from, valid_from=plan.valid_from,
                                 valid_until=plan.valid_until, version_number=version.number,
                                 version_sha256=version.sha256, document=document, recorded_by=actor.name)  # fmt: skip
    plan.act_kind = act_kind
    _plan_sync(plan, today=today)
    _save(plan)
    registered = kind is ActKind.REGISTRATION
    _record(plan, teryt=teryt, type=PLAN_ADOPTED, action="plan.register_adopted" if registered else "plan.adopt",
            actor=actor, act=act, before=before, documents=[document] if document else [],
            **({"registered": True} if registered else {}))  # fmt: skip
    _supersede_predecessors(plan, act, teryt=teryt, actor=actor, today=today)
    return plan


def plan_adopt(
    *,
    teryt: str,
    plan_id: int,
    act_kind: AdoptingActKind,
    spec: ActSpec,
    resolution: ReceivedDocument,
    actor: Actor,
) -> Plan:
    """Record the adopting act and its document (archived after commit). The act's date cannot
    be in the future; its entry into force may be later (the plan is then adopted, not yet in
    force). A refused adoption leaves nothing behind, not even the staged bytes."""
    today = timezone.localdate()
    with discarded_on_failure(resolution):
        _checked(spec, today=today)
        with transaction.atomic():
            plan = plan_locked(teryt=teryt, plan_id=plan_id)
            transition_to(plan, Transition.ADOPT)
            return _enact(teryt=teryt, plan=plan, kind=ActKind.ADOPTION, act_kind=act_kind, spec=spec,
                          resolution=resolution, actor=actor, today=today)  # fmt: skip


def plan_register_adopted(
    *,
    teryt: str,
    plan_id: int,
    act_kind: AdoptingActKind,
    spec: ActSpec,
    actor: Actor,
) -> Plan:
    """Record a plan a council adopted before the gmina joined Mozaika: its review happened
    outside, so it goes from draft straight to adopted, and the version it adopted is frozen
    now. Its document can be archived later."""
    today = timezone.localdate()
    _checked(spec, today=today)
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(f"Only a draft can be registered as adopted; this plan is {plan.status}.",
                           errors=[FieldError("status", "only a draft can be registered as adopted")])  # fmt: skip
        return _enact(teryt=teryt, plan=plan, kind=ActKind.REGISTRATION, act_kind=act_kind, spec=spec,
                      resolution=None, actor=actor, today=today)  # fmt: skip


def _adoption_of(plan: Plan) -> PlanAct:
    act = plan.acts.filter(withdrawn_at__isnull=True, kind__in=[ActKind.ADOPTION, ActKind.REGISTRATION]).first()
    if act is None:
        allowed = "adopt" if plan.status == PlanStatus.ACCEPTED else "none until the plan is adopted"
        raise Conflict(f"Plan {plan.pk} is {plan.status}, not adopted; allowed now: {allowed}.",
                       errors=[FieldError("status", "the plan has no adopting act")])  # fmt: skip
    return act


def _period_checked(valid_from: date, valid_until: date) -> None:
    if valid_until < valid_from:
        raise ValidationFailed("The plan's period is not valid.", errors=[FieldError(
            "valid_until", f"must not be before valid_from ({valid_from.isoformat()})")])  # fmt: skip


def plan_amend(
    *,
    teryt: str,
    plan_id: int,
    spec: ActSpec,
    document: ReceivedDocument,
    actor: Actor,
    title: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Plan:
    """An amending resolution (uchwała zmieniająca): a new version of the adopted plan, in force
    from the resolution's entry into force; it may change the title and the programme period."""
    today = timezone.localdate()
    with discarded_on_failure(document), transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        adoption = _adoption_of(plan)
        if plan.status in ENDED_BY_ACT:
            raise Conflict(f"A {plan.status} plan cannot be amended.",
                           errors=[FieldError("status", f"the plan is {plan.status}")])  # fmt: skip
        _checked(spec, today=today, not_before=adoption.date)
        before = _audited(plan)
        plan.title = title or plan.title
        plan.valid_from, plan.valid_until = valid_from or plan.valid_from, valid_until or plan.valid_until
        _period_checked(plan.valid_from, plan.valid_until)
        plan.period_start, plan.period_end = plan.valid_from.year, plan.valid_until.year
        plan.save()
        version = _freeze(plan, actor)
        stored = _document(plan, document, DocumentKind.RESOLUTION, actor)
        act = PlanAct.objects.create(plan=plan, kind=ActKind.AMENDMENT, number=spec.number, date=spec.date,
                                     in_force_from=spec.effective_from, valid_from=plan.valid_from,
                                     valid_until=plan.valid_until, version_number=version.number,
                                     version_sha256=version.sha256, document=stored,
                                     recorded_by=actor.name)  # fmt: skip
        _plan_sync(plan, today=today)
        _save(plan)
        _record(plan, teryt=teryt, type=PLAN_AMENDED, action="plan.amend", actor=actor, act=act,
                before=before, documents=[stored])  # fmt: skip
        return plan


def _ending_act(
    *,
    teryt: str,
    plan_id: int,
    kind: ActKind,
    spec: ActSpec,
    document: ReceivedDocument,
    actor: Actor,
    refused_from: frozenset[str],
) -> Plan:
    """A repeal or an annulment: the act with its document, on an adopted plan, then the labels."""
    today = timezone.localdate()
    with discarded_on_failure(document), transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        adoption = _adoption_of(plan)
        if plan.status in refused_from:
            raise Conflict(f"A {plan.status} plan cannot take a {kind.label}.",
                           errors=[FieldError("status", f"the plan is {plan.status}")])  # fmt: skip
        _checked(spec, today=today, not_before=adoption.date)
        before = _audited(plan)
        annulment = kind is ActKind.ANNULMENT
        stored = _document(plan, document, DocumentKind.SUPERVISORY_DECISION if annulment else DocumentKind.RESOLUTION,
                           actor)  # fmt: skip
        # An annulment voids the plan from its start; a repeal ends its force from the repeal's own.
        in_force_from = adoption.in_force_from if annulment else spec.effective_from
        act = PlanAct.objects.create(plan=plan, kind=kind, number=spec.number, date=spec.date,
                                     in_force_from=in_force_from, document=stored, recorded_by=actor.name)  # fmt: skip
        _plan_sync(plan, today=today)
        _save(plan)
        event, action = (PLAN_ANNULLED, "plan.annul") if annulment else (PLAN_REPEALED, "plan.repeal")
        _record(plan, teryt=teryt, type=event, action=action, actor=actor, act=act, before=before,
                documents=[stored])  # fmt: skip
        return plan


def plan_repeal(*, teryt: str, plan_id: int, spec: ActSpec, document: ReceivedDocument, actor: Actor) -> Plan:
    """A repealing resolution (uchwała uchylająca): the plan's force ends when it enters into force."""
    return _ending_act(teryt=teryt, plan_id=plan_id, kind=ActKind.REPEAL, spec=spec, document=document, actor=actor,
                       refused_from=frozenset(ENDED_BY_ACT))  # fmt: skip


def plan_annul(*, teryt: str, plan_id: int, spec: ActSpec, document: ReceivedDocument, actor: Actor) -> Plan:
    """The voivode's supervisory decision declaring the adopting resolution invalid
    (rozstrzygnięcie nadzorcze stwierdzające nieważność): void from the start, as if never in force."""
    return _ending_act(teryt=teryt, plan_id=plan_id, kind=ActKind.ANNULMENT, spec=spec, document=document,
                       actor=actor, refused_from=frozenset({PlanStatus.ANNULLED}))  # fmt: skip


def act_withdraw(*, teryt: str, plan_id: int, act_id: int, reason: str, actor: Actor) -> Plan:
    """An operator withdraws an act recorded by mistake (a wrong date, the wrong plan): the act
    stays on record, marked withdrawn with the reason, and stops counting. Withdrawing an
    adoption also withdraws the supersessions it caused and returns the plan to where it stood
    before (accepted, or a draft when it was registered), so the right act can be recorded."""
    if not reason.strip():
        raise ValidationFailed("A withdrawal needs a reason.", errors=[FieldError("reason", "must not be empty")])
    today = timezone.localdate()
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        act = PlanAct.objects.select_for_update().filter(pk=act_id, plan=plan).first()
        if act is None:
            raise NotFound(f"Act {act_id} of plan {plan_id} does not exist in gmina {teryt}.")
        if act.withdrawn_at is not None:
            raise Conflict(f"Act {act_id} was already withdrawn.", errors=[FieldError("act_id", "already withdrawn")])
        if act.kind == ActKind.SUPERSESSION:
            raise Conflict("A supersession ends with the withdrawal of the successor's adoption.",
                           errors=[FieldError("act_id", "withdraw the successor's adoption instead")])  # fmt: skip
        if (
            act.kind in (ActKind.ADOPTION, ActKind.REGISTRATION)
            and plan.acts.filter(
                withdrawn_at__isnull=True, kind__in=[ActKind.AMENDMENT, ActKind.REPEAL, ActKind.ANNULMENT]
            ).exists()
        ):
            raise Conflict("Withdraw the later acts of this plan first.",
                           errors=[FieldError("act_id", "later acts rest on this adoption")])  # fmt: skip
        before = _audited(plan)
        now = timezone.now()
        withdrawn = {"withdrawn_at": now, "withdrawn_by": actor.name, "withdrawal_reason": reason}
        PlanAct.objects.filter(pk=act.pk).update(**withdrawn)
        act.refresh_from_db()
        for effect in act.effects.select_for_update().filter(withdrawn_at__isnull=True):
            PlanAct.objects.filter(pk=effect.pk).update(**withdrawn)
            predecessor = plan_locked(teryt=teryt, plan_id=effect.plan_id)
            predecessor_before = _audited(predecessor)
            _plan_sync(predecessor, today=today)
            _save(predecessor)
            _record(predecessor, teryt=teryt, type=PLAN_ACT_WITHDRAWN, action="plan.act.withdraw", actor=actor,
                    act=effect, before=predecessor_before, reason=reason)  # fmt: skip
        if act.kind in ENACTING:
            _restore_period(plan)
        _plan_sync(plan, today=today)
        _save(plan)
        _record(plan, teryt=teryt, type=PLAN_ACT_WITHDRAWN, action="plan.act.withdraw", actor=actor, act=act,
                before=before, reason=reason)  # fmt: skip
        return plan


def _restore_period(plan: Plan) -> None:
    """After an enacting act is withdrawn, the period is the remaining latest one's (a plan with
    none keeps the period it had)."""
    remaining = plan.acts.filter(withdrawn_at__isnull=True, kind__in=list(ENACTING)).order_by("in_force_from", "id")
    latest = remaining.last()
    if latest is not None and latest.valid_from and latest.valid_until:
        plan.valid_from, plan.valid_until = latest.valid_from, latest.valid_until


def plans_expire(*, teryt: str, today: date, actor: Actor) -> list[int]:
    """Adopted plans whose force has ended on `today` (their period is over) become expired."""
    assert_in_gmina(teryt)
    expired: list[int] = []
    with transaction.atomic():
        for plan in Plan.objects.select_for_update().filter(status=PlanStatus.ADOPTED):
            acts = plan_acts(plan)
            if force_on(acts, today) is not ForceState.ENDED:
                continue
            before = _audited(plan)
            plan.status = transition_to(plan, Transition.EXPIRE)
            _save(plan)
            plan_event(plan, type=PLAN_EXPIRED, teryt=teryt, actor=actor,
                       payload={"plan_id": plan.pk, "status": plan.status,
                                "valid_until": plan.valid_until.isoformat()})  # fmt: skip
            audit_record(actor=actor, action="plan.expired", object_type="plan", object_id=plan.pk, teryt=teryt,
                         changes=changes_between(before, _audited(plan)))  # fmt: skip
            expired.append(plan.pk)
    return expired
