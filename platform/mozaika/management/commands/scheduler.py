"""`python -m mozaika scheduler [--list | --run NAME]`: the periodic jobs."""

from __future__ import annotations

from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.scheduling import JOBS


class Command(BaseCommand):
    help = "Run the periodic jobs (expiring plans, reporting reminders, the nightly consistency check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="show the jobs and their schedules")
        parser.add_argument("--run", metavar="NAME", help="run one job now and exit")

    def handle(self, *args: Any, list: bool, run: str | None, **options: Any) -> None:
        if list:
            for job in JOBS.values():
                self.stdout.write(f"{job.name}\t{job.cron}\t{job.description}")
            return
        if run:
            if run not in JOBS:
                raise CommandError(f"no job {run!r}; jobs: {', '.join(JOBS)}")
            self.stdout.write(f"{run}: {JOBS[run].run()}")
            return
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for job in JOBS.values():
            scheduler.add_job(job.run, CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE), id=job.name,
                              coalesce=True, max_instances=1, misfire_grace_time=3600)  # fmt: skip
        self.stdout.write(f"scheduler: {len(JOBS)} job(s): {', '.join(JOBS)}")
        self.stdout.flush()
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
