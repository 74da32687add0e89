"""`python -m mozaika serve`: the whole product in the foreground (what `make run` calls).

Migrates, loads the demo data, then runs the API (gunicorn), a dramatiq worker and the event
relay as child processes that share this process's database and broker. Ctrl-C stops them all;
if one of them dies, the others are stopped too and the exit status says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


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
        if not no_demo:
            call_command("load_demo")
            call_command("load_demo_calls")
        # Children reach the same servers this process started (or was configured with).
        env = {
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
                "mozaika.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(api_workers),
                "--access-logfile",
                "-",
                "--logger-class",
                "mozaika.access_log.RedactingLogger",  # no link token or credential in the access log
                "--graceful-timeout",
                "5",
                "--no-control-socket",  # one per user by default: two servers would collide
            ],
            "worker": [
                python,
                "-m",
                "dramatiq",
                "mozaika.worker",
                "--processes",
                "1",
                "--threads",
                str(worker_threads),
            ],
            "relay": [python, "-m", "mozaika", "events", "relay", "--loop"],
            "scheduler": [python, "-m", "mozaika", "scheduler"],
        }
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        archive = (settings.ARCHIVE_S3_BUCKET and f"s3://{settings.ARCHIVE_S3_BUCKET}") or settings.ARCHIVE_LOCAL_DIR
        self.stdout.write(
            f"\nMozaika is running on http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)\n"
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
        failed = None
        while not stopping and failed is None:
            failed = next((name for name, child in children.items() if child.poll() is not None), None)
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if failed is not None:
            self.stderr.write(f"{failed} exited with status {children[failed].returncode}; stopped the rest.")
            sys.exit(1)
        self.stdout.write("Stopped.")
