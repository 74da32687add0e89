"""Is gmina X eligible for call Y (or, without a call, has it an adopted plan in force covering
area Z) on day D, as known at moment T, and why?

An audit asks two questions: what was true on day D (`on`, default today) and what Mozaika knew
at moment T (`as_known_at`, default now). The answer judges D from the gmina's data as recorded
at T: the current snapshot for now, else the last `SnapshotRecord` kept by T (none: nothing was
known of the gmina's plans then). Records are only ever added, so the answer for a fixed pair
(D, T) in the past never changes. Every answer returns both, and carries the evidence and a
short-lived link to the resolution."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import orjson
from django.conf import settings
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from aggregation.calls.compliance import PLAIN_CRITERIA, EvaluationResult, evaluate, plain_terms
from aggregation.calls.criteria import Project, Situation
from aggregation.calls.services import CallRules, applicant, call_rules
from aggregation.models import SnapshotRecord
from aggregation.plan_facts import LEGACY_DOCUMENT_TYPE, PlanFacts, gmina_plan_facts, legacy_completed
from aggregation.views.refresh import SNAPSHOTS_VERSION
from mozaika.archive import get_archive
from mozaika.counters import versioned_cache
from mozaika.downloads import extension_for
from mozaika.errors import FieldError, NotFound, ValidationFailed
from mozaika.queries import CompiledQuery
from tenants.models import Gmina
from tenants.plans.models import ArchiveStatus, InterventionArea
from tenants.registry.cache import REGISTRY_VERSION

MAX_BATCH = 1000


@dataclass(frozen=True)
class EligibilityQuestion:
    teryt: str
    area: str | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class EligibilityAnswer:
    teryt: str
    name: str
    call: str | None
    on: date
    as_known_at: datetime
    area: str | None
    result: EvaluationResult
    # When the snapshot the answer rests on was read; for a past day, the record kept then.
    data_as_of: datetime | None
    document_link: DocumentLink | None

    @property
    def eligible(self) -> bool:
        return self.result["eligible"]

    @property
    def reasons(self) -> list[str]:
        return [c["reason_en"] for c in self.result["criteria"]]


@dataclass(frozen=True)
class _Reading:
    plans: list[PlanFacts]
    as_of: datetime | None


def _area_checked(area: str | None, call: CallRules | None, path: str) -> None:
    if area is None:
        return
    if area not in InterventionArea.values:
        raise ValidationFailed(
            f"Unknown area '{area}'.", errors=[FieldError(path, f"known areas: {', '.join(InterventionArea.values)}")]
        )
    if call is not None and call.areas and area not in call.areas:
        raise ValidationFailed(
            f"Call {call.code} does not target the area '{area}'.",
            errors=[FieldError(path, f"call {call.code} targets: {', '.join(call.areas)}")],
        )


@dataclass(frozen=True)
class _Gmina:
    name: str
    reading: _Reading


def _gmina_rows(gminas: QuerySet[Gmina]) -> QuerySet[Gmina, tuple[str, str, str | None, datetime | None]]:
    # The plans' facts as text, parsed by orjson: a batch reads a thousand of them, and the
    # standard library's parser was a third of its time.
    return gminas.values_list("teryt", "name", Cast("snapshot__plan_facts", TextField()), "snapshot__refreshed_at")


# A single answer, the usual question, runs SQL compiled once (`mozaika.queries`), and its rows
# are kept while no snapshot and no registry entry changed (the versions the gate read).
_ONE_GMINA = CompiledQuery(lambda teryt: _gmina_rows(Gmina.objects.filter(teryt=teryt)))
_readings = versioned_cache(SNAPSHOTS_VERSION, REGISTRY_VERSION)


def _parsed(rows: Iterable[tuple[str, str, str | None, datetime | None]]) -> dict[str, _Gmina]:
    return {
        teryt: _Gmina(name, _Reading([legacy_completed(p) for p in orjson.loads(plans)] if plans else [], read_at))
        for teryt, name, plans, read_at in rows
    }


def _gminas(teryts: Sequence[str], as_known_at: datetime | None) -> dict[str, _Gmina]:
    """Each gmina's registry name with its data as known at `as_known_at`: None (now) is the
    current snapshot; a past moment, the last record kept by then, or nothing known. One query
    for the usual question."""
    if len(teryts) == 1:  # the usual question: from the process's cache while no snapshot changed
        gminas: dict[str, _Gmina] = _readings.get(teryts[0], lambda: _parsed(_ONE_GMINA.rows(teryts[0])))
    else:
        gminas = _parsed(_gmina_rows(Gmina.objects.filter(teryt__in=teryts)))
    if as_known_at is not None:
        gminas = {teryt: _Gmina(g.name, _Reading([], None)) for teryt, g in gminas.items()}
        recorded = (
            SnapshotRecord.objects.filter(gmina_id__in=teryts, recorded_at__lte=as_known_at)
            .order_by("gmina_id", "-recorded_at")
            .distinct("gmina_id")
        )
        for record in recorded:
            reading = _Reading(gmina_plan_facts(record.data), record.recorded_at)
            gminas[record.gmina_id] = _Gmina(gminas[record.gmina_id].name, reading)
    return gminas


def _call_named(code: str | None, path: str) -> CallRules | None:
    """The call a question names: a parameter, so an unknown code is a 422 naming it."""
    if code is None:
        return None
    try:
        return call_rules(code)
    except NotFound as unknown:
        raise ValidationFailed(unknown.detail, errors=[FieldError(path, "no call has this code")]) from unknown


def _known_checked(teryts: Sequence[str], gminas: Mapping[str, object], path: str | None) -> None:
    """A gmina not in the registry: 404 for the gmina in the path, 422 per item of a batch."""
    unknown = [i for i, teryt in enumerate(teryts) if teryt not in gminas]
    if not unknown:
        return
    detail = f"Unknown TERYT: {', '.join(teryts[i] for i in unknown)} (not in the TERC registry)."
    if path is None:
        raise NotFound(detail)
    raise ValidationFailed(
        detail, errors=[FieldError(f"{path}[{i}].teryt", "not in the TERC registry") for i in unknown]
    )


def _moment_checked(as_known_at: datetime | None, now: datetime, path: str) -> None:
    if as_known_at is not None and as_known_at > now:
        raise ValidationFailed(
            "Mozaika cannot answer from knowledge it does not have yet.",
            errors=[FieldError(path, f"must not be later than now ({now.isoformat()})")],
        )


def _link(result: EvaluationResult, issued_to: str) -> DocumentLink | None:
    evidence = result["evidence"]
    if evidence is None or evidence["document_key"] is None or evidence["document_status"] != ArchiveStatus.ARCHIVED:
        return None
    seconds = settings.ARCHIVE_LINK_SECONDS
    content_type = evidence["document_content_type"] or LEGACY_DOCUMENT_TYPE
    filename = f"uchwala-{evidence['act_number'] or evidence['plan_id']}{extension_for(content_type)}"
    url = get_archive().link(evidence["document_key"], filename=filename, content_type=content_type,
                             issued_to=issued_to, seconds=seconds)  # fmt: skip
    return DocumentLink(url=url, expires_at=timezone.now() + timedelta(seconds=seconds))


def eligibility_answers(
    questions: Sequence[EligibilityQuestion],
    *,
    call_code: str | None,
    on: date | None,
    issued_to: str,
    as_known_at: datetime | None = None,
    path: str = "",
    links: bool = True,
) -> list[EligibilityAnswer]:
    """Answers to questions about distinct gminas, in their order; `issued_to` names who the
    document links are for (recorded when a link is used; none issued without `links`)."""
    now = timezone.now()
    _moment_checked(as_known_at, now, "as_known_at")
    call = _call_named(call_code, "call")
    for i, question in enumerate(questions):
        _area_checked(question.area, call, f"{path}[{i}].area" if path else "area")
    day = on or timezone.localdate()
    terms, criteria = (call.terms, call.criteria) if call else (plain_terms(day), PLAIN_CRITERIA)
    gminas = _gminas([q.teryt for q in questions], as_known_at)
    _known_checked([q.teryt for q in questions], gminas, path or None)
    answers = []
    for question in questions:
        gmina = gminas[question.teryt]
        reading = gmina.reading
        project = Project(areas=(question.area,) if question.area else (), actions=question.actions)
        situation = Situation(applicant(question.teryt, gmina.name), reading.plans, day, terms, project)
        result = evaluate(situation, criteria)
        answers.append(
            EligibilityAnswer(
                teryt=question.teryt,
                name=gmina.name,
                call=call.code if call else None,
                on=day,
                as_known_at=as_known_at or now,
                area=question.area,
                result=result,
                data_as_of=reading.as_of,
                document_link=_link(result, issued_to) if links else None,
            )
        )
    return answers


def eligibility_answer(
    question: EligibilityQuestion,
    *,
    call_code: str | None,
    on: date | None,
    issued_to: str,
    as_known_at: datetime | None = None,
) -> EligibilityAnswer:
    if call_code is None and question.area is None:
        raise ValidationFailed(
            "Without a call, the question needs an area.",
            errors=[FieldError("area", "required when no call is given")],
        )
    return eligibility_answers([question], call_code=call_code, on=on, issued_to=issued_to,
                               as_known_at=as_known_at)[0]  # fmt: skip


def batch_problems(teryts: Sequence[str], *, path: str) -> list[FieldError]:
    """A batch's size and duplicates, each duplicate at every position it takes."""
    errors = []
    if len(teryts) > MAX_BATCH:
        errors.append(FieldError(path, f"at most {MAX_BATCH} gminas per batch; got {len(teryts)}"))
    counts = Counter(teryts)
    errors.extend(
        FieldError(f"{path}[{i}].teryt", f"duplicate TERYT {teryt} (appears {counts[teryt]} times)")
        for i, teryt in enumerate(teryts)
        if counts[teryt] > 1
    )
    return errors


def eligibility_batch(
    questions: Sequence[EligibilityQuestion],
    *,
    call_code: str | None,
    on: date | None,
    issued_to: str,
    as_known_at: datetime | None = None,
) -> list[EligibilityAnswer]:
    problems = batch_problems([q.teryt for q in questions], path="items")
    if call_code is None:
        problems += [FieldError(f"items[{i}].area", "required when no call is given")
                     for i, q in enumerate(questions) if q.area is None]  # fmt: skip
    if problems:
        raise ValidationFailed("The batch cannot be answered.", errors=problems)
    return eligibility_answers(questions, call_code=call_code, on=on, issued_to=issued_to, as_known_at=as_known_at,
                               path="items")  # fmt: skip
