import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mozaika.events.bus import events_relay


class Command(BaseCommand):
    help = "Republish events that were committed but never published (crash between commit and send)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep relaying until interrupted")

    def handle(self, *args: Any, loop: bool, **options: Any) -> None:
        older_than = timedelta(seconds=settings.EVENT_RELAY_AFTER_SECONDS)
        while True:
            count = events_relay(older_than=older_than)
            if count or not loop:
                self.stdout.write(f"republished {count} event(s)")
            if not loop:
                return
            time.sleep(settings.EVENT_RELAY_AFTER_SECONDS)
