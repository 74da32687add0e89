"""The eligibility API and call evaluation at national scale (every gmina a tenant with a plan).

    .venv/bin/python bench/eligibility.py [--reuse DB] [--seconds 20]

On a seeded database (bench/regional_seed.py; `--reuse` an existing one, else a fresh one is
made and dropped), with the product's API (gunicorn, 2 workers, as `make run`) and one dramatiq
worker (2 threads) as separate processes:
1. a national call with one criterion of every rule kind is defined through the API; the time
   until its background evaluation of every gmina has finished;
2. requests per second, closed loop with 4 client threads, of `GET /eligibility/{teryt}?call=..`
   (random gminas) against a trivial authenticated endpoint (one registry entry), in alternating
   phases so machine noise hits both;
3. latency at a fixed arrival rate of 200 requests/s (open loop: each latency counts from the
   request's scheduled start, so a stall is not hidden), eligibility and trivial;
4. `POST /eligibility:batch` with 1 000 gminas, against 1 000 single requests' worth of time.
The client runs on the same 2 cores as the server: compare the ratios.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_scale import ROOT, api_server, base_env, cli
from regional_views import seeded_database

CRITERIA = [
    {"code": "D1", "name": "przyjęty", "type": "access", "rule": "plan_adopted", "params": {"act_kind": "any"}},
    {"code": "D2", "name": "w mocy", "type": "access", "rule": "plan_in_force"},
    {"code": "D3", "name": "rok", "type": "access", "rule": "plan_period_covers_year", "params": {"year": 2026}},
    {"code": "D4", "name": "obszar", "type": "access", "rule": "plan_covers_area"},
    {"code": "P1", "name": "wskaźniki", "type": "bonus", "points": 2, "rule": "area_indicators",
     "params": {"area": "seniors", "min_count": 1}},
    {"code": "P2", "name": "usługa", "type": "bonus", "points": 2, "rule": "service_planned",
     "params": {"service_type": "care_at_home"}},
    {"code": "P3", "name": "monitoring", "type": "bonus", "points": 1, "rule": "monitoring_values_complete"},
    {"code": "P4", "name": "sprawozdanie", "type": "bonus", "points": 1, "rule": "yearly_report_filed"},
    {"code": "P5", "name": "archiwum", "type": "bonus", "points": 1, "rule": "resolution_archived"},
    {"code": "P6", "name": "działania", "type": "bonus", "points": 3, "rule": "project_within_plan",
     "params": {"require_actions": False}},
]  # fmt: skip
TRIVIAL = "/api/v1/gminas/0811082"


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def define_and_wait(client: httpx.Client, code: str) -> tuple[float, dict[str, Any]]:
    body = {
        "code": code, "title": "Nabór testowy", "programme": "FERS", "voivodeship": None, "opens_on": "2026-01-01",
        "deadline": "2027-12-31", "applicant_kinds": ["gmina", "city_with_powiat_rights"],
        "areas": ["seniors", "family"], "criteria": CRITERIA,
    }  # fmt: skip
    started = time.perf_counter()
    response = client.post("/api/v1/calls", json=body)
    assert response.status_code == 201, response.text
    deadline = started + 300
    while time.perf_counter() < deadline:
        counts = client.get(f"/api/v1/calls/{code}").json()["evaluations"]
        if counts["evaluated"] == counts["in_scope"]:
            return time.perf_counter() - started, counts
        time.sleep(0.1)
    raise SystemExit(f"the call's evaluation did not finish in 300 s: {counts}")


def light_get(url: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One GET with the standard library's client: a fraction of httpx's CPU per request, which
    matters when the client shares the server's two cores (gunicorn closes each connection)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def closed_loop(url: str, headers: dict[str, str], paths: list[str], seconds: float, threads: int = 4) -> float:
    """Requests per second with `threads` clients each sending the next request on an answer."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def run(slot: int) -> None:
        rng = random.Random(slot)
        while time.perf_counter() < stop:
            status, body = light_get(url, rng.choice(paths), headers)
            assert status == 200, body[:300]
            done[slot] += 1

    workers = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)


def open_loop(url: str, headers: dict[str, str], paths: list[str], rate: float, seconds: float) -> list[float]:
    """Latencies at a fixed arrival rate: requests are scheduled every 1/rate s and picked up by
    a pool of client threads; each latency counts from the scheduled start, so a request that
    waited for a free client (the server being slow) is not hidden."""
    rng = random.Random(7)
    schedule: queue.Queue[tuple[float, str] | None] = queue.Queue()
    latencies: list[float] = []
    failures: list[str] = []

    def client_thread() -> None:
        while (item := schedule.get()) is not None:
            scheduled, path = item
            status, body = light_get(url, path, headers)
            if status != 200:
                failures.append(f"{status} {body[:200]!r}")
            latencies.append(time.perf_counter() - scheduled)

    clients = [threading.Thread(target=client_thread) for _ in range(32)]
    for thread in clients:
        thread.start()
    start = time.perf_counter() + 0.1
    for n in range(int(rate * seconds)):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        schedule.put((scheduled, rng.choice(paths)))
    for _ in clients:
        schedule.put(None)
    for thread in clients:
        thread.join()
    assert not failures, failures[:3]
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", help="an already seeded database on the same server (not dropped)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each load phase")
    parser.add_argument("--api-workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--no-rebuild", action="store_true", help="with --reuse: snapshots are current")
    parser.add_argument("--rate", type=float, default=200, help="open-loop arrival rate, requests/s")
    args = parser.parse_args()
    env = {**base_env(), "API_RATE_LIMIT_PER_MINUTE": "10000000"}  # the server, not the rate limit
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with seeded_database(env, args.reuse) as db:
        cli(db, "migrate", "--shared", "--verbosity", "0")
        cli(db, "tenants", "migrate")
        if not args.no_rebuild:
            _, rebuilt = cli(db, "aggregation", "rebuild")
            print(f"snapshots rebuilt for every gmina ({rebuilt:.0f} s)")
        token = cli(db, "issue_token", "demo-operator")[0].strip().splitlines()[-1]
        listed, _ = cli(db, "shell", "-c", "from aggregation.models import GminaSnapshot as S; "
                        "print(' '.join(S.objects.values_list('gmina_id', flat=True)))")  # fmt: skip
        teryts = listed.strip().splitlines()[-1].split()
        worker = subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "mozaika.site.worker", "--processes", "1", "--threads", "2"],
            env=db, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            with api_server(db, workers=args.api_workers) as url:
                measure(url, token, teryts, args.seconds, args.rate)
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def measure(url: str, token: str, teryts: list[str], seconds: float, rate: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    client = httpx.Client(base_url=url, headers=headers, timeout=60)
    code = f"BENCH.{uuid.uuid4().hex[:4].upper()}"
    elapsed, counts = define_and_wait(client, code)
    print(f"\n1. national call over {counts['in_scope']} gminas: every evaluation stored {elapsed:.1f} s after the "
          f"POST ({counts['eligible']} eligible); target <= 30 s")  # fmt: skip

    eligibility = [f"/api/v1/eligibility/{t}?call={code}&area=seniors" for t in teryts]
    for path in (TRIVIAL, eligibility[0]):  # warm-up
        for _ in range(50):
            assert light_get(url, path, headers)[0] == 200
    trivial_rps, eligibility_rps = [], []
    for _ in range(3):
        trivial_rps.append(closed_loop(url, headers, [TRIVIAL], seconds / 3))
        eligibility_rps.append(closed_loop(url, headers, eligibility, seconds / 3))
    trivial, answered = statistics.median(trivial_rps), statistics.median(eligibility_rps)
    print("\n2. closed loop, 4 client threads, 3 alternating phases each (median):")
    print(f"   trivial endpoint       {trivial:6.0f} requests/s")
    print(f"   eligibility for a call {answered:6.0f} requests/s   ratio {answered / trivial:.2f}  (target >= 0.80)")

    print(f"\n3. open loop at {rate:.0f} requests/s for {seconds:.0f} s each:")
    for name, paths in (("trivial endpoint", [TRIVIAL]), ("eligibility for a call", eligibility)):
        latencies = open_loop(url, headers, paths, rate, seconds)
        print(f"   {name:22s} p50 {percentile(latencies, 50):6.1f} ms  p99 {percentile(latencies, 99):6.1f} ms  "
              f"({len(latencies)} requests)")  # fmt: skip
    print("   target: eligibility p99 <= 50 ms")

    rng = random.Random(11)
    timings = []
    for _ in range(10):
        items = [{"teryt": t, "area": "seniors"} for t in rng.sample(teryts, 1000)]
        started = time.perf_counter()
        response = client.post("/api/v1/eligibility:batch", json={"call": code, "items": items})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
        assert len(response.json()["answers"]) == 1000
    single = statistics.median([_timed(url, path, headers) for path in rng.sample(eligibility, 200)])
    batch = statistics.median(timings)
    print(f"\n4. batch of 1 000 gminas, 10 requests: median {batch * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
          f"(target <= 500 ms); 1 000 single requests would take {single * 1000 * 1000:.0f} ms sequentially "
          f"(ratio {single * 1000 / batch:.1f}x)")  # fmt: skip


def _timed(url: str, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    assert light_get(url, path, headers)[0] == 200
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
