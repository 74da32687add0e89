"""E-mail to people, through Django's e-mail framework (SMTP on servers; a folder or the console
under `make run`): who holds a role in a gmina or voivodeship, whether they switched a kind off,
and sending once per event and person. What a message says is the domain's."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from mozaika.identity.models import NotificationKind, NotificationOptOut, Role, SentNotification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def people_with_role(role: Role, scope: str) -> list[int]:
    """The active people holding `role` in `scope` who have an e-mail address."""
    User = get_user_model()
    users = User.objects.filter(is_active=True, role_grants__role=role, role_grants__scope=scope).exclude(email="")
    return list(users.values_list("pk", flat=True).distinct())


def notification_send(
    *, event_id: uuid.UUID | str, kind: NotificationKind, user_ids: list[int], message: Message
) -> int:
    """Send `message` to each person who has not switched `kind` off and has not had it for this
    event yet; returns how many were sent. A failed send raises (the worker retries); the ones
    already sent are recorded and not sent again."""
    opted_out = set(
        NotificationOptOut.objects.filter(kind=kind, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    done = set(
        SentNotification.objects.filter(event_id=event_id, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    sent = 0
    subject = " ".join(message.subject.split())  # one line: a title's line break must not break the header
    for user in get_user_model().objects.filter(pk__in=sorted(set(user_ids) - opted_out - done)):
        try:
            with transaction.atomic():
                # The record first, then the send: the row's lock keeps a concurrent delivery of the
                # same event from sending it too; a failed send rolls the record back.
                SentNotification.objects.create(event_id=event_id, user=user, kind=kind)
                send_mail(subject, message.body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:
            logger.info("notification %s for event %s already sent to %s", kind, event_id, user.pk)
            continue
        except smtplib.SMTPRecipientsRefused:
            # This address is refused for good; the others must still get theirs.
            logger.warning("notification %s for event %s: the server refused %s's address", kind, event_id, user.pk)
            continue
        sent += 1
    return sent


def notifications_of(user_id: int) -> dict[str, bool]:
    """Every kind, and whether the person gets it."""
    off = set(NotificationOptOut.objects.filter(user_id=user_id).values_list("kind", flat=True))
    return {kind.value: kind.value not in off for kind in NotificationKind}


def notification_switch(*, user_id: int, kind: NotificationKind, enabled: bool) -> None:
    if enabled:
        NotificationOptOut.objects.filter(user_id=user_id, kind=kind).delete()
    else:
        NotificationOptOut.objects.get_or_create(user_id=user_id, kind=kind)
