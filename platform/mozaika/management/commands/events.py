"""`python -m mozaika events relay [--loop] | dead-letters | replay ID`"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.events.bus import events_relay
from mozaika.events.deadletters import dead_letter_replay
from mozaika.events.models import DeadLetter


class Command(BaseCommand):
    help = "The event backbone: relay unpublished events, list and replay dead letters."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        relay = actions.add_parser("relay", help="republish events committed but never published")
        relay.add_argument("--loop", action="store_true", help="keep relaying until interrupted")
        listing = actions.add_parser("dead-letters", help="messages that failed all their retries")
        listing.add_argument("--all", action="store_true", help="include replayed ones")
        replay = actions.add_parser("replay", help="send a dead letter's message again")
        replay.add_argument("id", type=int)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "relay":
            self._relay(loop=options["loop"])
        elif action == "dead-letters":
            letters = (
                DeadLetter.objects.all() if options["all"] else DeadLetter.objects.filter(replayed_at__isnull=True)
            )
            for letter in letters:
                state = f"replayed {letter.replayed_at:%Y-%m-%d %H:%M}" if letter.replayed_at else "waiting"
                self.stdout.write(
                    f"{letter.pk}\t{letter.failed_at:%Y-%m-%d %H:%M:%S}\t{letter.actor_name}\t{letter.args}\t"
                    f"{state}\t{letter.error}"
                )
            self.stdout.write(f"{letters.count()} dead letter(s)")
        else:
            try:
                dead_letter_replay(dead_letter_id=options["id"])
            except (DeadLetter.DoesNotExist, ValueError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"replayed dead letter {options['id']}")

    def _relay(self, *, loop: bool) -> None:
        older_than = timedelta(seconds=settings.EVENT_RELAY_AFTER_SECONDS)
        while True:
            count = events_relay(older_than=older_than)
            if count or not loop:
                self.stdout.write(f"republished {count} event(s)", ending="\n")
                self.stdout.flush()
            if not loop:
                return
            time.sleep(settings.EVENT_RELAY_AFTER_SECONDS)
