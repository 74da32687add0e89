"""What Mozaika's request path costs against the framework's floor, on the same gunicorn.

    .venv/bin/python bench/request_path.py [--rounds 5] [--seconds 5] [--open-seconds 10]

Two servers, each gunicorn with 2 sync workers and Mozaika's gunicorn configuration (as
`make run` starts the API):
- the floor: Django and django-ninja with bearer auth answering one JSON object, no tenancy,
  no database (`bench/floor/`);
- Mozaika on a fresh database with the demo data: `GET /api/v1/gminas/0811082` (an
  authenticated registry read) and an eligibility answer for a demo call
  (`GET /api/v1/eligibility/0811082?call=BENCH.…&area=seniors`, the demo API client's secret,
  for a national call the benchmark defines first).
Closed loop, 4 client threads, the three interleaved in `--rounds` rounds so that machine noise
hits all alike; the medians are printed as ratios of the floor. Then the eligibility answer's
latency at fixed arrival rates, by default half the floor's closed-loop maximum (open loop:
latency from each request's scheduled start; `--open-fractions 0.3,0.4,0.5` for several).
The client shares the server's two cores: read the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import uuid
from contextlib import AbstractContextManager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eligibility import closed_loop, define_and_wait, light_get, open_loop, percentile
from national_scale import PYTHON, ROOT, api_server, base_env, cli, database

REGISTRY = "/api/v1/gminas/0811082"
CALL = f"BENCH.{uuid.uuid4().hex[:4].upper()}"
ELIGIBILITY = f"/api/v1/eligibility/0811082?call={CALL}&area=seniors"
FLOOR = "/api/v1/floor"


def gunicorn(env: dict[str, str], app: str) -> AbstractContextManager[str]:
    """2 sync workers with Mozaika's gunicorn configuration, as `make run` starts the API."""
    return api_server(env, 2, app, "--config", "python:mozaika.gunicorn_conf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5, help="length of each closed-loop phase")
    parser.add_argument("--open-seconds", type=float, default=10, help="length of the open-loop phase")
    parser.add_argument(
        "--open-fractions", default="0.5", help="open-loop rates as fractions of the floor, e.g. 0.3,0.5"
    )
    args = parser.parse_args()
    env = {**base_env(), "API_RATE_LIMIT_PER_MINUTE": "100000000"}  # counted as always, never refused
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with database(env, "request") as db:
        cli(db, "migrate", "--verbosity", "0")
        cli(db, "load_demo")
        cli(db, "load_demo_calls")
        cli(db, "aggregation", "rebuild")
        person = cli(db, "issue_token", "demo-operator")[0].strip().splitlines()[-1]
        client = cli(db, "client_secret", "demo-funding-system")[0].strip().splitlines()[-1]
        floor_env = {**db, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}
        with gunicorn(floor_env, "bench.floor.wsgi:application") as floor_url, \
                gunicorn(db, "mozaika.site.wsgi:application") as mozaika_url:  # fmt: skip
            phases = {
                "floor (ninja, bearer, one JSON object)": (floor_url, {"Authorization": "Bearer floor"}, FLOOR),
                "registry read (GET /gminas/0811082)": (mozaika_url, {"Authorization": f"Bearer {person}"}, REGISTRY),
                "eligibility answer (API client)": (mozaika_url, {"Authorization": f"Bearer {client}"}, ELIGIBILITY),
            }
            operator = httpx.Client(base_url=mozaika_url, headers={"Authorization": f"Bearer {person}"}, timeout=60)
            worker = subprocess.Popen([PYTHON, "-m", "dramatiq", "mozaika.site.worker", "--processes", "1"],
                                      env=db, cwd=ROOT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)  # fmt: skip
            try:
                define_and_wait(operator, CALL)  # a national call, evaluated for every gmina
            finally:  # stopped before measuring: an idle worker polls the broker
                worker.terminate()
                worker.wait(timeout=60)
            for url, headers, path in phases.values():  # warm-up: every worker's caches and connections
                for _ in range(100):
                    status, body = light_get(url, path, headers)
                    assert status == 200, body[:300]
            rates: dict[str, list[float]] = {name: [] for name in phases}
            for _ in range(args.rounds):
                for name, (url, headers, path) in phases.items():
                    rates[name].append(closed_loop(url, headers, [path], args.seconds))
            medians = {name: statistics.median(values) for name, values in rates.items()}
            floor = next(iter(medians.values()))
            print(f"\nclosed loop, 4 client threads, {args.rounds} interleaved rounds of {args.seconds:.0f} s:")
            for name, rate in medians.items():
                spread = f"{min(rates[name]):.0f}-{max(rates[name]):.0f}"
                print(f"  {name:40s} {rate:6.0f} requests/s ({spread})  ratio {rate / floor:.2f}")
            print("  targets: registry read >= 0.50 of the floor, eligibility >= 0.40")

            url, headers, path = phases["eligibility answer (API client)"]
            print(
                f"\nopen loop, eligibility, {args.open_seconds:.0f} s each (target: p99 <= 50 ms at 0.5 of the floor):"
            )
            for fraction in (float(f) for f in args.open_fractions.split(",")):
                latencies = open_loop(url, headers, [path], floor * fraction, args.open_seconds)
                print(f"  at {floor * fraction:5.0f} requests/s ({fraction:.2f} of the floor): "
                      f"p50 {percentile(latencies, 50):7.1f} ms, p99 {percentile(latencies, 99):7.1f} ms "
                      f"({len(latencies)} requests)")  # fmt: skip


if __name__ == "__main__":
    main()
