"""E-mails people expect, sent through a real SMTP server (aiosmtpd, started by the test): the
region's reviewers when a plan is submitted, the gmina's admins when it is returned (with the
comments), each message once per event and person, and never a kind the person switched off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from mozaika.audit.log import Actor
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.notifications import notify, plans_force_ending
from tests.conftest import GminaAdmin
from tests.factories import AdoptedPlanFactory, PlanFactory
from tests.support import Api, complete_programme, free_port, put_programme


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield received
    controller.stop()


def deliver(teryt: str, event_type: str) -> None:
    """What the worker does with the event: the notifier, in the gmina's schema."""
    event = Event.objects.filter(type=event_type, teryt=teryt).latest("seq")
    with in_gmina(teryt):
        notify.fn(str(event.id))


def body(message: EmailMessage) -> str:
    text: str = message.get_content()
    return text


def test_reviewers_hear_of_a_submission_and_admins_of_a_return_with_its_comments_once(
    inbox: Inbox, fresh_gmina_admin: GminaAdmin, voivodeship_reviewer: Api
) -> None:
    teryt, admin = fresh_gmina_admin.teryt, fresh_gmina_admin.api
    plan = PlanFactory(teryt=teryt, title="Plan gminy")
    url = f"/api/v1/gminas/{teryt}/plans/{plan.pk}"
    put_programme(admin, teryt, plan.pk, complete_programme(), plan.version)
    admin.post_json(f"{url}/submission", {})
    deliver(teryt, "plan.submitted")
    comment = {"path": "programme.areas[0].goals[0]", "text": "Brak terminu realizacji"}
    voivodeship_reviewer.post_json(f"{url}/review", {"decision": "return", "comments": [comment]})
    deliver(teryt, "plan.returned")
    deliver(teryt, "plan.returned")  # the same event delivered again

    subjects = [str(m["Subject"]).strip() for m in inbox.messages]
    submitted = [m for m, subject in zip(inbox.messages, subjects, strict=True) if subject.startswith("Plan do oceny:")]
    [returned] = [m for m, subject in zip(inbox.messages, subjects, strict=True) if subject.startswith("Plan zwr")]
    assert submitted  # every reviewer of the voivodeship (the demo's one too)
    assert all("Plan gminy" in body(m) for m in submitted)
    assert str(returned["Subject"]).strip() == "Plan zwrócony z uwagami: Plan gminy"
    assert "areas[0].goals[0]: Brak terminu realizacji" in body(returned)
    assert returned["X-Envelope-To"] not in {m["X-Envelope-To"] for m in submitted}  # to the gmina's admin


def test_a_kind_switched_off_is_not_sent(
    inbox: Inbox, fresh_gmina_admin: GminaAdmin, voivodeship_reviewer: Api
) -> None:
    teryt, admin = fresh_gmina_admin.teryt, fresh_gmina_admin.api
    switched = admin.put_json("/api/v1/me/notifications/plan_accepted", {"enabled": False})
    plan = PlanFactory(teryt=teryt)
    url = f"/api/v1/gminas/{teryt}/plans/{plan.pk}"
    put_programme(admin, teryt, plan.pk, complete_programme(), plan.version)
    admin.post_json(f"{url}/submission", {})
    voivodeship_reviewer.post_json(f"{url}/review", {"decision": "accept"})

    deliver(teryt, "plan.accepted")

    assert switched.status_code == 200, switched.content
    assert {n["kind"]: n["enabled"] for n in switched.json()}["plan_accepted"] is False
    assert inbox.messages == []


def test_admins_hear_ninety_days_before_a_plans_force_ends(inbox: Inbox, fresh_gmina_admin: GminaAdmin) -> None:
    teryt, today = fresh_gmina_admin.teryt, timezone.localdate()
    ends = today + timedelta(days=90)
    plan = AdoptedPlanFactory(teryt=teryt, period_start=ends.year - 2, period_end=ends.year, valid_until=ends,
                              act_date=today - timedelta(days=30))  # fmt: skip

    with in_gmina(teryt):
        told = plans_force_ending(teryt=teryt, today=today, actor=Actor.system("test"))
        not_yet = plans_force_ending(teryt=teryt, today=today - timedelta(days=1), actor=Actor.system("test"))
        again = plans_force_ending(teryt=teryt, today=today + timedelta(days=1), actor=Actor.system("test"))
    deliver(teryt, "plan.force_ending")

    assert (told, not_yet, again) == ([plan.pk], [], [])  # once, even when the job runs again
    [message] = inbox.messages
    assert str(message["Subject"]).strip().startswith(f"Plan przestaje obowiązywać {ends.isoformat()}")
