"""Aggregation's workers: the views' and the calls' consumers (imported here, so the app
declares them when ready), and the nightly job that spans both."""

from __future__ import annotations

import dramatiq

from aggregation.calls import actors as call_actors  # noqa: F401
from aggregation.calls.services import calls_evaluate_open
from aggregation.views import actors as view_actors  # noqa: F401
from aggregation.views.consistency import views_verify
from mozaika.scheduling import periodic


@dramatiq.actor(actor_name="aggregation.rebuild", queue_name="periodic", max_retries=0, time_limit=3_600_000)
def rebuild_views() -> None:
    # Some facts depend on the day (a plan comes into force, a year ends) and no event says so.
    views_verify(repair=True)
    calls_evaluate_open()


@periodic(
    name="aggregation.consistency",
    cron="0 2 * * *",
    description="nightly verify, rebuild on differences, re-evaluate open calls",
)
def schedule_consistency_check() -> str:
    rebuild_views.send()
    return "enqueued"
