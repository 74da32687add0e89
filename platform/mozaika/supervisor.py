"""The processes `make run` keeps alive: each child that dies is started again after a backoff
(1, 2, 4 ... 30 s); a child that keeps dying (`CRASH_LIMIT` times within `CRASH_WINDOW`
seconds) stops everything with a message saying which one and how it ended. The state of the
children is written to a small file that `/readyz` reads, so a restart shows there."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CRASH_LIMIT = 5
CRASH_WINDOW = 60.0
MAX_BACKOFF = 30.0
STATUS_FILE = "supervisor.json"


@dataclass
class Child:
    name: str
    command: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    last_exit: int | None = None
    restart_at: float | None = None
    crashes: deque[float] = field(default_factory=deque)

    @property
    def state(self) -> str:
        return "restarting" if self.restart_at is not None else "running"


class CrashLoop(Exception):
    """A child died `CRASH_LIMIT` times within `CRASH_WINDOW` seconds."""


class Supervisor:
    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        env: Mapping[str, str],
        status_path: Path,
        say: Callable[[str], None],
    ) -> None:
        self.children = {name: Child(name, command) for name, command in commands.items()}
        self.env = dict(env)
        self.status_path = status_path
        self.say = say

    def _spawn(self, child: Child) -> None:
        # Each child leads a process group of its own: gunicorn and dramatiq fork workers, and a
        # parent killed with -9 would leave them running, orphaned. The group goes with it.
        child.process = subprocess.Popen(child.command, env=self.env, start_new_session=True)

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)
        self._write_status()

    def tend(self, now: float | None = None) -> None:
        """One look at the children: note the dead, start again those whose backoff is over.
        Raises `CrashLoop` for a child that keeps dying."""
        now = time.monotonic() if now is None else now
        changed = False
        for child in self.children.values():
            if child.restart_at is None and child.process is not None and child.process.poll() is not None:
                child.last_exit = child.process.returncode
                _signal_group(child.process, signal.SIGKILL)  # what it forked must not outlive it
                child.crashes.append(now)
                while child.crashes and now - child.crashes[0] > CRASH_WINDOW:
                    child.crashes.popleft()
                if len(child.crashes) >= CRASH_LIMIT:
                    raise CrashLoop(
                        f"{child.name} exited {len(child.crashes)} times within {CRASH_WINDOW:.0f} s "
                        f"(last status {child.last_exit}); stopped everything."
                    )
                delay = min(MAX_BACKOFF, 2.0 ** (len(child.crashes) - 1))
                child.restart_at = now + delay
                self.say(f"{child.name} exited with status {child.last_exit}; starting it again in {delay:.0f} s.")
                changed = True
            elif child.restart_at is not None and now >= child.restart_at:
                self._spawn(child)
                child.restart_at = None
                child.restarts += 1
                changed = True
        if changed:
            self._write_status()

    def stop(self, timeout: float = 15.0) -> None:
        processes = [c.process for c in self.children.values() if c.process is not None]
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            _signal_group(process, signal.SIGKILL)  # anything of the group still there
        self.status_path.unlink(missing_ok=True)

    def _write_status(self) -> None:
        status = {
            "supervisor": os.getpid(),
            "children": {
                c.name: {"state": c.state, "restarts": c.restarts, "last_exit": c.last_exit}
                for c in self.children.values()
            },
        }
        temporary = self.status_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(status))
        temporary.replace(self.status_path)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process group `process` leads (it was started in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def supervised_processes(data_dir: Path) -> dict[str, Any] | None:
    """The children's states as the running supervisor last wrote them (None: not under
    `make run`, or its supervisor is gone)."""
    path = data_dir / STATUS_FILE
    try:
        status: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(int(status["supervisor"]), 0)
    except (OSError, KeyError, ValueError):
        return None
    children: dict[str, Any] = status.get("children", {})
    return children
