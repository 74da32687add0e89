"""`python -m mozaika aggregation rebuild [--voivodeship 08] [--verify]` (and `verify`, the same
as `rebuild --verify`)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from aggregation.views.consistency import views_rebuild
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Recompute snapshots and rollups from the tenants' data (--verify: compare, report every difference)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (("rebuild", "recompute and store"), ("verify", "the same as rebuild --verify")):
            action = actions.add_parser(name, help=text)
            action.add_argument("--voivodeship", help="two-digit code, e.g. 08")
            action.add_argument(
                "--verify", action="store_true", help="compare with the incremental state, store nothing"
            )

    def handle(self, *args: Any, action: str, voivodeship: str | None, verify: bool, **options: Any) -> None:
        verify = verify or action == "verify"
        tenants = Tenant.objects.live_gminas()
        total = (tenants.filter(voivodeship_id=voivodeship) if voivodeship else tenants).count()
        with tqdm(total=total, unit="gmina", file=sys.stderr, disable=None) as bar:
            drift = views_rebuild(voivodeship=voivodeship, verify=verify, progress=bar.update)
        for difference in drift.differences:
            self.stdout.write(
                f"{difference.target} {difference.path or '(whole)'}: "
                f"incremental={difference.stored!r} rebuilt={difference.fresh!r}"
            )
        self.stdout.write(
            f"{'verified' if verify else 'rebuilt'} {drift.checked_snapshots} snapshot(s), "
            f"{drift.checked_rollups} rollup(s); {len(drift.differences)} difference(s) in "
            f"{len(drift.snapshots)} snapshot(s), {len(drift.rollups)} rollup(s)"
        )
        if verify and drift.found:
            raise CommandError("the incremental views differ from a rebuild; run `aggregation rebuild`")
