"""The dead-letter place: messages whose retries are exhausted are kept in the database, where
operators list and replay them (`python -m mozaika events dead-letters | replay ID`)."""

from __future__ import annotations

import logging
from typing import Any

import dramatiq
from django.db import close_old_connections, transaction
from django.utils import timezone
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

logger = logging.getLogger(__name__)


class DeadLetterMiddleware(Middleware):
    def after_process_message(
        self, broker: dramatiq.Broker, message: MessageProxy, *, result: Any = None, exception: Any = None
    ) -> None:
        # Retries (earlier in the chain) marks the message failed once its retries are used up.
        if exception is None or not message.failed:
            return
        from mozaika.events.models import DeadLetter

        close_old_connections()
        DeadLetter.objects.create(
            actor_name=message.actor_name,
            queue_name=message.queue_name,
            message_id=message.message_id,
            args=list(message.args),
            options={k: v for k, v in message.options.items() if isinstance(v, str | int | float | bool)},
            error=f"{type(exception).__name__}: {exception}"[:5000],
            retries=int(message.options.get("retries", 0)),
        )
        logger.error("dead letter: %s %s after %s retries", message.actor_name, message.message_id,
                     message.options.get("retries", 0))  # fmt: skip


def dead_letter_replay(*, dead_letter_id: int) -> None:
    """Send the message again, to the same actor with the same arguments and tenant."""
    from mozaika.events.models import DeadLetter

    with transaction.atomic():
        letter = DeadLetter.objects.select_for_update().get(pk=dead_letter_id)
        if letter.replayed_at is not None:
            raise ValueError(f"dead letter {dead_letter_id} was replayed already")
        actor = dramatiq.get_broker().get_actor(letter.actor_name)
        options = {k: v for k, v in letter.options.items() if k in actor.options or k == "tenant_schema"}
        letter.replayed_at = timezone.now()
        letter.save(update_fields=["replayed_at"])
        transaction.on_commit(lambda: actor.send_with_options(args=tuple(letter.args), **options))
