"""End-to-end fixtures: a fresh database on the same PostgreSQL server as the tests, migrated and
loaded by the real CLI; the API (gunicorn) and a dramatiq worker as separate processes; the
archive on moto's S3 server. Nothing here is mocked."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import TRZEBIEL, MotoS3, complete_programme, free_port, plan_body, product_env, wait_until


@dataclass
class Product:
    base_url: str
    env: dict[str, str]
    bucket: str
    s3: MotoS3
    logs: Path

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "mozaika", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python in the product's Django (`python -m mozaika shell -c`)."""
        return self.manage("shell", "-c", code)

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def token(self, username: str) -> str:
        return self.manage("issue_token", username).strip().splitlines()[-1]

    def accepted_plan(self) -> tuple[httpx.Client, dict[str, Any]]:
        """Trzebiel's clerk drafts a complete plan and submits it; lubuskie's reviewer accepts it.
        The clerk's client and the plan as created."""
        gmina, reviewer = (
            self.client(self.token("demo-trzebiel-admin")),
            self.client(self.token("demo-lubuskie-reviewer")),
        )
        plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
        plan: dict[str, Any] = gmina.post(plans, json=plan_body()).json()
        gmina.put(
            f"{plans}/{plan['id']}/programme", json=complete_programme(), headers={"If-Match": f'"{plan["version"]}"'}
        )
        gmina.post(f"{plans}/{plan['id']}/submission")
        reviewer.post(f"{plans}/{plan['id']}/review", json={"decision": "accept"})
        return gmina, plan


@pytest.fixture
def product(request: pytest.FixtureRequest, fresh_database: str, moto_s3: MotoS3, tmp_path: Path) -> Iterator[Product]:
    """The whole product on a fresh database. `@pytest.mark.product_env(NAME=value)` adds
    environment variables (retries, timeouts) for one test."""
    bucket = moto_s3.create_bucket(f"mozaika-e2e-{uuid.uuid4().hex[:8]}")
    port = free_port()
    marker = request.node.get_closest_marker("product_env")
    extra = marker.kwargs if marker else {}
    env = product_env(fresh_database, **moto_s3.env(), ARCHIVE_S3_BUCKET=bucket, EVENT_RELAY_AFTER_SECONDS="2", **extra)
    product = Product(f"http://127.0.0.1:{port}", env, bucket, moto_s3, tmp_path)
    # The same supervisor as `make run`: it migrates, loads the demo data and runs the API
    # (gunicorn), a dramatiq worker and the event relay as separate processes.
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115  (closed at teardown)
    serve = subprocess.Popen(
        [sys.executable, "-m", "mozaika", "serve", "--port", str(port), "--api-workers", "2", "--worker-threads", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: serve.poll() is None and httpx.get(f"{product.base_url}/readyz", timeout=2).status_code == 200,
            timeout=120,
            what="the API to be ready",
        )
        yield product
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        log.close()
        sys.stderr.write(f"--- serve log ---\n{(tmp_path / 'serve.log').read_text(errors='replace')[-6000:]}\n")
