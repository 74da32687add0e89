"""From a change's HTTP answer to the views a reviewer reads: the gmina's snapshot, its
voivodeship's rollup and the national rollup (issue 18).

    .venv/bin/python bench/view_freshness.py [--trials 20] [--load 20]
    # on RabbitMQ and the PostgreSQL server:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BROKER_URL=amqp://guest:guest@127.0.0.1:5672/%2F \\
      COUNTER_STORE_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/view_freshness.py

The whole product as `make run` starts it (`python -m mozaika serve`: gunicorn with 2 workers,
a dramatiq worker with 4 threads, the relay) on a fresh database with the demo data. A trial is
one indicator value reported through the API for Trzebiel's plan; its freshness runs from the
HTTP answer to the moment both rollups were computed after the snapshot that holds the change
was stored (a snapshot read after the event). Polled every 2 ms. `--trials` idle trials,
then as many while a loader creates plans in the other demo gminas at `--load` events/s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_scale import PYTHON, ROOT, base_env, cli, database, free_port

TRZEBIEL = "0811082"
_VALUES = itertools.count(1)
LOADER = """
import time
from mozaika.audit.log import Actor
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea
from tenants.plans.programme.services import plan_create
gminas, actor, interval = ["0862011", "1261011", "3261011"], Actor.system("bench"), {interval}
started, n = time.monotonic(), 0
while True:
    pause = started + n * interval - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    teryt = gminas[n % 3]
    with in_gmina(teryt):
        plan_create(teryt=teryt, title="obciążenie", period_start=2025, period_end=2027,
                    areas=[InterventionArea.SENIORS], indicators=[], actor=actor)
    n += 1
"""
# The gmina's snapshot read after the change committed (its reading began later), and both
# rollups computed after that snapshot was stored.
SEEN = """
    SELECT s.refreshed_at,
           (SELECT refreshed_at FROM aggregation_rollup WHERE scope = 'voivodeship:08'),
           (SELECT refreshed_at FROM aggregation_rollup WHERE scope = 'national')
    FROM events_event e
    JOIN aggregation_gminasnapshot s ON s.teryt = e.teryt AND s.refreshed_at > e.occurred_at
    WHERE e.seq = %s"""


def newest_report(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    row = conn.execute("SELECT max(seq) FROM events_event WHERE teryt = %s "
                       "AND type IN ('indicator.reported', 'indicator.corrected')", [TRZEBIEL]).fetchone()  # fmt: skip
    return int(row[0]) if row and row[0] else 0


def trials(api: httpx.Client, url: str, path: str, years: list[int], count: int) -> list[float]:
    ages = []
    with psycopg.connect(url, autocommit=True) as conn:
        for n in range(count):
            before = newest_report(conn)
            # A value never reported before: the same value again changes nothing, and records nothing.
            response = api.post(path, json={"year": years[n % len(years)], "value": next(_VALUES)})
            answered = time.perf_counter()
            assert response.status_code == 201, response.text
            seq = newest_report(conn)
            assert seq > before
            deadline = answered + 30
            while True:
                row = conn.execute(SEEN, [seq]).fetchone()
                if row and row[1] and row[2] and row[1] > row[0] and row[2] > row[0]:
                    ages.append(time.perf_counter() - answered)
                    break
                if time.perf_counter() > deadline:
                    raise SystemExit(f"trial {n}: the views did not show the change within 30 s")
                time.sleep(0.002)
            time.sleep(0.3)  # the next trial starts after a quiet spell
    return ages


def summary(name: str, ages: list[float]) -> str:
    ms = sorted(a * 1000 for a in ages)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return (
        f"  {name:34s} p50 {statistics.median(ms):5.0f} ms  p95 {p95:5.0f} ms  max {ms[-1]:5.0f} ms  ({len(ms)} trials)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--load", type=float, default=20, help="background events per second")
    args = parser.parse_args()
    env = base_env()
    broker = env["BROKER_URL"].split(":", 1)[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, broker {broker}")
    with database(env, "fresh") as db:
        cli(db, "migrate", "--verbosity", "0")
        port = free_port()
        serve = subprocess.Popen([PYTHON, "-m", "mozaika", "serve", "--port", str(port)], env=db, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        loader: subprocess.Popen[bytes] | None = None
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or serve.poll() is not None:
                    raise SystemExit("the product did not start")
                time.sleep(0.5)
            token = cli(db, "issue_token", "demo-trzebiel-admin")[0].strip().splitlines()[-1]
            api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            plan = api.get(f"/api/v1/gminas/{TRZEBIEL}/plans/1").json()
            indicator = plan["indicators"][0]["id"]
            years = list(range(plan["period_start"], plan["period_end"] + 1))
            path = f"/api/v1/gminas/{TRZEBIEL}/plans/1/indicators/{indicator}/values"
            trials(api, db["DATABASE_URL"], path, years, 3)  # warm-up
            idle = trials(api, db["DATABASE_URL"], path, years, args.trials)
            loader = subprocess.Popen([PYTHON, "-m", "mozaika", "shell", "-c",
                                       LOADER.format(interval=1 / args.load)], env=db, cwd=ROOT)  # fmt: skip
            time.sleep(2)
            loaded = trials(api, db["DATABASE_URL"], path, years, args.trials)
            print("HTTP answer -> gmina snapshot, voivodeship and national rollups (target: max <= 500 ms):")
            print(summary("idle", idle))
            print(summary(f"with {args.load:.0f} events/s in other gminas", loaded))
        finally:
            if loader is not None:
                loader.terminate()
                loader.wait(timeout=30)
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=60)


if __name__ == "__main__":
    main()
