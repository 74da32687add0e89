"""Stale snapshots drained in batches: an event's consumer marks its gmina, a drain reads many
marked gminas at once, oldest first; drains are asked for once per burst; a mark made while a
drain holds its claim is not lost; the sweeper drains what a crash left."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from aggregation.models import GminaSnapshot, SnapshotDrainRequest, StaleRollup, StaleSnapshot
from aggregation.views import drain
from aggregation.views.actors import sweep_stale_rollups
from aggregation.views.drain import snapshot_mark_stale, snapshots_drain, snapshots_drain_request
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea
from tenants.plans.programme.services import plan_create
from tests.support import KOSZALIN, KRAKOW, TRZEBIEL, ZIELONA_GORA, wait_until

ACTOR_NAME = "drain-test"


def create_plan(teryt: str, title: str) -> None:
    from mozaika.audit.log import Actor

    with in_gmina(teryt):
        plan_create(teryt=teryt, title=title, period_start=2026, period_end=2030,
                    areas=[InterventionArea.SENIORS], indicators=[], actor=Actor.system(ACTOR_NAME))  # fmt: skip


def titles(teryt: str) -> list[str]:
    return [plan["title"] for plan in GminaSnapshot.objects.get(gmina_id=teryt).data["plans"]]


def test_a_drain_reads_the_oldest_marked_gminas_and_leaves_the_rest_for_the_next(db: None) -> None:
    now = timezone.now()
    for minutes_ago, teryt in [(3, KRAKOW), (2, TRZEBIEL), (1, KOSZALIN)]:
        create_plan(teryt, f"Plan {teryt}")
        snapshot_mark_stale(teryt=teryt, event_at=now - timedelta(minutes=minutes_ago))
    snapshot_mark_stale(teryt=KOSZALIN, event_at=now - timedelta(minutes=5))  # an older event: the mark keeps it
    StaleRollup.objects.all().delete()

    first = snapshots_drain(limit=2)

    assert set(first.refreshed) == {KOSZALIN, KRAKOW}
    assert first.refreshed[KOSZALIN] == now - timedelta(minutes=5)
    assert first.more is True
    assert f"Plan {KRAKOW}" in titles(KRAKOW)
    assert f"Plan {KOSZALIN}" in titles(KOSZALIN)
    assert not GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).exists()
    assert set(StaleRollup.objects.values_list("scope", flat=True)) == {"voivodeship:12", "voivodeship:32", "national"}
    assert first.scopes == ["national", "voivodeship:12", "voivodeship:32"]

    second = snapshots_drain(limit=2)

    assert set(second.refreshed) == {TRZEBIEL}
    assert second.more is False
    assert f"Plan {TRZEBIEL}" in titles(TRZEBIEL)
    assert not StaleSnapshot.objects.exists()
    assert snapshots_drain().refreshed == {}


def test_a_burst_asks_for_one_drain_until_a_drain_starts(db: None) -> None:
    assert snapshots_drain_request() is True
    assert snapshots_drain_request() is False  # a drain is asked for and has not started
    assert snapshots_drain_request() is False

    snapshots_drain()  # a drain starts: what is marked after this needs another

    assert snapshots_drain_request() is True


def test_a_request_whose_drain_never_came_is_made_again(db: None) -> None:
    assert snapshots_drain_request() is True
    # The worker that was to send it died: the request is older than the retry period.
    SnapshotDrainRequest.objects.update(requested_at=timezone.now() - timedelta(seconds=6))

    assert snapshots_drain_request() is True


def test_the_sweeper_drains_marks_a_crash_left(db: None) -> None:
    create_plan(ZIELONA_GORA, "Left by a crash")
    snapshot_mark_stale(teryt=ZIELONA_GORA, event_at=timezone.now())

    sweep_stale_rollups.fn()

    assert "Left by a crash" in titles(ZIELONA_GORA)
    assert not StaleSnapshot.objects.exists()
    assert not StaleRollup.objects.exists()


def in_own_connection(work: Callable[[], Any]) -> Callable[[], None]:
    """`work` in a thread's own connection (autocommit, outside the test's transaction)."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    return run


def test_a_mark_made_while_a_drain_holds_its_claim_is_drained_next(db: None, monkeypatch: Any) -> None:
    """Two connections, as two worker threads: the drain has claimed Trzebiel and is reading it
    when a new event marks Trzebiel again. The new mark waits for the drain's commit, survives
    it, and asks for a new drain. (What these threads commit is removed at the end.)"""
    claimed, release = threading.Event(), threading.Event()
    requested: list[bool] = []

    def reading_slowly(*, teryts: list[str]) -> None:
        claimed.set()
        assert release.wait(30)

    def mark_and_request() -> None:
        snapshot_mark_stale(teryt=TRZEBIEL, event_at=timezone.now())
        requested.append(snapshots_drain_request())

    monkeypatch.setattr(drain, "snapshots_refresh", reading_slowly)
    try:
        first_mark = threading.Thread(target=in_own_connection(mark_and_request))
        first_mark.start()
        first_mark.join()
        drainer = threading.Thread(target=in_own_connection(lambda: snapshots_drain()))
        drainer.start()
        assert claimed.wait(30)
        second_mark = threading.Thread(target=in_own_connection(mark_and_request))
        second_mark.start()
        wait_until(lambda: _waiting_for_a_lock(), timeout=30, what="the second mark to wait for the drain")
        release.set()
        drainer.join()
        second_mark.join()

        assert requested == [True, True]  # the drain had started: the second mark asked anew
        assert StaleSnapshot.objects.filter(gmina_id=TRZEBIEL).exists()
    finally:
        release.set()
        cleanup = threading.Thread(target=in_own_connection(_remove_committed_marks))
        cleanup.start()
        cleanup.join()


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the test's transaction sees its first reading
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query LIKE 'INSERT INTO aggregation_stalesnapshot%%'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _remove_committed_marks() -> None:
    StaleSnapshot.objects.all().delete()
    SnapshotDrainRequest.objects.all().delete()
