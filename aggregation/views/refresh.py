"""Keeping snapshots and rollups current.

An event refreshes its gmina's snapshot and marks the gmina's voivodeship and the nation stale
in the same transaction; rollup refreshes (sent with a short delay) recompute only stale scopes,
so a burst of events in one voivodeship costs one recomputation of it and of the nation. Every
refresh recomputes from the source under a transaction-scoped advisory lock, so concurrent or
repeated refreshes converge on the newest state and an older computation never overwrites a
newer one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aggregation.models import (
    NATIONAL_SCOPE,
    GminaSnapshot,
    Rollup,
    SnapshotRecord,
    StaleRollup,
    voivodeship_of_scope,
    voivodeship_scope,
)
from aggregation.plan_facts import PlanFacts, gmina_plan_facts
from aggregation.quality.checks import RuleSpec, gmina_quality
from aggregation.quality.peers import peer_outliers_compute, peer_outliers_store
from aggregation.quality.rules import quality_rules, report_due
from aggregation.quality.selectors import quality_summary
from aggregation.views.rollups import GminaRow, RollupData, gmina_facts, rollup_compute
from mozaika.counters import SharedVersion
from mozaika.locks import advisory_xact_lock, advisory_xact_locks
from mozaika.tenancy import Teryt
from tenants.plans.snapshot import GminaSnapshotData, gmina_snapshots
from tenants.registry.selectors import gminas_in_scope
from tenants.registry.standards import standard_aggregations

# Moves with every stored snapshot: what an API process keeps of them (an eligibility answer's
# reading) is read again after any change.
SNAPSHOTS_VERSION = SharedVersion("snapshots")


def _lock(name: str) -> None:
    advisory_xact_lock("views", name)


def database_now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        row = cursor.fetchone()
    assert row is not None
    moment: datetime = row[0]
    return moment


def scope_of(voivodeship: str | None) -> str:
    return NATIONAL_SCOPE if voivodeship is None else voivodeship_scope(voivodeship)


def scopes_of(teryt: str) -> list[str]:
    return [voivodeship_scope(Teryt(teryt).voivodeship), NATIONAL_SCOPE]


def snapshot_row(
    *, teryt: str, data: GminaSnapshotData, read_at: datetime, today: date, rules: list[RuleSpec] | None = None
) -> GminaSnapshot:
    """The stored form of a snapshot: the data, its facts, its data-quality flags and the list
    columns. `rules`: the validation rules in force, read once for a batch (default: now)."""
    facts = gmina_facts(data, today=today)
    due = report_due()
    quality = gmina_quality(data, today=today, rules=quality_rules() if rules is None else rules, due=due)
    return GminaSnapshot(
        gmina_id=teryt,
        voivodeship=Teryt(teryt).voivodeship,
        status=facts["status"],
        in_force=facts["in_force"],
        period_start=facts["period_start"],
        period_end=facts["period_end"],
        latest_report_year=facts["latest_report_year"],
        data=data,
        facts=facts,
        plan_facts=gmina_plan_facts(data),
        quality=quality,
        quality_summary=quality_summary(data, quality, today=today, due=due),
        refreshed_at=read_at,
    )


_SNAPSHOT_COLUMNS = ("teryt", "voivodeship", "status", "in_force", "period_start", "period_end",
                     "latest_report_year", "data", "facts", "plan_facts", "quality", "quality_summary",
                     "refreshed_at")  # fmt: skip


# A reading that differs from the gmina's latest record becomes a record (answers as of a past day).
_RECORD_SQL = f"""
    WITH reading (teryt, recorded_at, data) AS (SELECT %s, %s::timestamptz, %s::jsonb)
    INSERT INTO {SnapshotRecord._meta.db_table} (teryt, recorded_at, data)
    SELECT teryt, recorded_at, data FROM reading
    WHERE reading.data IS DISTINCT FROM (
        SELECT r.data FROM {SnapshotRecord._meta.db_table} r
        WHERE r.teryt = reading.teryt ORDER BY r.recorded_at DESC LIMIT 1)"""  # noqa: S608 - our table


def snapshots_store(rows: Iterable[GminaSnapshot]) -> None:
    """Upsert snapshots; one read earlier than the stored one never replaces it (a rebuild
    racing an event's refresh keeps the event's newer reading). Each reading that changed the
    gmina's data is also kept as a `SnapshotRecord`."""
    table = GminaSnapshot._meta.db_table
    updates = ", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_COLUMNS[1:])
    sql = (
        f"INSERT INTO {table} ({', '.join(_SNAPSHOT_COLUMNS)}) "  # noqa: S608 - our table and columns
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s::jsonb, %s::jsonb, %s::jsonb, %s) "
        f"ON CONFLICT (teryt) DO UPDATE SET {updates} WHERE {table}.refreshed_at <= excluded.refreshed_at"
    )
    params = [
        (r.gmina_id, r.voivodeship, r.status, r.in_force, r.period_start, r.period_end, r.latest_report_year,
         json.dumps(r.data), json.dumps(r.facts), json.dumps(r.plan_facts), json.dumps(r.quality),
         json.dumps(r.quality_summary), r.refreshed_at)
        for r in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        cursor.executemany(_RECORD_SQL, [(p[0], p[-1], p[7]) for p in params])  # teryt, refreshed_at, data
    SNAPSHOTS_VERSION.bump()


def rollups_mark_stale(scopes: Iterable[str]) -> None:
    """Mark in the caller's transaction. DO UPDATE (not DO NOTHING) locks an existing mark, so
    a rollup refresh clearing it waits for this transaction and then sees its snapshot."""
    with connection.cursor() as cursor:
        for scope in scopes:
            cursor.execute(
                f"INSERT INTO {StaleRollup._meta.db_table} (scope, marked_at) VALUES (%s, now()) "  # noqa: S608
                "ON CONFLICT (scope) DO UPDATE SET marked_at = excluded.marked_at",
                [scope],
            )


# What must follow new snapshots in their own transaction: a funding call's re-evaluation
# registers itself here (`aggregation.calls`), as calls read the views and not the other way
# round. A listener gets the plan facts of every gmina refreshed, by TERYT.
SnapshotListener = Callable[[dict[str, list[PlanFacts]], date], object]
_snapshot_listeners: list[SnapshotListener] = []


def on_snapshot_stored(listener: SnapshotListener) -> SnapshotListener:
    _snapshot_listeners.append(listener)
    return listener


def snapshots_refresh(*, teryts: Sequence[str]) -> None:
    """Read the gminas' snapshots (all their schemas at once), store them, mark their rollups
    stale and tell the listeners, in one transaction. Each snapshot is read under its gmina's
    lock, with `refreshed_at` the database's time when the reading began: every change committed
    before then is in it."""
    with transaction.atomic():
        advisory_xact_locks("views", [f"snapshot:{teryt}" for teryt in teryts])
        read_at, today = database_now(), timezone.localdate()
        snapshots = gmina_snapshots(teryts)
        rules = quality_rules()
        snapshots_store(
            [snapshot_row(teryt=teryt, data=data, read_at=read_at, today=today, rules=rules)
             for teryt, data in snapshots.items()]
        )  # fmt: skip
        rollups_mark_stale(sorted({scope for teryt in teryts for scope in scopes_of(teryt)}))
        plans = {teryt: gmina_plan_facts(data) for teryt, data in snapshots.items()}
        for listener in _snapshot_listeners:
            listener(plans, today)


# Snapshots whose flags are recomputed per transaction: each holds its gminas' snapshot locks (as
# many advisory locks, from PostgreSQL's shared lock table; see `aggregation.views.drain`).
QUALITY_BATCH = 100


@dataclass(frozen=True)
class QualityRecomputed:
    checked: int
    changed: int


def snapshots_quality_recompute(*, batch_size: int = QUALITY_BATCH) -> QualityRecomputed:
    """Every stored snapshot's data-quality flags again, from its stored data and the rules in
    force now (after a rule changed: the data did not, so no gmina's schema is read); only the
    snapshots whose flags changed are written, a batch per transaction. Each batch holds its
    gminas' snapshot locks and reads the rules under them, so a refresh that read the rules before
    a change cannot store its older flags after the batch, and two recomputations running at once
    both end with the newest rules. Safe to repeat: the same rules give the same flags."""
    teryts = list(GminaSnapshot.objects.order_by("gmina_id").values_list("gmina_id", flat=True))
    changed = 0
    for start in range(0, len(teryts), batch_size):
        batch = teryts[start : start + batch_size]
        with transaction.atomic():
            advisory_xact_locks("views", [f"snapshot:{teryt}" for teryt in batch])
            rules, today, due = quality_rules(), timezone.localdate(), report_due()
            rows = GminaSnapshot.objects.filter(gmina_id__in=batch).only(
                "gmina_id", "data", "quality", "quality_summary"
            )
            stale = []
            for row in rows:
                quality = gmina_quality(row.data, today=today, rules=rules, due=due)
                summary = quality_summary(row.data, quality, today=today, due=due)
                if (quality, summary) != (row.quality, row.quality_summary):
                    row.quality, row.quality_summary = quality, summary
                    stale.append(row)
            GminaSnapshot.objects.bulk_update(stale, ["quality", "quality_summary"])
        changed += len(stale)
    if changed:
        SNAPSHOTS_VERSION.bump()
    return QualityRecomputed(checked=len(teryts), changed=changed)


def snapshot_refresh(*, teryt: str, published_at: datetime | None = None) -> bool:
    """Rebuild one gmina's snapshot now (`snapshots_refresh`). An event published before the
    stored snapshot's reading began is already in it and is skipped: returns whether a refresh
    ran."""
    with transaction.atomic():
        _lock(f"snapshot:{teryt}")
        if (
            published_at is not None
            and GminaSnapshot.objects.filter(gmina_id=teryt, refreshed_at__gte=published_at).exists()
        ):
            return False
        snapshots_refresh(teryts=[teryt])
    return True


def _voivodeship_of(scope: str) -> str | None:
    return voivodeship_of_scope(scope)


def gmina_rows(*, voivodeship: str | None, powiat: str | None = None, kind: str | None = None) -> list[GminaRow]:
    """The registry gminas of a scope (filtered), each with its stored facts."""
    gminas = gminas_in_scope(voivodeship=voivodeship, powiat=powiat, kind=kind)
    values = gminas.order_by("teryt").values_list("teryt", "name", "powiat_id", "kind", "population", "snapshot__facts")
    return [GminaRow(teryt, name, powiat_code, gmina_kind, population, facts)
            for teryt, name, powiat_code, gmina_kind, population, facts in values]  # fmt: skip


def rollup_data(*, voivodeship: str | None, powiat: str | None = None, kind: str | None = None) -> RollupData:
    return rollup_compute(gmina_rows(voivodeship=voivodeship, powiat=powiat, kind=kind), standard_aggregations())


def rollup_refresh(*, scope: str, only_if_stale: bool = True) -> bool:
    """Recompute a rollup if its snapshots changed since it was computed (or always). Returns
    whether it ran."""
    with transaction.atomic():
        _lock(f"rollup:{scope}")
        cleared = StaleRollup.objects.filter(scope=scope).delete()[0]
        if only_if_stale and not cleared:
            return False
        rows = gmina_rows(voivodeship=_voivodeship_of(scope))
        data = rollup_compute(rows, standard_aggregations())
        Rollup.objects.update_or_create(scope=scope, defaults={"data": data, "refreshed_at": timezone.now()})
        if scope == NATIONAL_SCOPE:
            # Peers are nationwide: the nation's rows are the ones to judge them by.
            peer_outliers_store(peer_outliers_compute(rows))
    return True


def rollup_refresh_delay_ms(scope: str) -> int:
    """How long a refresh of `scope` should wait: not at all when the rollup was computed longer
    than the coalescing period ago (the first change after a quiet spell shows at once), else
    until that period is over (the changes of a burst are computed together, once per period)."""
    refreshed_at = Rollup.objects.filter(scope=scope).values_list("refreshed_at", flat=True).first()
    if refreshed_at is None:
        return 0
    elapsed_ms = (timezone.now() - refreshed_at).total_seconds() * 1000
    return max(0, int(settings.ROLLUP_COALESCE_MS - elapsed_ms))


def stale_scopes() -> list[str]:
    return list(StaleRollup.objects.order_by("scope").values_list("scope", flat=True))


def rollups_refresh_stale() -> list[str]:
    """Recompute every stale rollup (the sweeper's job); returns the scopes recomputed."""
    return [scope for scope in stale_scopes() if rollup_refresh(scope=scope)]


def gmina_views_refresh(*, teryt: str, published_at: datetime | None = None) -> bool:
    """Synchronously: the gmina's snapshot, then its voivodeship's and the nation's rollups."""
    refreshed = snapshot_refresh(teryt=teryt, published_at=published_at)
    for scope in scopes_of(teryt):
        rollup_refresh(scope=scope)
    return refreshed
