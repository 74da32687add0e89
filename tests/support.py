"""Helpers shared by the tests: the demo gminas' codes, an API client, request bodies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

import boto3
import dramatiq
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from mozaika.events.catalogue import EventType
from mozaika.identity.tokens import api_token_issue

T = TypeVar("T")

TRZEBIEL = "0811082"
ZIELONA_GORA = "0862011"
KRAKOW = "1261011"
KOSZALIN = "3261011"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class Api:
    """A Django test client that speaks JSON and carries a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post_json(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", headers=self._headers())

    def put_json(self, path: str, body: Any) -> Any:
        return self.client.put(path, body, content_type="application/json", headers=self._headers())

    def patch_json(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self._headers())

    def post_form(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data, headers=self._headers())


def token_for(username: str) -> str:
    return api_token_issue(user=get_user_model().objects.get(username=username))


def plan_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Plan testowy 2025-2027",
        "period_start": 2025,
        "period_end": 2027,
        "areas": ["seniors", "family"],
        "indicators": [
            {
                "area": "seniors",
                "number": "1",
                "name": "Liczba osób objętych usługami opiekuńczymi",
                "unit": "osoby",
                "baseline_value": "12",
                "baseline_year": 2025,
                "target_value": "30",
                "target_year": 2027,
                "values": {"2025": "12", "2026": "18"},
            }
        ],
    }
    body.update(overrides)
    return body


def adoption_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "act_number": "XII/84/2024",
        "act_date": "2024-06-27",
        "resolution": SimpleUploadedFile("Uchwała XII-84-2024.pdf", MINIMAL_PDF, "application/pdf"),
    }
    form.update(overrides)
    return form


def wait_until(check: Callable[[], T | None], *, timeout: float, interval: float = 0.2, what: str = "") -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as error:  # not ready yet: keep polling, report the last error
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}; last error: {last_error!r}")


def in_own_connection(work: Callable[[], Any]) -> Callable[[], None]:
    """`work` for a thread: in the thread's own database connection (autocommit, outside the
    test's transaction, so what it commits stays: the test removes it), closed at the end."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    return run


def in_thread(work: Callable[[], Any]) -> None:
    """`work` committed by another connection, at once."""
    thread = threading.Thread(target=in_own_connection(work))
    thread.start()
    thread.join()


def waiting_for_a_lock(statement: str) -> bool:
    """Whether another connection waits for a lock in a statement containing `statement`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the test's transaction sees its first reading
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND strpos(query, %s) > 0",
            [statement],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MotoS3:
    """moto in server mode: a real S3-compatible HTTP endpoint on 127.0.0.1 (no other S3 server
    can be installed here)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=30, what="moto server")

    def _answers(self) -> bool:
        with urllib.request.urlopen(self.url + "/moto-api/", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="eu-central-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL_S3": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-central-1",
        }

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        return name

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    host = db["HOST"]
    if not host or host.startswith("/"):
        return f"postgresql://{quote(db['USER'])}@/{database}?host={host}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgresql://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{database}"


def broker_queues_delete(prefix: str) -> None:
    """Remove the queues named with `prefix` (and their delay and dead-letter queues) from the
    tests' broker, so runs leave nothing behind on a shared RabbitMQ or Redis."""
    own = settings.BROKER_QUEUE_PREFIX
    bases = {actor.queue_name.removeprefix(own) for actor in dramatiq.get_broker().actors.values()}
    if settings.BROKER_URL.startswith(("amqp://", "amqps://")):
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(settings.BROKER_URL))
        try:
            channel = connection.channel()
            for base in sorted(bases):
                for suffix in ("", ".DQ", ".XQ"):
                    channel.queue_delete(prefix + base + suffix)
        finally:
            connection.close()
        return
    import redis

    client = redis.Redis.from_url(settings.BROKER_URL)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(server_url("postgres"), autocommit=True)


def queue_prefix_of(database: str) -> str:
    """The queues of the processes that work on `database`: theirs alone on the shared broker,
    so no test consumes messages another test (or an earlier run) left behind."""
    return f"{database}."


def product_env(database: str, **extra: str) -> dict[str, str]:
    """The environment for the product's own processes against `database` and the tests' broker."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mozaika.site.settings",
        "DATABASE_URL": server_url(database),
        "BROKER_URL": settings.BROKER_URL,
        "BROKER_QUEUE_PREFIX": queue_prefix_of(database),
        "MOZAIKA_DATA_DIR": str(settings.DATA_DIR),
        **extra,
    }


def run_cli(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m mozaika ARGS` as a separate process against `database`."""
    return subprocess.run(
        [sys.executable, "-m", "mozaika", *args],
        env=product_env(database),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def complete_programme() -> dict[str, Any]:
    """A programme part that passes the completeness check (for a plan whose indicators cover
    its one area, seniors, with a baseline and a target)."""
    return {
        "areas": [
            {
                "code": "seniors",
                "goals": [
                    {
                        "number": "1",
                        "text": "Wsparcie seniorów w miejscu zamieszkania",
                        "specific_goals": [
                            {
                                "number": "1",
                                "text": "Więcej usług opiekuńczych",
                                "actions": [
                                    {
                                        "number": "1)",
                                        "text": "Zwiększenie liczby godzin usług opiekuńczych",
                                        "institutions": ["ops"],
                                    },
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "funding": [{"source": "gmina_budget", "year": 2025, "amount": "50000.00"}],
    }


def put_programme(api: Api, teryt: str, plan_id: int, body: dict[str, Any], version: int) -> Any:
    return api.client.put(
        f"/api/v1/gminas/{teryt}/plans/{plan_id}/programme",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}", "If-Match": f'"{version}"'},
    )


def with_acts(plan: dict[str, Any]) -> dict[str, Any]:
    """A snapshot plan written by hand in a test, completed as the snapshot reader completes it:
    kind (an LPRUSiD), the period by the day (from the years unless given), and its acts — the
    adopting act from `act` with that period, ended the day a supersession or repeal says
    (`ended_on`: the first day without force) or void when `annulled`."""
    plan.setdefault("kind", "lprusid")
    plan.setdefault("valid_from", f"{plan['period_start']}-01-01")
    plan.setdefault("valid_until", f"{plan['period_end']}-12-31")
    if "acts" not in plan:
        act, frozen = plan.get("act"), plan.get("frozen_version")
        acts: list[dict[str, Any]] = []
        if act is not None:
            acts.append({"kind": "adoption", "number": act["number"], "date": act["date"],
                         "in_force_from": act["in_force_from"], "valid_from": plan["valid_from"],
                         "valid_until": plan["valid_until"], "version": frozen["number"] if frozen else None,
                         "version_sha256": frozen["sha256"] if frozen else None, "document": None})  # fmt: skip
            ending = plan.pop("ended_on", None)
            if ending is not None:
                acts.append({"kind": "supersession", "number": "Z/1", "date": ending, "in_force_from": ending,
                             "valid_from": None, "valid_until": None, "version": None, "version_sha256": None,
                             "document": None})  # fmt: skip
            if plan.pop("annulled", False):
                acts.append({"kind": "annulment", "number": "NK.1", "date": act["date"],
                             "in_force_from": act["in_force_from"], "valid_from": None, "valid_until": None,
                             "version": None, "version_sha256": None, "document": None})  # fmt: skip
        plan["acts"] = acts
    return plan


KOSZALIN_LOCAL_ACT = "I/1/2025"


def koszalin_local_plan() -> None:
    """Koszalin's demo plan is a CUS programme (ended 2026-09-30), not the local plan (LPRUSiD)
    calls and rollups count. Give it one, in force through 2026 with the same programme, adopted
    before it came into force. Its snapshot is not refreshed here."""

    from tenants.demo.seeds import _koszalin_programme
    from tests.factories import AdoptedPlanFactory

    programme = _koszalin_programme().model_copy(update={"funding": []})  # its funding lines are for 2023
    AdoptedPlanFactory(
        teryt=KOSZALIN,
        title="LPRUSiD Koszalina",
        period_start=2026,
        period_end=2026,
        areas=[a.code for a in programme.areas if a.code],
        indicators=[],
        programme=programme,
        act_number=KOSZALIN_LOCAL_ACT,
        act_date=date(2025, 12, 15),
        in_force_from=date(2026, 1, 1),
    )


def payload_for(event_type: EventType, **given: Any) -> dict[str, Any]:
    """A payload with every key the event's TypedDict requires (None where a test of the event
    machinery does not care), and what the test gives."""
    return {key: None for key in event_type.payload.__required_keys__} | given


def call_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "FEPZ.06.19",
        "title": "Usługi społeczne",
        "programme": "FEPZ 2021-2027",
        "voivodeship": "32",
        "opens_on": "2026-01-01",
        "deadline": "2030-12-31",
        "applicant_kinds": ["gmina", "city_with_powiat_rights"],
        "areas": ["seniors", "disability"],
        "criteria": [
            {"code": "D1", "name": "Plan przyjęty uchwałą", "type": "access", "rule": "plan_adopted"},
            {"code": "D2", "name": "Plan w mocy", "type": "access", "rule": "plan_in_force"},
            {"code": "D3", "name": "Obszar projektu", "type": "access", "rule": "plan_covers_area"},
            {"code": "P1", "name": "Usługi opiekuńcze", "type": "bonus", "points": 3, "rule": "service_planned",
             "params": {"service_type": "care_at_home"}},
            {"code": "P2", "name": "Mieszkania wspomagane", "type": "bonus", "points": 2, "rule": "service_planned",
             "params": {"service_type": "supported_flat"}},
        ],
    }  # fmt: skip
    return body | overrides
