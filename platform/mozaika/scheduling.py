"""Periodic work. Apps register jobs (a cron expression and a function that enqueues actors);
`python -m mozaika scheduler` runs them with APScheduler in one process (run exactly one).

APScheduler rather than periodiq (unmaintained) or dramatiq-crontab (its lock against two
schedulers needs Redis, and we also run on RabbitMQ): the dramatiq docs point to APScheduler,
it is well kept, and the jobs only enqueue idempotent actors, so a late or doubled run is safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str  # minute hour day month day_of_week
    run: Callable[[], object]
    description: str


JOBS: dict[str, PeriodicJob] = {}


def periodic(*, name: str, cron: str, description: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(run: Callable[[], object]) -> Callable[[], object]:
        JOBS[name] = PeriodicJob(name=name, cron=cron, run=run, description=description)
        return run

    return register
