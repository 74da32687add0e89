"""Stale snapshots, drained in batches.

An event's consumer only marks its gmina stale (`snapshot_mark_stale`) and asks for a drain
(`snapshots_drain_request`); a drain (`snapshots_drain`) claims many marked gminas at once and
reads them with the many-schema reader, so an event costs a few statements instead of a plan read
table by table, and a burst of events in hundreds of gminas costs a few queries per table.

Why nothing is lost:
- a mark is committed before its drain is asked for, and a drain clears the request before it
  claims: a consumer that finds a drain already requested knows that drain has not claimed yet,
  so it will claim this mark;
- a drain claims with `SKIP LOCKED`, so two drains share the work; a crash rolls its claim back;
- a request older than `_REQUEST_RETRY` is made again by the next event (its message may have
  died with a worker), and the periodic sweeper drains whatever is left;
- at most `DRAIN_CONCURRENCY` drains run at once; one that finds no slot sends itself again;
- a gmina whose reading fails keeps its mark and is tried again later, alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from aggregation.models import SnapshotDrainRequest, StaleSnapshot
from aggregation.views.refresh import scopes_of, snapshots_refresh
from mozaika.locks import advisory_xact_lock_try

logger = logging.getLogger(__name__)

_STALE = StaleSnapshot._meta.db_table
_REQUEST = SnapshotDrainRequest._meta.db_table
_REQUEST_RETRY = "5 seconds"

# Gminas read per drain. A consistent read of N schemas holds a lock on each of their tables
# and indexes until it commits (about 30 per schema): two concurrent drains of 200 exhausted
# PostgreSQL's shared lock table ("out of shared memory", max_locks_per_transaction 64 x 100
# connections) and were retried after a backoff. At 50 the read costs the same per gmina.
DRAIN_BATCH = 50
# Drains running at once: each holds its read's locks until it commits (see above).
DRAIN_CONCURRENCY = 2
# A gmina whose reading fails is tried again after 30 s, then twice as long each time, up to an hour.
_RETRY_BASE_SECONDS = 30
_RETRY_MAX_SECONDS = 3600


_MARK_SQL = (
    f"INSERT INTO {_STALE} (teryt, first_event_at) {{rows}} "
    f"ON CONFLICT (teryt) DO UPDATE SET first_event_at = least({_STALE}.first_event_at, excluded.first_event_at)"
)
# The views' consumer's effect (`mozaika.events.bus.event_consumer_in_sql`): the event's gmina
# is marked stale, keeping the oldest event's time.
MARK_APPLIED_EVENT_SQL = _MARK_SQL.format(rows="SELECT teryt, occurred_at FROM applied")


def snapshot_mark_stale(*, teryt: str, event_at: datetime) -> None:
    """Mark a gmina stale as its events do (tests and repairs)."""
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SQL.format(rows="VALUES (%s, %s)"), [teryt, event_at])


def snapshots_drain_request() -> bool:
    """After the mark's commit, in a statement of its own: whether the caller must send a drain
    (no drain was requested, or the request is old enough to have been lost)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_REQUEST} (id, requested_at) VALUES (1, now()) "  # noqa: S608 - our table
            f"ON CONFLICT (id) DO UPDATE SET requested_at = now() WHERE {_REQUEST}.requested_at IS NULL "
            f"OR {_REQUEST}.requested_at < now() - interval '{_REQUEST_RETRY}' RETURNING 1"
        )
        return cursor.fetchone() is not None


@dataclass(frozen=True)
class DrainRun:
    refreshed: dict[str, datetime]  # each gmina read, with the oldest event it waited for
    more: bool  # the batch was full: marks may remain
    failed: list[str] = field(default_factory=list)  # left marked, to be tried again later
    busy: bool = False  # as many drains as allowed were running: nothing was claimed

    @property
    def scopes(self) -> list[str]:
        return sorted({scope for teryt in self.refreshed for scope in scopes_of(teryt)})


def _drain_slot_taken() -> bool:
    """One of the `DRAIN_CONCURRENCY` drain slots, held until the transaction ends."""
    return any(advisory_xact_lock_try("views", f"drain:{slot}") for slot in range(DRAIN_CONCURRENCY))


def snapshots_drain(*, limit: int = DRAIN_BATCH) -> DrainRun:
    """Read the snapshots of up to `limit` stale gminas (oldest marks first) and store them, in
    one transaction; their rollups are marked stale in it. If the batch fails, each gmina is
    tried alone; one that fails again keeps its mark with a growing delay before its next try
    (and is logged), so it never holds up the others."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_REQUEST} SET requested_at = NULL WHERE requested_at IS NOT NULL")  # noqa: S608
    with transaction.atomic():
        if not _drain_slot_taken():
            return DrainRun(refreshed={}, more=False, busy=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_STALE} WHERE teryt IN (SELECT teryt FROM {_STALE} "  # noqa: S608 - our table
                "WHERE retry_after IS NULL OR retry_after <= now() ORDER BY first_event_at "
                "LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING teryt, first_event_at, failures",
                [limit],
            )
            claimed = {teryt: (first_event_at, failures) for teryt, first_event_at, failures in cursor.fetchall()}
        failed: list[str] = []
        if claimed:
            try:
                with transaction.atomic():
                    snapshots_refresh(teryts=sorted(claimed))
            except Exception:
                logger.exception("drain of %d stale snapshots failed; reading them one at a time", len(claimed))
                failed = _refresh_one_by_one(claimed)
    refreshed = {teryt: first for teryt, (first, _) in claimed.items() if teryt not in failed}
    return DrainRun(refreshed=refreshed, more=len(claimed) == limit, failed=failed)


def _refresh_one_by_one(claimed: dict[str, tuple[datetime, int]]) -> list[str]:
    failed = []
    for teryt in sorted(claimed):
        try:
            with transaction.atomic():
                snapshots_refresh(teryts=[teryt])
        except Exception:
            first_event_at, failures = claimed[teryt]
            delay = min(_RETRY_BASE_SECONDS * 2**failures, _RETRY_MAX_SECONDS)
            logger.exception("snapshot of %s not refreshed (failure %d); tried again in %d s", teryt,
                             failures + 1, delay)  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {_STALE} (teryt, first_event_at, failures, retry_after) "  # noqa: S608
                    "VALUES (%s, %s, %s, now() + make_interval(secs => %s)) ON CONFLICT (teryt) DO UPDATE SET "
                    f"first_event_at = least({_STALE}.first_event_at, excluded.first_event_at), "
                    "failures = excluded.failures, retry_after = excluded.retry_after",
                    [teryt, first_event_at, failures + 1, delay],
                )
            failed.append(teryt)
    return failed
