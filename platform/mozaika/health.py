"""`/healthz`: the process answers. `/readyz`: the database, the broker and the archive answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from mozaika.archive import get_archive
from mozaika.broker import broker_ping
from mozaika.supervisor import supervised_processes

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "broker": broker_ping,
    "archive": lambda: get_archive().check(),
}


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = "unavailable"
    ready = all(state == "ok" for state in results.values())
    body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": results}
    processes = supervised_processes(Path(settings.DATA_DIR))
    if processes is not None:  # under `make run`: its children, with their restarts
        body["processes"] = processes
        if any(p["state"] != "running" for p in processes.values()):
            body["status"], ready = "unavailable", False
    return JsonResponse(body, status=200 if ready else 503)
