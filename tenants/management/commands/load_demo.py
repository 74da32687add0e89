from typing import Any

from django.core.management.base import BaseCommand

from tenants.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent): voivodeships, four gminas, Trzebiel's plan, demo users."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in summary.items()))
