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
- a request older than `_REQUEST_RETRY` is made again (its message may have died with a worker),
  and the periodic sweeper drains whatever is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from aggregation.models import SnapshotDrainRequest, StaleSnapshot
from aggregation.views.refresh import scopes_of, snapshots_refresh

_STALE = StaleSnapshot._meta.db_table
_REQUEST = SnapshotDrainRequest._meta.db_table
_REQUEST_RETRY = "5 seconds"

# Gminas read per drain. A consistent read of N schemas holds a lock on each of their tables
# and indexes until it commits (about 30 per schema): two concurrent drains of 200 exhausted
# PostgreSQL's shared lock table ("out of shared memory", max_locks_per_transaction 64 x 100
# connections) and were retried after a backoff. At 50 the read costs the same per gmina.
DRAIN_BATCH = 50


_MARK_SQL = (
    f"INSERT INTO {_STALE} (teryt, first_event_at) {{rows}} "
    f"ON CONFLICT (teryt) DO UPDATE SET first_event_at = least({_STALE}.first_event_at, excluded.first_event_at) "
    "RETURNING 1"
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

    @property
    def scopes(self) -> list[str]:
        return sorted({scope for teryt in self.refreshed for scope in scopes_of(teryt)})


def snapshots_drain(*, limit: int = DRAIN_BATCH) -> DrainRun:
    """Read the snapshots of up to `limit` stale gminas (oldest marks first) and store them, in
    one transaction; their rollups are marked stale in it."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_REQUEST} SET requested_at = NULL WHERE requested_at IS NOT NULL")  # noqa: S608
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_STALE} WHERE teryt IN (SELECT teryt FROM {_STALE} ORDER BY first_event_at "  # noqa: S608
                "LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING teryt, first_event_at",
                [limit],
            )
            claimed: dict[str, datetime] = dict(cursor.fetchall())
        if claimed:
            snapshots_refresh(teryts=sorted(claimed))
    return DrainRun(refreshed=claimed, more=len(claimed) == limit)
