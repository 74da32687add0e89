"""`python -m mozaika aggregation verify [--voivodeship 08] [--repair]`"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from aggregation.consistency import views_verify


class Command(BaseCommand):
    help = "Recompute snapshots and rollups from the tenants' data; report (and --repair) drift."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (("verify", "compare, report drift"), ("rebuild", "compare and repair (verify --repair)")):
            action = actions.add_parser(name, help=text)
            action.add_argument("--voivodeship")
            action.add_argument("--repair", action="store_true")

    def handle(self, *args: Any, action: str, voivodeship: str | None, repair: bool, **options: Any) -> None:
        repair = repair or action == "rebuild"
        with tqdm(unit="gmina", file=sys.stderr, disable=None) as bar:
            drift = views_verify(voivodeship=voivodeship, repair=repair, progress=lambda code: bar.update())
        self.stdout.write(
            f"checked {drift.checked_snapshots} snapshot(s), {drift.checked_rollups} rollup(s); "
            f"drift: {len(drift.snapshots)} snapshot(s), {len(drift.rollups)} rollup(s)"
            + (" — repaired" if repair and drift.found else "")
        )
        for code in drift.snapshots:
            self.stdout.write(f"snapshot {code}")
        for scope in drift.rollups:
            self.stdout.write(f"rollup {scope}")
        if drift.found and not repair:
            raise CommandError("drift found; run again with --repair")
