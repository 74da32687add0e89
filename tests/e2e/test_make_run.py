"""`make run` as a newcomer runs it, on the embedded runtime (its own PostgreSQL and Redis in a
data folder of its own): a killed worker is started again while the API keeps answering and
`/readyz` shows the restart; Ctrl-C after CLI commands attached leaves no process behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.support import free_port, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Short: the embedded PostgreSQL's socket path must stay under ~107 bytes.
    path = Path(tempfile.mkdtemp(prefix="mzk-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def runtime_processes(data_dir: Path) -> list[psutil.Process]:
    """Every process whose command line names the data folder, that runs in it (the embedded
    Redis runs in its folder, its socket elsewhere) or that was given it in its environment (the
    API's and the worker's forked processes)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            named = any(str(data_dir) in part for part in process.info["cmdline"] or [])
            given = process.environ().get("MOZAIKA_DATA_DIR") == str(data_dir)
            if named or given or Path(process.cwd()).is_relative_to(data_dir):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def test_a_killed_worker_comes_back_and_ctrl_c_leaves_nothing_behind(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"MOZAIKA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "mozaika.site.settings"}
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen([sys.executable, "-m", "mozaika", "serve", "--port", str(port), "--no-demo"], env=env,
                             stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def ready() -> dict[str, Any] | None:
            try:
                response = httpx.get(f"{base}/readyz", timeout=5)
            except httpx.HTTPError:
                return None
            body: dict[str, Any] = response.json()
            return body if response.status_code == 200 and "processes" in body else None

        wait_until(ready, timeout=240, what="make run to be ready")
        worker = next(c for c in psutil.Process(serve.pid).children() if "dramatiq" in " ".join(c.cmdline()))
        forked = worker.children(recursive=True)  # dramatiq's worker processes
        worker.send_signal(signal.SIGKILL)

        def restarted() -> dict[str, Any] | None:
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # the API never stopped
            body = ready()
            return body if body and body["processes"]["worker"]["restarts"] == 1 else None

        assert wait_until(restarted, timeout=60, what="the worker's restart")["processes"]["worker"] == {
            "state": "running", "restarts": 1, "last_exit": -9}  # fmt: skip
        assert forked
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in forked)  # not orphaned
        # CLI commands attach to the same embedded servers.
        for command in (["events", "dead-letters"], ["tenants", "migrate"]):
            cli = subprocess.run([sys.executable, "-m", "mozaika", *command], env=env, capture_output=True, timeout=120)
            assert cli.returncode == 0, cli.stderr
    finally:
        serve.send_signal(signal.SIGINT)
        # Started again at once, while the first run is still stopping its embedded servers.
        again_port = free_port()
        again_log = (tmp_path / "again.log").open("wb")
        again = subprocess.Popen([sys.executable, "-m", "mozaika", "serve", "--port", str(again_port), "--no-demo"],
                                 env=env, stdout=again_log, stderr=subprocess.STDOUT)  # fmt: skip
        status = serve.wait(timeout=60)
        log.close()
    output = (tmp_path / "serve.log").read_text(errors="replace")
    try:
        assert status == 0, output[-3000:]
        assert "Traceback" not in output, output[-3000:]  # a clean stop, the embedded servers' included
        base = f"http://127.0.0.1:{again_port}"
        # The second run waited for the first to stop, then started its own servers: its broker answers.
        wait_until(ready, timeout=240, what="the second make run to be ready")
        assert httpx.get(f"{base}/readyz", timeout=5).json()["checks"]["broker"] == "ok"
    finally:
        again.send_signal(signal.SIGINT)
        again_status = again.wait(timeout=60)
        again_log.close()
    again_output = (tmp_path / "again.log").read_text(errors="replace")
    assert "is running or stopping; waiting for it to end" in again_output
    assert again_status == 0, again_output[-3000:]
    assert "Traceback" not in again_output, again_output[-3000:]
    wait_until(lambda: runtime_processes(data_dir) == [] or None, timeout=30,
               what=f"no process of the embedded runtime left: {runtime_processes(data_dir)}")  # fmt: skip
