"""End-to-end fixtures: a fresh database on the same PostgreSQL server as the tests, migrated and
loaded by the real CLI; the API (gunicorn) and a dramatiq worker as separate processes; the
archive on moto's S3 server. Nothing here is mocked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
import pytest
from django.conf import settings

from tests.support import MotoS3, free_port, wait_until


def _server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    host = db["HOST"]
    if not host or host.startswith("/"):
        return f"postgresql://{quote(db['USER'])}@/{database}?host={host}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgresql://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{database}"


def _admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(_server_url("postgres"), autocommit=True)


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

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture
def e2e_database() -> Iterator[str]:
    name = f"mozaika_e2e_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def product(e2e_database: str, moto_s3: MotoS3, tmp_path: Path) -> Iterator[Product]:
    bucket = moto_s3.create_bucket(f"mozaika-e2e-{uuid.uuid4().hex[:8]}")
    port = free_port()
    env = {
        **os.environ,
        **moto_s3.env(),
        "DJANGO_SETTINGS_MODULE": "mozaika.settings",
        "DATABASE_URL": _server_url(e2e_database),
        "BROKER_URL": settings.BROKER_URL,
        "MOZAIKA_DATA_DIR": str(settings.DATA_DIR),
        "ARCHIVE_S3_BUCKET": bucket,
        "EVENT_RELAY_AFTER_SECONDS": "2",
    }
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
