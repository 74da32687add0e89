"""`python -m mozaika serve`: the whole product in the foreground (what `make run` calls).

Migrates, loads the demo data, then runs the API (gunicorn), a dramatiq worker, the event relay
and the scheduler as child processes that share this process's database and broker, under
`mozaika.supervisor`: a child that dies is started again after a backoff (and `/readyz` shows
it); one that keeps dying stops everything with a message. Ctrl-C stops them all, and then the
embedded servers this process started, whatever CLI commands attached to them meanwhile.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from mozaika.embedded import embedded_stop
from mozaika.supervisor import STATUS_FILE, CrashLoop, Supervisor


class Command(BaseCommand):
    help = "Run the API, a worker and the event relay in the foreground (Ctrl-C stops everything)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--api-workers", type=int, default=2)
        parser.add_argument("--worker-threads", type=int, default=4)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(
        self, *args: Any, host: str, port: int, api_workers: int, worker_threads: int, no_demo: bool, **options: Any
    ) -> None:
        # The public schema the Django way; tenant schemas by Mozaika's replay, which checks 2 477
        # schemas in seconds where django-tenants' per-schema `migrate` takes many minutes.
        call_command("migrate", shared=True, interactive=False, verbosity=0)
        call_command("tenants", "migrate", verbosity=0)
        self.stdout.write("Migrations applied.")
        # The API serves Swagger UI's and the admin's files from STATIC_ROOT (WhiteNoise, see the
        # settings); after the first start this copies only what changed.
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo")
            call_command("load_demo_calls")
        # The API processes and the worker share their metrics through a folder of their own
        # (prometheus-client's multiprocess mode), emptied with each start.
        metrics_dir = Path(tempfile.mkdtemp(prefix="mozaika-metrics-"))
        # Children reach the same servers this process started (or was configured with).
        env = {
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            **os.environ,
            "DATABASE_URL": settings.DATABASE_URL,
            "BROKER_URL": settings.BROKER_URL,
            "MOZAIKA_DATA_DIR": str(settings.DATA_DIR),
            "SECRET_KEY": settings.SECRET_KEY,
        }
        python = sys.executable
        commands = {
            "api": [
                python,
                "-m",
                "gunicorn",
                "mozaika.site.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(api_workers),
                "--config",
                "python:mozaika.gunicorn_conf",  # access log without credentials, errors as problems
                "--no-control-socket",  # one per user by default: two servers would collide
            ],
            "worker": [
                python,
                "-m",
                "dramatiq",
                "mozaika.site.worker",
                "--processes",
                "1",
                "--threads",
                str(worker_threads),
            ],
            "relay": [python, "-m", "mozaika", "events", "relay", "--loop"],
            "scheduler": [python, "-m", "mozaika", "scheduler"],
        }
        supervisor = Supervisor(commands, env=env, status_path=Path(settings.DATA_DIR) / STATUS_FILE,
                                say=lambda line: self.stderr.write(line))  # fmt: skip
        supervisor.start()
        archive = (settings.ARCHIVE_S3_BUCKET and f"s3://{settings.ARCHIVE_S3_BUCKET}") or settings.ARCHIVE_LOCAL_DIR
        self.stdout.write(
            f"\nMozaika is running on http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)\n"
            f"  metrics for Prometheus: http://{host}:{port}/metrics\n"
            f"  archive: {archive}\n"
            f"  a bearer token for the demo operator: "
            f"{python} -m mozaika issue_token demo-operator\n"
            "  Ctrl-C stops everything.\n"
        )
        self.stdout.flush()
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        crash_loop = None
        try:
            while not stopping:
                supervisor.tend()
                time.sleep(0.5)
        except CrashLoop as loop:
            crash_loop = loop
        finally:
            supervisor.stop()
            # This process owns the embedded servers of `make run`: stop them, whoever attached.
            embedded_stop()
            shutil.rmtree(metrics_dir, ignore_errors=True)
        if crash_loop is not None:
            self.stderr.write(str(crash_loop))
            sys.exit(1)
        self.stdout.write("Stopped.")
