"""National scale: provisioning 2 477 gminas, one new migration for all, API latency after.

    .venv/bin/python bench/national_scale.py [--sample 20] [--requests 300]

Runs against the configured PostgreSQL (DATABASE_URL) or the embedded one, in two fresh
databases it creates and drops: `small` (the 4 demo tenants) and `big` (every gmina). Prints
per-tenant times and ratios against baselines measured in the same run; the machine is noisy,
so compare the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def base_env() -> dict[str, str]:
    """The environment for every process of the run. Without DATABASE_URL / BROKER_URL this
    process starts the embedded servers and holds them until it ends."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    data_dir = Path(env.setdefault("MOZAIKA_DATA_DIR", str(ROOT / ".mozaika" / "bench")))
    from mozaika.embedded import embedded_broker_url, embedded_database_url

    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded_database_url(data_dir)
    if not env.get("BROKER_URL"):
        env["BROKER_URL"] = embedded_broker_url(data_dir)
    return env


def server_url(env: dict[str, str], database: str) -> str:
    """DATABASE_URL with another database name."""
    parts = urlsplit(env["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def cli(env: dict[str, str], *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    result = subprocess.run([PYTHON, "-m", "mozaika", *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"mozaika {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout, time.perf_counter() - started


@contextmanager
def database(env: dict[str, str], label: str) -> Iterator[dict[str, str]]:
    name = f"mozaika_bench_{label}_{uuid.uuid4().hex[:6]}"
    admin = server_url(env, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": server_url(env, name)}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(
    env: dict[str, str], workers: int = 1, app: str = "mozaika.site.wsgi:application", *options: str
) -> Iterator[str]:
    """gunicorn serving `app` (with extra gunicorn `options`), once its `/healthz` answers."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            *options,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=20, help="tenants provisioned the plain django-tenants way")
    parser.add_argument("--requests", type=int, default=300, help="API requests per configuration")
    args = parser.parse_args()
    env = base_env()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    with database(env, "small") as small, database(env, "big") as big:
        for db in (small, big):
            cli(db, "migrate", "--verbosity", "0")
            cli(db, "load_demo")

        # Provisioning: the library's way on a sample, then Mozaika's replay for all the rest.
        with psycopg.connect(big["DATABASE_URL"]) as conn:
            codes = [
                r[0]
                for r in conn.execute(
                    "SELECT teryt FROM tenants_gmina WHERE kind IN ('urban','rural','urban_rural') AND is_active "
                    "AND teryt NOT IN (SELECT code FROM tenants_tenant) ORDER BY teryt"
                )
            ]
        sample = codes[:: max(1, len(codes) // args.sample)][: args.sample]
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "baseline_provision.py"), *sample],
            env=big,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        plain = [float(line.split()[1]) for line in out.splitlines() if line.strip()]
        output, wall = cli(big, "tenants", "provision", "--all")
        created = int(re.search(r"created: (\d+)", output).group(1))  # type: ignore[union-attr]
        with psycopg.connect(big["DATABASE_URL"]) as conn:
            total = conn.execute("SELECT count(*) FROM tenants_tenant").fetchone()[0]  # type: ignore[index]
        replay = wall / created
        print(f"\nprovisioning: {total} tenants in the big database")
        print(
            f"  plain django-tenants (auto_create_schema), {len(plain)} sampled: "
            f"median {statistics.median(plain) * 1000:.0f} ms/tenant"
        )
        print(
            f"  Mozaika replay, `tenants provision --all` for {created}: {wall:.1f} s wall, "
            f"{replay * 1000:.0f} ms/tenant (process start included)"
        )
        print(f"  ratio plain / replay: {statistics.median(plain) / replay:.1f}x")
        print(f"  all {created + len(plain) + 4} gminas would take {wall + sum(plain):.0f} s with this mix")

        # A new migration for every tenant.
        v2 = {**big, "MOZAIKA_BENCH_MIGRATIONS": "v2"}
        output, wall = cli(v2, "tenants", "migrate")
        print(f"\nnew migration for all tenants: {wall:.1f} s wall ({output.strip()})")
        output, wall_noop = cli(v2, "tenants", "migrate")
        print(f"  again, nothing to do (pre-check only): {wall_noop:.1f} s wall ({output.strip()})")

        # API latency, 4 tenants vs all of them, requests alternating between the two servers.
        for db in (small, big):
            cli(db, "tenants", "provision", "--teryt", "0811082")
        token = {
            k: cli(db, "issue_token", "demo-operator")[0].strip().splitlines()[-1]
            for k, db in (("small", small), ("big", big))
        }
        with api_server(small) as small_url, api_server(big) as big_url:
            clients = {
                "small": httpx.Client(base_url=small_url, headers={"Authorization": f"Bearer {token['small']}"}),
                "big": httpx.Client(base_url=big_url, headers={"Authorization": f"Bearer {token['big']}"}),
            }
            plan_ids = {k: c.get("/api/v1/gminas/0811082/plans").json()[0]["id"] for k, c in clients.items()}
            timings: dict[str, list[float]] = {"small": [], "big": []}
            for round_ in range(args.requests + 30):
                for key in ("small", "big") if round_ % 2 else ("big", "small"):
                    started = time.perf_counter()
                    response = clients[key].get(f"/api/v1/gminas/0811082/plans/{plan_ids[key]}")
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    if round_ >= 30:  # warm-up excluded
                        timings[key].append(elapsed)
        p50 = {k: statistics.median(v) * 1000 for k, v in timings.items()}
        print(f"\nAPI p50, GET one plan of Trzebiel ({args.requests} requests each, alternating):")
        print(
            f"  4 tenants: {p50['small']:.1f} ms; {total} tenants: {p50['big']:.1f} ms; "
            f"ratio {p50['big'] / p50['small']:.2f}"
        )


if __name__ == "__main__":
    main()
