"""Regional views at national scale: a full rebuild of snapshots and rollups for every gmina
against the straightforward way, then the regional endpoints' latency.

    .venv/bin/python bench/regional_views.py [--requests 500]

Creates and drops a fresh database on the configured PostgreSQL (or the embedded one), provisions
all 2 477 gminas and gives each a plan about Trzebiel's size (bench/regional_seed.py). Then, in
separate processes:
- the straightforward way: a loop over tenants, each plan loaded with ordinary ORM access
  (bench/snapshot_orm.py), computing the same snapshot (nothing stored, which favours it);
- `aggregation rebuild`: batched reading, facts, storing, every rollup.
Both timed inside their process (start-up excluded). Then p50/p99 of the rollup and gmina-list
endpoints next to a trivial authenticated endpoint, requests interleaved. Compare the ratios:
the machine is noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_scale import api_server, base_env, cli, database, server_url

NAIVE = """
import time
from django.db import connection
from mozaika.tenancy import in_gmina
from tenants.models import Tenant, TenantKind
from bench.snapshot_orm import snapshot_by_orm
tenants = list(Tenant.objects.filter(kind=TenantKind.GMINA).order_by("code"))
started = time.perf_counter()
for done, tenant in enumerate(tenants, start=1):
    with in_gmina(tenant.code):
        snapshot_by_orm(teryt=tenant.code)
    if done % 200 == 0:
        connection.close()
print(f"{len(tenants)} {time.perf_counter() - started:.3f}")
"""

FAST = """
import time
from aggregation.views.consistency import views_rebuild
started = time.perf_counter()
drift = views_rebuild()
elapsed = time.perf_counter() - started
print(f"{drift.checked_snapshots} {elapsed:.3f} {drift.checked_rollups}")
"""

SAME = """
import random
from mozaika.tenancy import in_gmina
from aggregation.models import GminaSnapshot
from bench.snapshot_orm import snapshot_by_orm
codes = random.Random(7).sample(list(GminaSnapshot.objects.values_list("gmina_id", flat=True)), 50)
for code in codes:
    with in_gmina(code):
        assert GminaSnapshot.objects.get(gmina_id=code).data == snapshot_by_orm(teryt=code), code
print(len(codes))
"""


def shell(env: dict[str, str], code: str) -> list[str]:
    """The last line `code` printed, split (Django's shell prints its own line first)."""
    output, _ = cli(env, "shell", "-c", code)
    return output.strip().splitlines()[-1].split()


@contextmanager
def seeded_database(env: dict[str, str], reuse: str | None) -> Iterator[dict[str, str]]:
    """A fresh database with every gmina provisioned and seeded, dropped afterwards; or, with
    `reuse`, an existing one left from an earlier run (kept)."""
    if reuse:
        yield {**env, "DATABASE_URL": server_url(env, reuse)}
        return
    with database(env, "regional") as db:
        cli(db, "migrate", "--verbosity", "0")
        cli(db, "load_demo")
        cli(db, "tenants", "provision", "--all")
        seeded, wall = cli(db, "shell", "-c", "import bench.regional_seed as s; s.main()")
        print(f"{seeded.strip().splitlines()[-1]} ({wall:.0f} s wall)")
        yield db


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500, help="requests per endpoint")
    parser.add_argument("--reuse", help="an already seeded database on the same server (not dropped)")
    parser.add_argument(
        "--endpoints-only",
        action="store_true",
        help="skip the straightforward reading (the views are still rebuilt: the endpoints read them)",
    )
    args = parser.parse_args()
    # Measuring the server, not the per-credential rate limit.
    env = {**base_env(), "API_RATE_LIMIT_PER_MINUTE": "10000000"}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with seeded_database(env, args.reuse) as db:
        if args.endpoints_only:
            print("rebuild: {} gminas in {} s, {} rollups".format(*shell(db, FAST)))
        else:
            rebuild_comparison(db)
        endpoint_latency(db, args.requests)


def rebuild_comparison(db: dict[str, str]) -> None:
    naive_count, naive_s = shell(db, NAIVE)
    fast_count, fast_s, rollups = shell(db, FAST)
    checked = shell(db, SAME)[0]
    naive, fast = float(naive_s), float(fast_s)
    print(f"\nfull rebuild, {fast_count} gminas with realistic plans:")
    print(f"  straightforward ORM loop, snapshots only, nothing stored: {naive:.1f} s")
    print(f"  `aggregation rebuild` (snapshots, facts, stored, {rollups} rollups): {fast:.1f} s")
    print(f"  ratio straightforward / rebuild: {naive / fast:.1f}x   (naive counted {naive_count})")
    print(f"  {checked} random stored snapshots equal the straightforward reading")


def endpoint_latency(db: dict[str, str], requests: int) -> None:
    token = cli(db, "issue_token", "demo-operator")[0].strip().splitlines()[-1]
    with api_server(db) as url:
        client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        endpoints = {
            "trivial (registry entry)": "/api/v1/gminas/0811082",
            "regional rollup (14)": "/api/v1/regions/14/rollup",
            "regional gmina list (14, 100 rows)": "/api/v1/regions/14/gminas?limit=100",
            "regional list, filtered+sorted": "/api/v1/regions/14/gminas?kind=rural&sort=-name",
            "national rollup": "/api/v1/national/rollup",
            "national gmina list (100 rows)": "/api/v1/national/gminas?limit=100&sort=-period_end",
            "regional data quality (14)": "/api/v1/regions/14/data-quality",
            "gmina data quality": "/api/v1/gminas/1465011/data-quality",
        }
        timings: dict[str, list[float]] = {name: [] for name in endpoints}
        for round_ in range(requests + 20):
            for name, path in endpoints.items():
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (path, response.text[:300])
                if round_ >= 20:  # warm-up excluded
                    timings[name].append(elapsed)
    base = statistics.median(timings["trivial (registry entry)"])
    print(f"\nendpoints, {requests} requests each, interleaved, every gmina a tenant, 1 gunicorn worker:")
    for name, values in timings.items():
        print(
            f"  {name:38s} p50 {percentile(values, 50):6.1f} ms  p99 {percentile(values, 99):6.1f} ms  "
            f"p50 ratio to trivial {statistics.median(values) / base:.2f}"
        )


if __name__ == "__main__":
    main()
