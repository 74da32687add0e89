"""Provisioning from two processes at once (the real CLI, against a fresh database): every
schema is created exactly once and no tenant is left half-created."""

from __future__ import annotations

import re
import subprocess
import sys

import psycopg

from tests.support import product_env, run_cli, server_url

LUBUSKIE_GMINAS = 82


def count(output: str, outcome: str) -> int:
    found = re.search(rf"{outcome}: (\d+)", output)
    assert found is not None, output
    return int(found.group(1))


def test_two_concurrent_provisioning_runs_create_each_schema_once(fresh_database: str) -> None:
    assert run_cli(fresh_database, "migrate", "--verbosity", "0").returncode == 0
    assert run_cli(fresh_database, "registry", "import").returncode == 0
    command = [sys.executable, "-m", "mozaika", "tenants", "provision", "--voivodeship", "08"]
    runs = [
        subprocess.Popen(
            command, env=product_env(fresh_database), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum(count(out, "created") for out, _ in outputs) == LUBUSKIE_GMINAS
    assert sum(count(out, "existed") for out, _ in outputs) == LUBUSKIE_GMINAS
    with psycopg.connect(server_url(fresh_database)) as conn:
        tenants = conn.execute("SELECT count(*) FROM tenants_tenant").fetchone()
        schemas = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname ~ '^g08[0-9]{5}$'").fetchone()
        complete = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'plans_plan' AND n.nspname ~ '^g08'"
        ).fetchone()
        events = conn.execute("SELECT count(*) FROM events_event WHERE type = 'tenant.provisioned'").fetchone()
    assert tenants == schemas == complete == events == (LUBUSKIE_GMINAS,)
