"""The event backbone with real processes: a poisoned event ends in the dead-letter place while
others flow; an API that dies between commit and publish is covered by the relay; a worker
killed with SIGKILL in the middle of 1 000 events loses nothing and applies nothing twice."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.e2e.conftest import Product
from tests.support import (
    TRZEBIEL,
    adoption_form,
    free_port,
    plan_body,
    product_env,
    server_url,
    wait_until,
)

pytestmark = pytest.mark.e2e


def token(product: Product, username: str) -> str:
    return product.manage("issue_token", username).strip().splitlines()[-1]


def count(product: Product, sql: str) -> int:
    with psycopg.connect(product.env["DATABASE_URL"]) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.product_env(EVENT_MAX_RETRIES="1", EVENT_MIN_BACKOFF_MS="100", EVENT_MAX_BACKOFF_MS="200")
def test_a_poisoned_event_ends_in_the_dead_letters_and_the_others_keep_flowing(product: Product) -> None:
    # An adoption naming a document that does not exist: the archive consumer fails every time.
    product.shell(
        "from django.db import transaction\n"
        "from mozaika.events.bus import event_record\n"
        "from tenants.plans.events import PLAN_ADOPTED\n"
        "payload = {key: None for key in PLAN_ADOPTED.payload.__required_keys__} | {'documents': [{'id': 999999}]}\n"
        "with transaction.atomic():\n"
        f"    event_record(type=PLAN_ADOPTED, teryt='{TRZEBIEL}', aggregate='plan', aggregate_id=1,"
        " aggregate_version=99, actor='test', payload=payload)"
    )
    gmina = product.client(token(product, "demo-trzebiel-admin"))
    created = gmina.post(f"/api/v1/gminas/{TRZEBIEL}/plans", json=plan_body())
    assert created.status_code == 201

    wait_until(lambda: count(product, "SELECT count(*) FROM events_deadletter") == 1, timeout=60, what="dead letter")
    listing = product.manage("events", "dead-letters")
    assert "plans.archive_documents" in listing
    assert "DoesNotExist" in listing
    metrics = httpx.get(f"{product.base_url}/metrics").text
    assert re.search(r"^mozaika_dead_letters 1\.0$", metrics, re.MULTILINE)
    # The plan created meanwhile reached the aggregation consumer all the same.
    wait_until(
        lambda: count(product, "SELECT count(*) FROM events_consumedevent c JOIN events_event e ON e.seq = c.event_id "
                      "WHERE e.type = 'plan.created' AND c.consumer = 'aggregation.refresh_views'") >= 1,
        timeout=60, what="the plan.created event to be applied",
    )  # fmt: skip


def test_an_api_dying_between_commit_and_publish_is_covered_by_the_relay(product: Product) -> None:
    _, plan = product.accepted_plan()
    gmina_token = product.token("demo-trzebiel-admin")
    reviewer = product.client(product.token("demo-lubuskie-reviewer"))
    plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
    # A second API process that dies right after committing, before it can publish.
    port = free_port()
    faulty = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mozaika.site.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-control-socket"],
        env={**product.env, "MOZAIKA_FAULT_INJECTION": "crash_before_publish"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200, timeout=60)
        form = adoption_form()
        upload = form.pop("resolution")
        with pytest.raises(httpx.HTTPError):
            httpx.post(
                f"http://127.0.0.1:{port}{plans}/{plan['id']}/adoption",
                data=form,
                files={"resolution": (upload.name, upload.read(), "application/pdf")},
                headers={"Authorization": f"Bearer {gmina_token}"},
                timeout=30,
            )
    finally:
        faulty.kill()
        faulty.wait()
    assert count(product, "SELECT count(*) FROM events_event WHERE type = 'plan.adopted' AND published_at IS NULL") == 1

    def region_sees_it() -> bool:
        return bool(reviewer.get("/api/v1/regions/08/rollup").json()["gminas_with_plan_in_force"] == 1)

    wait_until(region_sees_it, timeout=60, what="the relay to publish and the rollup to catch up")
    assert count(product, "SELECT count(*) FROM events_event WHERE type = 'plan.adopted' AND published_at IS NULL") == 0


BATCH = 1000
APPLIED = (
    "SELECT count(*) FROM events_consumedevent c JOIN events_event e ON e.seq = c.event_id "
    "WHERE e.type LIKE 'indicator.%%' AND c.consumer = 'aggregation.refresh_views'"
)


def start_worker(env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "mozaika.site.worker", "--processes", "1", "--threads", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def count_in(database: str, sql: str) -> int:
    with psycopg.connect(server_url(database)) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def applied(database: str) -> int:
    return count_in(database, APPLIED.replace("%%", "%"))


@pytest.mark.timeout(900)
def test_a_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(fresh_database: str, tmp_path: Path) -> None:
    # Redis requeues a dead worker's messages once its heartbeat is this old.
    env = product_env(fresh_database, BROKER_HEARTBEAT_TIMEOUT_MS="3000", BROKER_MAINTENANCE_CHANCE="1000000")
    for command in (["migrate", "--verbosity", "0"], ["load_demo"]):
        assert subprocess.run([sys.executable, "-m", "mozaika", *command], env=env, capture_output=True,
                              timeout=600, check=False).returncode == 0  # fmt: skip
    generate = subprocess.run(
        [sys.executable, "-m", "mozaika", "shell", "-c",
         "from decimal import Decimal\n"
         "from django_tenants.utils import schema_context\n"
         "from mozaika.audit.log import Actor\n"
         "from tenants.plans.models import Indicator\n"
         "from tenants.plans.reporting import indicator_value_report\n"
         f"with schema_context('g{TRZEBIEL}'):\n"
         "    indicators = list(Indicator.objects.order_by('pk'))\n"
         f"    for n in range({BATCH}):\n"
         "        i = indicators[n % len(indicators)]\n"
         f"        indicator_value_report(teryt='{TRZEBIEL}', plan_id=i.plan_id, indicator_id=i.pk,"
         " year=2024 + n % 6, value=Decimal(n), note='', actor=Actor.system('load'))"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert generate.returncode == 0, generate.stderr

    with open(tmp_path / "worker.log", "wb") as log:
        first = start_worker(env, log)
        try:
            wait_until(lambda: applied(fresh_database) >= 100, timeout=180, what="the worker to be under way")
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process and its children
            first.wait()
        killed_at = applied(fresh_database)
        assert killed_at < BATCH, "the batch finished before the kill: nothing was tested"

        second = start_worker(env, log)
        try:
            wait_until(lambda: applied(fresh_database) == BATCH, timeout=300, interval=1, what="every event applied")
            # Rollup refreshes run a moment after the events that made them stale.
            wait_until(lambda: count_in(fresh_database, "SELECT count(*) FROM aggregation_stalerollup") == 0,
                       timeout=60, what="the stale rollups to be refreshed")  # fmt: skip
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=60)

    # Each event applied exactly once (the consumed-event record is unique per consumer and event),
    # and the incremental views equal a full recomputation from the tenants' data.
    assert applied(fresh_database) == BATCH
    verify = subprocess.run([sys.executable, "-m", "mozaika", "aggregation", "verify"], env=env,
                            capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "0 difference(s)" in verify.stdout
