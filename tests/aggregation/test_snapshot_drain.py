"""Stale snapshots drained in batches: an event's consumer marks its gmina, a drain reads many
marked gminas at once, oldest first; drains are asked for once per burst; a mark made while a
drain holds its claim is not lost; a gmina that cannot be read holds up no other; at most two
drains run at once; the sweeper sends a drain for what a crash left."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from aggregation.models import GminaSnapshot, SnapshotDrainRequest, StaleRollup, StaleSnapshot
from aggregation.views import actors, drain
from aggregation.views.actors import sweep_stale_rollups
from aggregation.views.drain import snapshot_mark_stale, snapshots_drain, snapshots_drain_request
from mozaika.locks import advisory_xact_lock_try
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea
from tenants.plans.programme.services import plan_create
from tests.support import KOSZALIN, KRAKOW, TRZEBIEL, ZIELONA_GORA, in_own_connection, wait_until, waiting_for_a_lock

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
    snapshot_mark_stale(teryt=KOSZALIN, event_at=now - timedelta(minutes=5))
    for minutes_ago, teryt in [(3, KRAKOW), (2, TRZEBIEL), (1, KOSZALIN)]:  # Koszalin's mark keeps its older event
        create_plan(teryt, f"Plan {teryt}")
        snapshot_mark_stale(teryt=teryt, event_at=now - timedelta(minutes=minutes_ago))
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


def test_a_gmina_whose_reading_fails_is_retried_later_alone_and_the_others_are_read(db: None, monkeypatch: Any) -> None:
    for teryt in (TRZEBIEL, KRAKOW):
        create_plan(teryt, f"Plan {teryt}")
        snapshot_mark_stale(teryt=teryt, event_at=timezone.now())
    reading = drain.snapshots_refresh

    def failing_for_krakow(*, teryts: list[str]) -> None:
        if KRAKOW in teryts:
            raise RuntimeError("Kraków's schema cannot be read")
        reading(teryts=teryts)

    monkeypatch.setattr(drain, "snapshots_refresh", failing_for_krakow)

    run = snapshots_drain()

    assert set(run.refreshed) == {TRZEBIEL}
    assert run.failed == [KRAKOW]
    assert f"Plan {TRZEBIEL}" in titles(TRZEBIEL)
    mark = StaleSnapshot.objects.get(gmina_id=KRAKOW)
    assert mark.failures == 1
    assert mark.retry_after is not None
    assert mark.retry_after > timezone.now()
    assert snapshots_drain().refreshed == {}  # not tried again before its time

    StaleSnapshot.objects.filter(gmina_id=KRAKOW).update(retry_after=timezone.now() - timedelta(seconds=1))
    monkeypatch.setattr(drain, "snapshots_refresh", reading)
    assert set(snapshots_drain().refreshed) == {KRAKOW}
    assert not StaleSnapshot.objects.exists()


def test_the_sweeper_sends_a_drain_for_marks_a_crash_left_or_due_again(db: None, monkeypatch: Any) -> None:
    sent: list[str] = []
    monkeypatch.setattr(actors.drain_snapshots, "send_with_options", lambda **options: sent.append("drain"))
    snapshot_mark_stale(teryt=ZIELONA_GORA, event_at=timezone.now())
    StaleSnapshot.objects.update(failures=2, retry_after=timezone.now() + timedelta(minutes=1))

    sweep_stale_rollups.fn()
    assert sent == []  # only a mark not yet due

    StaleSnapshot.objects.update(retry_after=timezone.now() - timedelta(seconds=1))
    sweep_stale_rollups.fn()
    assert sent == ["drain"]


def test_a_drain_with_every_slot_taken_claims_nothing(db: None) -> None:
    """Two drains hold the slots (other connections); a third leaves the marks for later."""
    holding, release = threading.Barrier(3), threading.Event()

    def hold_slot(slot: int) -> None:
        with transaction.atomic():
            assert advisory_xact_lock_try("views", f"drain:{slot}")
            holding.wait(30)
            assert release.wait(30)

    snapshot_mark_stale(teryt=TRZEBIEL, event_at=timezone.now())
    threads = [threading.Thread(target=in_own_connection(lambda n=n: hold_slot(n))) for n in range(2)]
    for thread in threads:
        thread.start()
    try:
        holding.wait(30)
        run = snapshots_drain()
    finally:
        release.set()
        for thread in threads:
            thread.join()

    assert run.busy is True
    assert run.refreshed == {}
    assert StaleSnapshot.objects.filter(gmina_id=TRZEBIEL).exists()
    assert snapshots_drain().refreshed.keys() == {TRZEBIEL}  # the slots are free again


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
        wait_until(
            lambda: waiting_for_a_lock("INSERT INTO aggregation_stalesnapshot"),
            timeout=30,
            what="the second mark to wait for the drain",
        )
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


def _remove_committed_marks() -> None:
    StaleSnapshot.objects.all().delete()
    SnapshotDrainRequest.objects.all().delete()
