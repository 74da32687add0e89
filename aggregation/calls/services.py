"""Funding calls: defining them and keeping every gmina's evaluation against them current.

A call concerns the gminas of its voivodeship (all gminas for a national call). Its stored
evaluations are judged as of the day they are computed, never later than the deadline, so a
closed call's results stay as they were when it closed. They are recomputed for every gmina when
the call is defined or changed (in the background, `call_evaluate_all`) and for one gmina when
its snapshot changes (`gmina_evaluations_refresh`, in the snapshots' transaction, for many
gminas at once when snapshots are drained in a batch). A change of
a gmina's decision or points is recorded as an `eligibility.changed` event."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from aggregation.calls.compliance import Criterion, CriterionType, EvaluationResult, call_criteria, evaluate
from aggregation.calls.criteria import Applicant, ApplicantKind, CallTerms, Situation, criterion_params_errors
from aggregation.calls.events import CALL_CHANGED, CALL_DEFINED, ELIGIBILITY_CHANGED
from aggregation.models import Call, CallEvaluation, GminaSnapshot
from aggregation.plan_facts import PlanFacts, legacy_completed
from aggregation.views.refresh import on_snapshot_stored
from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.events.bus import event_record
from mozaika.locks import advisory_xact_lock
from mozaika.tenancy import Teryt
from tenants.models import Gmina, Voivodeship
from tenants.registry.selectors import gminas_in_scope

EVALUATION_BATCH = 500

# Funding systems follow this event to learn that an answer changed.


@dataclass(frozen=True)
class CallDefinition:
    code: str
    title: str
    programme: str
    voivodeship: str | None
    opens_on: date
    deadline: date
    applicant_kinds: tuple[ApplicantKind, ...]
    areas: tuple[str, ...]
    criteria: list[dict[str, Any]]


def _definition_errors(definition: CallDefinition) -> list[FieldError]:
    errors: list[FieldError] = []
    if definition.deadline < definition.opens_on:
        errors.append(FieldError("deadline", f"must not be before opens_on ({definition.opens_on.isoformat()})"))
    if definition.voivodeship is not None and not Voivodeship.objects.filter(code=definition.voivodeship).exists():
        errors.append(FieldError("voivodeship", f"unknown voivodeship '{definition.voivodeship}'"))
    if not definition.applicant_kinds:
        errors.append(FieldError("applicant_kinds", "at least one applicant kind is required"))
    codes = Counter(c.get("code") for c in definition.criteria)
    for i, criterion in enumerate(definition.criteria):
        path = f"criteria[{i}]"
        if codes[criterion.get("code")] > 1:
            errors.append(FieldError(f"{path}.code", f"duplicate criterion code '{criterion.get('code')}'"))
        is_bonus = criterion.get("type") == CriterionType.BONUS
        points = criterion.get("points", 0)
        if is_bonus and points < 1:
            errors.append(FieldError(f"{path}.points", "a bonus criterion gives at least 1 point"))
        if not is_bonus and points != 0:
            errors.append(FieldError(f"{path}.points", "an access criterion gives no points (0/1: it must pass)"))
        errors.extend(criterion_params_errors(criterion.get("rule", ""), criterion.get("params", {}), path))
    return errors


def _validated(definition: CallDefinition) -> None:
    errors = _definition_errors(definition)
    if errors:
        raise ValidationFailed("The call's definition is not valid.", errors=errors)


def _fields(definition: CallDefinition) -> dict[str, Any]:
    return {
        "title": definition.title,
        "programme": definition.programme,
        "voivodeship_id": definition.voivodeship,
        "opens_on": definition.opens_on,
        "deadline": definition.deadline,
        "applicant_kinds": [k.value for k in definition.applicant_kinds],
        "areas": list(definition.areas),
        "criteria": definition.criteria,
    }


def _audited(call: Call) -> dict[str, Any]:
    return {
        "title": call.title,
        "programme": call.programme,
        "voivodeship": call.voivodeship_id,
        "opens_on": call.opens_on.isoformat(),
        "deadline": call.deadline.isoformat(),
        "applicant_kinds": list(call.applicant_kinds),
        "areas": list(call.areas),
        "criteria": call.criteria,
    }


def _evaluate_later(call: Call, *, actor: Actor, defined: bool) -> None:
    """The evaluation of the call's whole scope follows its event (`aggregation.actors`)."""
    event_record(
        type=CALL_DEFINED if defined else CALL_CHANGED,
        teryt="",
        aggregate="call",
        aggregate_id=call.code,
        aggregate_version=call.version,
        actor=actor.name,
        payload={"code": call.code, "version": call.version},
    )


def call_define(*, definition: CallDefinition, actor: Actor) -> Call:
    """A new call; its evaluations follow in the background."""
    _validated(definition)
    exists = Conflict(f"Call {definition.code} already exists; change it with PUT /calls/{definition.code}.")
    with transaction.atomic():
        try:
            with transaction.atomic():  # two definitions of one code at once: the second is a 409
                call = Call.objects.create(code=definition.code, defined_by=actor.name, **_fields(definition))
        except IntegrityError as duplicate:
            raise exists from duplicate
        _forget_rules(call.code)  # a call of this code deleted earlier may still be kept
        audit_record(actor=actor, action="call.define", object_type="call", object_id=call.code,
                     changes=changes_between({}, _audited(call)))  # fmt: skip
        _evaluate_later(call, actor=actor, defined=True)
    return call


def call_change(*, definition: CallDefinition, actor: Actor) -> Call:
    """Replace a call's definition; every evaluation is recomputed in the background."""
    _validated(definition)
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(code=definition.code).first()
        if call is None:
            raise NotFound(f"Call {definition.code} does not exist.")
        before = _audited(call)
        for name, value in _fields(definition).items():
            setattr(call, name, value)
        call.version += 1
        call.defined_by = actor.name
        call.save()
        _forget_rules(call.code)
        transaction.on_commit(lambda: _forget_rules(call.code))
        # Gminas no longer in scope keep no evaluation.
        CallEvaluation.objects.filter(call=call).exclude(gmina__in=call_scope(call)).delete()
        audit_record(actor=actor, action="call.change", object_type="call", object_id=call.code,
                     changes=changes_between(before, _audited(call)))  # fmt: skip
        _evaluate_later(call, actor=actor, defined=False)
    return call


def call_get(code: str) -> Call:
    call = Call.objects.filter(code=code).first()
    if call is None:
        raise NotFound(f"Call {code} does not exist.")
    return call


@dataclass(frozen=True)
class CallRules:
    """A call as the eligibility API applies it: its terms and parsed criteria."""

    code: str
    areas: tuple[str, ...]
    terms: CallTerms
    criteria: tuple[Criterion, ...]


def rules_of(call: Call) -> CallRules:
    return CallRules(call.code, tuple(call.areas), call_terms(call), call_criteria(call.criteria))


_RULES_CACHE: dict[str, tuple[float, CallRules]] = {}


def call_rules(code: str) -> CallRules:
    """The call's rules, kept per process for `CALL_CACHE_SECONDS`: the eligibility API asks for
    the same few calls hundreds of times a second, and a definition changes rarely. A change made
    in this process is seen at once; other processes see it within that many seconds."""
    now = time.monotonic()
    cached = _RULES_CACHE.get(code)
    if cached is not None and now - cached[0] < settings.CALL_CACHE_SECONDS:
        return cached[1]
    call = call_get(code)
    rules = rules_of(call)
    _RULES_CACHE[code] = (now, rules)
    return rules


def _forget_rules(code: str) -> None:
    _RULES_CACHE.pop(code, None)


def call_terms(call: Call) -> CallTerms:
    return CallTerms(
        code=call.code,
        voivodeship=call.voivodeship_id,
        opens_on=call.opens_on,
        deadline=call.deadline,
        applicant_kinds=tuple(ApplicantKind(k) for k in call.applicant_kinds),
        areas=tuple(call.areas),
    )


def call_scope(call: Call) -> Any:
    """The registry gminas a call concerns: its voivodeship's, or the nation's."""
    return gminas_in_scope(voivodeship=call.voivodeship_id)


def applicant_kind_of(teryt: str) -> ApplicantKind:
    # TERC powiat codes 61 and above are cities with powiat rights.
    return ApplicantKind.CITY_WITH_POWIAT_RIGHTS if Teryt(teryt).is_city_with_powiat_rights else ApplicantKind.GMINA


def applicant(teryt: str, name: str) -> Applicant:
    return Applicant(teryt=teryt, name=name, kind=applicant_kind_of(teryt))


def evaluation_day(call: Call, today: date) -> date:
    """Stored evaluations are as of today while the call is open, frozen at its deadline after."""
    return min(today, call.deadline)


def _lock(call: Call) -> None:
    advisory_xact_lock("call", call.code)


def _store(call: Call, results: dict[str, EvaluationResult], on: date) -> int:
    """Upsert the results; a changed decision (eligible or points) becomes an event. Returns
    how many changed. Runs under the call's lock."""
    previous = {
        teryt: (eligible, points, version)
        for teryt, eligible, points, version in CallEvaluation.objects.filter(
            call=call, gmina_id__in=list(results)
        ).values_list("gmina_id", "eligible", "points", "version")
    }
    now = timezone.now()
    rows, changed = [], 0
    for teryt, result in results.items():
        before = previous.get(teryt)
        version = 1 if before is None else before[2]
        if before is not None and (before[0], before[1]) != (result["eligible"], result["points"]):
            version += 1
            changed += 1
            event_record(
                type=ELIGIBILITY_CHANGED,
                teryt=teryt,
                aggregate="call_evaluation",
                aggregate_id=f"{call.code}/{teryt}",
                aggregate_version=version,
                actor="mozaika",
                payload={
                    "call": call.code,
                    "teryt": teryt,
                    "evaluated_on": on.isoformat(),
                    "before": {"eligible": before[0], "points": before[1]},
                    "after": {"eligible": result["eligible"], "points": result["points"]},
                    "criteria": {c["code"]: c["passed"] for c in result["criteria"]},
                },
            )
        rows.append(
            CallEvaluation(
                call=call,
                gmina_id=teryt,
                eligible=result["eligible"],
                points=result["points"],
                result=result,
                evaluated_on=on,
                call_version=call.version,
                version=version,
                updated_at=now,
            )
        )
    CallEvaluation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["call", "gmina"],
        update_fields=["eligible", "points", "result", "evaluated_on", "call_version", "version", "updated_at"],
    )
    return changed


def _evaluate_batch(call: Call, gminas: Sequence[tuple[str, str]], plans: dict[str, list[PlanFacts]], on: date) -> int:
    rules = rules_of(call)
    results = {
        teryt: evaluate(Situation(applicant(teryt, name), plans.get(teryt, []), on, rules.terms), rules.criteria)
        for teryt, name in gminas
    }
    return _store(call, results, on)


@dataclass(frozen=True)
class CallEvaluationRun:
    evaluated: int
    changed: int


def call_evaluate_all(*, code: str, today: date | None = None) -> CallEvaluationRun:
    """Evaluate every gmina of the call's scope, a batch per transaction (each under the call's
    lock, so a gmina's own refresh never interleaves with it)."""
    call = call_get(code)
    on = evaluation_day(call, today or timezone.localdate())
    gminas = list(call_scope(call).order_by("teryt").values_list("teryt", "name"))
    evaluated = changed = 0
    for start in range(0, len(gminas), EVALUATION_BATCH):
        batch = gminas[start : start + EVALUATION_BATCH]
        with transaction.atomic():
            _lock(call)
            call.refresh_from_db()
            plans = {
                teryt: [legacy_completed(p) for p in facts]
                for teryt, facts in GminaSnapshot.objects.filter(gmina_id__in=[t for t, _ in batch]).values_list(
                    "gmina_id", "plan_facts"
                )
            }
            changed += _evaluate_batch(call, batch, plans, on)
            evaluated += len(batch)
    return CallEvaluationRun(evaluated=evaluated, changed=changed)


def calls_concerning(teryts: Sequence[str], today: date) -> list[Call]:
    """The calls still open to applications (deadline not passed) whose scope has any of the
    gminas, in the order their locks are taken."""
    voivodeships = {Teryt(teryt).voivodeship for teryt in teryts}
    concerning = Q(voivodeship__isnull=True) | Q(voivodeship_id__in=voivodeships)
    return list(Call.objects.filter(concerning, deadline__gte=today).order_by("code"))


def gmina_evaluations_refresh(*, plans: dict[str, list[PlanFacts]], today: date) -> int:
    """Re-evaluate the gminas against every open call concerning them, in the caller's
    transaction (the one that stored their new snapshots, whose plans are `plans`, by TERYT).
    Returns how many decisions changed."""
    active = Gmina.objects.filter(pk__in=list(plans), is_active=True)
    gminas = list(active.order_by("teryt").values_list("teryt", "name"))
    if not gminas:
        return 0
    changed = 0
    for listed in calls_concerning([teryt for teryt, _ in gminas], today):
        _lock(listed)
        # Read again under the lock: a change or a full evaluation may have finished meanwhile.
        # FOR NO KEY UPDATE also waits for a `call_change` holding the row, which would otherwise
        # deadlock with this transaction's foreign-key checks at commit.
        call = Call.objects.select_for_update(no_key=True).filter(pk=listed.pk, deadline__gte=today).first()
        if call is None:
            continue
        in_scope = [g for g in gminas if call.voivodeship_id in (None, Teryt(g[0]).voivodeship)]
        changed += _evaluate_batch(call, in_scope, plans, evaluation_day(call, today))
    return changed


def calls_evaluate_open(today: date | None = None) -> dict[str, CallEvaluationRun]:
    """Re-evaluate every open call (the nightly job: "in force" moves with the calendar)."""
    day = today or timezone.localdate()
    codes = Call.objects.filter(deadline__gte=day).values_list("code", flat=True)
    return {code: call_evaluate_all(code=code, today=day) for code in codes}


@on_snapshot_stored
def _reevaluate_after_snapshots(plans: dict[str, list[PlanFacts]], today: date) -> int:
    return gmina_evaluations_refresh(plans=plans, today=today)
