"""The plan's e-mails, in Polish: the region's reviewers when a plan is submitted; the gmina's
admins when it is returned (with the comments) or accepted, when the yearly report is due, and
90 days before a plan's force ends. They follow the events through the outbox; each person
gets each message once and can switch a kind off (`/api/v1/me/notifications`)."""

from __future__ import annotations

from datetime import date, timedelta

import dramatiq
from django.conf import settings
from django.utils import timezone

from mozaika.audit.log import Actor
from mozaika.events.bus import EventEnvelope, event_consumer, event_record
from mozaika.events.models import Event
from mozaika.identity.models import NotificationKind, Role
from mozaika.identity.notifications import Message, notification_send, people_with_role
from mozaika.tenancy import Teryt, assert_in_gmina
from tenants.models import Gmina
from tenants.plans.events import (
    PLAN_ACCEPTED,
    PLAN_FORCE_ENDING,
    PLAN_RETURNED,
    PLAN_SUBMITTED,
    REPORTING_REMINDER,
)
from tenants.plans.lifecycle.acts import plan_acts
from tenants.plans.lifecycle.validity import force_ends
from tenants.plans.models import Plan, PlanStatus, ReviewComment

# Days before a plan's force ends when its gmina is told (the next plan takes months).
FORCE_ENDING_NOTICE_DAYS = 90


def _plan_link(teryt: str, plan_id: int) -> str:
    return f"{settings.PUBLIC_URL}/api/v1/gminas/{teryt}/plans/{plan_id}"


def _gmina_name(teryt: str) -> str:
    return Gmina.objects.filter(pk=teryt).values_list("name", flat=True).first() or teryt


def _returned(event: EventEnvelope, plan: Plan) -> Message:
    comments = ReviewComment.objects.filter(plan=plan, version_number=event.payload["version_number"])
    listed = "\n".join(f"- {c.path}: {c.text}" for c in comments.order_by("id")) or "- (bez uwag)"
    return Message(
        f"Plan zwrócony z uwagami: {plan.title}",
        f"Urząd marszałkowski zwrócił plan „{plan.title}” (wersja {event.payload['version_number']}) z uwagami:\n\n"
        f"{listed}\n\nPo poprawkach plan można złożyć ponownie: {_plan_link(event.teryt, plan.pk)}\n",
    )


def _message(event: EventEnvelope) -> tuple[NotificationKind, Role, str, Message] | None:
    """What to say about the event, to whom (a role and its scope)."""
    teryt = Teryt(event.teryt)
    gmina = _gmina_name(teryt)
    if event.type == REPORTING_REMINDER.name:
        year = event.payload["year"]
        return (
            NotificationKind.REPORT_DUE,
            Role.GMINA_ADMIN,
            teryt,
            Message(
                f"Przypomnienie: sprawozdanie z realizacji planu za {year} r.",
                f"Gmina {gmina}: wartości wskaźników i sprawozdanie roczne za {year} r. należy przekazać do "
                f"31 marca {year + 1} r.\n",
            ),
        )
    plan = Plan.objects.filter(pk=event.payload["plan_id"]).first()
    if plan is None:
        return None
    link = _plan_link(teryt, plan.pk)
    if event.type == PLAN_SUBMITTED.name:
        return (
            NotificationKind.PLAN_SUBMITTED,
            Role.REGIONAL_REVIEWER,
            teryt.voivodeship,
            Message(
                f"Plan do oceny: {gmina} ({teryt})",
                f"Gmina {gmina} złożyła do oceny plan „{plan.title}” (wersja {event.payload['version_number']}).\n"
                f"{link}\n",
            ),
        )
    if event.type == PLAN_RETURNED.name:
        return NotificationKind.PLAN_RETURNED, Role.GMINA_ADMIN, teryt, _returned(event, plan)
    if event.type == PLAN_ACCEPTED.name:
        return (
            NotificationKind.PLAN_ACCEPTED,
            Role.GMINA_ADMIN,
            teryt,
            Message(
                f"Plan zaakceptowany: {plan.title}",
                f"Urząd marszałkowski zaakceptował plan „{plan.title}”. Można go przedstawić radzie gminy do "
                f"przyjęcia uchwałą, a uchwałę zarejestrować w Mozaice.\n{link}\n",
            ),
        )
    if event.type == PLAN_FORCE_ENDING.name:
        return (
            NotificationKind.FORCE_ENDING,
            Role.GMINA_ADMIN,
            teryt,
            Message(
                f"Plan przestaje obowiązywać {event.payload['in_force_until']}: {plan.title}",
                f"Plan „{plan.title}” obowiązuje do {event.payload['in_force_until']}. Warto przygotować kolejny "
                f"plan, by gmina nie pozostała bez planu (kryteria naborów).\n{link}\n",
            ),
        )
    return None


@event_consumer(
    PLAN_SUBMITTED, PLAN_RETURNED, PLAN_ACCEPTED, REPORTING_REMINDER, PLAN_FORCE_ENDING,
    name="plans.notify", transactional=False, queue_name="notifications",
)  # fmt: skip
def notify(event: EventEnvelope) -> None:
    said = _message(event)
    if said is None:
        return
    kind, role, scope, message = said
    notification_send(event_id=event.id, kind=kind, user_ids=people_with_role(role, scope), message=message)


def plans_force_ending(*, teryt: str, today: date, actor: Actor) -> list[int]:
    """Adopted plans whose force ends within `FORCE_ENDING_NOTICE_DAYS` days and were not told of
    that day yet: an event each (the gmina's admins are told by `notify`). A day the job missed is
    caught up the next day; a second run tells nobody twice."""
    assert_in_gmina(teryt)
    horizon = today + timedelta(days=FORCE_ENDING_NOTICE_DAYS)
    told = []
    for plan in Plan.objects.filter(status=PlanStatus.ADOPTED):
        ending = force_ends(plan_acts(plan))
        if ending is None or not today < ending <= horizon:
            continue
        already = Event.objects.filter(type=PLAN_FORCE_ENDING.name, teryt=teryt, aggregate_id=str(plan.pk),
                                       payload__in_force_until=ending.isoformat())  # fmt: skip
        if not already.exists():
            payload = {"plan_id": plan.pk, "title": plan.title, "in_force_until": ending.isoformat()}
            event_record(type=PLAN_FORCE_ENDING, teryt=teryt, aggregate="plan", aggregate_id=plan.pk,
                         aggregate_version=plan.version, actor=actor.name, payload=payload)  # fmt: skip
            told.append(plan.pk)
    return told


@dramatiq.actor(actor_name="plans.force_ending", queue_name="periodic", max_retries=3)
def tell_force_ending(teryt: str) -> None:
    """Runs in the gmina's schema (the message carries it)."""
    plans_force_ending(teryt=teryt, today=timezone.localdate(), actor=Actor.system("scheduler"))
