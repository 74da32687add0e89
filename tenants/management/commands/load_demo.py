from typing import Any

from django.core.management.base import BaseCommand

from aggregation.demo_calls import demo_calls_load
from tenants.demo import DEMO_ACTOR, demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent): voivodeships, four gminas, their plans, demo users, demo funding calls."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load() | {"calls_defined": demo_calls_load(DEMO_ACTOR)}
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in summary.items()))
