"""Event-to-rollup freshness and worker throughput, with every gmina provisioned.

    .venv/bin/python bench/event_freshness.py [--rate 20] [--seconds 120] [--burst 2000]

1. A fresh database with all 2 477 gminas provisioned; one dramatiq worker process with two
   threads and the relay, as in production.
2. Steady load: `--rate` plan.created events per second for `--seconds`, each in a random gmina.
   From the event's commit (occurred_at) to the moment the views' consumer recorded it and marked
   its gmina stale (consumed_at): p50/p95/p99. (From a change to the views a reviewer reads, the
   snapshot and both rollups: `bench/view_freshness.py`.)
3. Throughput: `--burst` events enqueued at once while the worker is stopped, then drained by the
   same worker: from its start until every event is consumed and no snapshot or rollup is left
   stale; next to the raw rate at which this machine inserts rows into PostgreSQL (the ceiling).
   Afterwards `aggregation verify` compares the views with a rebuild from the tenant schemas.
Compare ratios, not absolute times: the machine is small and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_scale import ROOT, base_env, cli, database

LOADER = """
import random, time
from mozaika.tenancy import in_gmina
from mozaika.audit.log import Actor
from tenants.models import Tenant
from tenants.plans.models import InterventionArea
from tenants.plans.programme.services import plan_create
tenants = list(Tenant.objects.filter(kind="gmina"))
actor = Actor.system("bench")
interval, count = {interval}, {count}
started = time.monotonic()
for n in range(count):
    pause = started + n * interval - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    tenant = random.choice(tenants)
    with in_gmina(tenant.code):
        plan_create(teryt=tenant.code, title="bench", period_start=2025, period_end=2027,
                    areas=[InterventionArea.SENIORS], indicators=[], actor=actor)
"""


# Every burst event consumed, and neither a snapshot nor a rollup left stale.
DRAINED_SQL = """
    SELECT CASE WHEN EXISTS (SELECT 1 FROM aggregation_stalesnapshot) OR EXISTS (SELECT 1 FROM aggregation_stalerollup)
           THEN -1 ELSE (SELECT count(*) FROM events_consumedevent c JOIN events_event e ON e.seq = c.event_id
                         WHERE e.seq > %s AND e.type = 'plan.created' AND c.consumer = 'aggregation.refresh_views')
           END"""


PEAK_DRAINED_SQL = DRAINED_SQL.replace("'plan.created'", "'indicator.reported'")


def burst_gminas(url: str, after_seq: int) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT teryt FROM events_event WHERE seq > %s AND type = 'plan.created'", [after_seq])
        return [row[0] for row in rows]


def worker_rss(process: psutil.Process) -> int:
    try:
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
    except psutil.Error:
        return 0


# PostgreSQL's planning of the snapshot's queries in schemas this connection has not touched yet,
# per gmina: what any reading of a gmina's tables costs once, however it is batched.
PLANNING_PROBE = """
from django.db import connection
from mozaika.tenancy import many_schema_cursor, union_over_gminas
from tenants.models import Tenant
from tenants.plans import snapshot
queries = [snapshot._PLANS, snapshot._ACTS, snapshot._AREAS, snapshot._SERVICES, snapshot._FUNDING,
           snapshot._INDICATORS, snapshot._DOCUMENTS, snapshot._REPORTS, snapshot._VERSIONS]
gminas = list(Tenant.objects.filter(kind="gmina").order_by("?").values_list("code", flat=True)[:{count}])
planned = 0.0
for start in range(0, len(gminas), 50):
    for query in queries:
        with many_schema_cursor() as cursor:
            cursor.execute("EXPLAIN (SUMMARY) " + union_over_gminas(query, gminas[start:start + 50]))
            planned += float(cursor.fetchall()[-1][0].split()[2])
print(planned / len(gminas))
"""


def worker_start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "dramatiq", "mozaika.site.worker", "--processes", "1",
                             "--threads", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def reporting_peak(env: dict[str, str], url: str, per_gmina: int) -> subprocess.Popen[bytes]:
    """The yearly reporting peak: `per_gmina` indicator values reported in every gmina, recorded
    while the worker is stopped (as event rows written straight into the log and published by
    the relay: the views' consumer reads nothing else of them), then drained by one worker.
    Returns the running worker."""
    with psycopg.connect(url) as conn:
        after = conn.execute("SELECT coalesce(max(seq), 0) FROM events_event").fetchone()[0]  # type: ignore[index]
        conn.execute(
            """INSERT INTO events_event (id, type, teryt, aggregate, aggregate_id, aggregate_version, occurred_at,
                                         actor, payload, payload_version, request_id)
               SELECT gen_random_uuid(), 'indicator.reported', t.code, 'plan', '1', n, now(), 'bench',
                      jsonb_build_object('indicator_id', n, 'year', 2025, 'value', '10', 'previous', null), 1, ''
               FROM tenants_tenant t CROSS JOIN generate_series(1, %s) n WHERE t.kind = 'gmina'
               ORDER BY n, t.code""",
            [per_gmina],
        )
        count = conn.execute("SELECT count(*) FROM events_event WHERE seq > %s", [after]).fetchone()[0]  # type: ignore[index]
    _, published_in = cli({**env, "EVENT_RELAY_AFTER_SECONDS": "0"}, "events", "relay")
    worker = worker_start(env)
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while not conn.execute(PEAK_DRAINED_SQL, [after]).fetchone()[0] >= count:  # type: ignore[index]
            time.sleep(0.2)
    drained = time.monotonic() - started
    print(
        f"reporting peak: {count} events ({per_gmina} in each gmina), published by the relay in {published_in:.0f} s,"
    )
    print(f"  drained in {drained:.1f} s ({count / drained:.0f} events/s), snapshots and rollups current")
    return worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--peak-per-gmina", type=int, default=0, help="the reporting peak: events in every gmina")
    args = parser.parse_args()
    env = base_env()
    with database(env, "events") as db:
        cli(db, "migrate", "--verbosity", "0")
        cli(db, "load_demo")
        cli(db, "tenants", "provision", "--all")
        cli(db, "aggregation", "rebuild")  # every gmina's snapshot stored, as a running system has them
        url = db["DATABASE_URL"]
        worker = worker_start(db)
        relay = subprocess.Popen([sys.executable, "-m", "mozaika", "events", "relay", "--loop"], env=db, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        peak = 0
        try:
            time.sleep(3)
            with psycopg.connect(url) as conn:
                start_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM events_event").fetchone()[0]  # type: ignore[index]
            count = int(args.rate * args.seconds)
            loader = subprocess.Popen(
                [sys.executable, "-m", "mozaika", "shell", "-c",
                 LOADER.format(interval=1 / args.rate, count=count)],
                env=db, cwd=ROOT,
            )  # fmt: skip
            applied_sql = (
                "SELECT count(*) FROM events_consumedevent c JOIN events_event e ON e.seq = c.event_id "
                "WHERE e.seq > %s AND e.type = 'plan.created' AND c.consumer = 'aggregation.refresh_views'"
            )
            while loader.poll() is None:
                peak = max(peak, worker_rss(psutil.Process(worker.pid)))
                time.sleep(0.5)
            deadline = time.monotonic() + 600
            with psycopg.connect(url, autocommit=True) as conn:
                while conn.execute(applied_sql, [start_seq]).fetchone()[0] < count and time.monotonic() < deadline:  # type: ignore[index]
                    peak = max(peak, worker_rss(psutil.Process(worker.pid)))
                    time.sleep(0.5)
                lags = [
                    row[0]
                    for row in conn.execute(
                        "SELECT extract(epoch FROM c.consumed_at - e.occurred_at) FROM events_consumedevent c "
                        "JOIN events_event e ON e.seq = c.event_id WHERE e.seq > %s AND e.type = 'plan.created' "
                        "AND c.consumer = 'aggregation.refresh_views'",
                        [start_seq],
                    )
                ]
            lags_ms = sorted(float(x) * 1000 for x in lags)
            q = statistics.quantiles(lags_ms, n=100)
            print(f"steady load: {len(lags_ms)} of {count} events at {args.rate}/s for {args.seconds} s, 2 477 tenants")
            print(f"  commit -> consumed (gmina marked stale): p50 {q[49]:.0f}, p95 {q[94]:.0f}, p99 {q[98]:.0f} ms")
            print(f"  worker peak memory (1 process, 2 threads, with children): {peak / 2**20:.0f} MiB")

            # Throughput: a burst enqueued while the worker is stopped, then drained.
            worker.terminate()
            worker.wait(timeout=60)
            with psycopg.connect(url) as conn:
                burst_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM events_event").fetchone()[0]  # type: ignore[index]
            subprocess.run([sys.executable, "-m", "mozaika", "shell", "-c",
                            LOADER.format(interval=0, count=args.burst)],
                           env=db, cwd=ROOT, check=True)  # fmt: skip
            worker = worker_start(db)
            started = time.monotonic()
            with psycopg.connect(url, autocommit=True) as conn:
                # Drained: every event consumed, no snapshot left stale, no rollup left stale.
                while not conn.execute(DRAINED_SQL, [burst_seq]).fetchone()[0] >= args.burst:  # type: ignore[index]
                    time.sleep(0.05)
                drained = time.monotonic() - started
                conn.execute("CREATE TEMP TABLE raw_insert (id bigserial, teryt text, payload jsonb)")
                rows = [("0811082", f'{{"n": {n}}}') for n in range(20_000)]
                t0 = time.monotonic()
                with conn.transaction(), conn.cursor() as cursor:
                    cursor.executemany("INSERT INTO raw_insert (teryt, payload) VALUES (%s, %s)", rows)
                raw = len(rows) / (time.monotonic() - t0)
            applied_rate = args.burst / drained
            distinct = len(set(burst_gminas(url, burst_seq)))
            print(
                f"throughput: {args.burst} events in {distinct} gminas drained in {drained:.1f} s: "
                f"{applied_rate:.0f} events/s by one worker (1 process, 2 threads), snapshots and rollups current"
            )
            print(f"  raw PostgreSQL inserts on this machine: {raw:.0f} rows/s; ratio {applied_rate / raw:.4f}")
            verified, _ = cli(db, "aggregation", "verify")
            print(f"  afterwards: {verified.strip().splitlines()[-1]}")
            probe, _ = cli(db, "shell", "-c", PLANNING_PROBE.format(count=400))
            planning_ms = float(probe.strip().splitlines()[-1])
            floor = distinct * planning_ms / 1000
            print(
                f"  planning the snapshot's queries in a gmina's schema, first time in a connection: "
                f"{planning_ms:.1f} ms; {distinct} gminas: {floor:.1f} s of PostgreSQL's time before any row "
                f"is read (at most {args.burst / floor:.0f} events/s on one core, {2 * args.burst / floor:.0f} "
                "on two)"
            )
            if args.peak_per_gmina:
                worker.terminate()
                worker.wait(timeout=60)
                worker = reporting_peak(db, url, args.peak_per_gmina)
        finally:
            for process in (worker, relay):
                process.terminate()
                process.wait(timeout=60)


if __name__ == "__main__":
    main()
