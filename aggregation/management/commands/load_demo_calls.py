from typing import Any

from django.core.management.base import BaseCommand

from aggregation.calls.demo import demo_calls_load
from mozaika.audit.log import Actor


class Command(BaseCommand):
    help = "Define the demo funding calls not defined yet (idempotent): FEPZ.06.19 and FEMP.06.33."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"calls_defined: {demo_calls_load(Actor.system('demo-loader'))}")
