"""`make run`'s supervisor with real child processes: a child that dies is started again after
its backoff and the restart shows in the status `/readyz` reads; one that keeps dying stops
everything with a message naming it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from mozaika.supervisor import CRASH_LIMIT, CrashLoop, Supervisor, supervised_processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
DYING = [sys.executable, "-c", "raise SystemExit(3)"]


def supervisor(tmp_path: Path, **commands: list[str]) -> tuple[Supervisor, list[str]]:
    said: list[str] = []
    return Supervisor(commands, env={}, status_path=tmp_path / "supervisor.json", say=said.append), said


def exited(process: object) -> None:
    process.wait(timeout=30)  # type: ignore[attr-defined]


def test_a_killed_child_is_started_again_after_its_backoff_and_readyz_sees_it(tmp_path: Path) -> None:
    watched, said = supervisor(tmp_path, worker=SLEEPER, api=SLEEPER)
    watched.start()
    try:
        first = watched.children["worker"].process
        assert first is not None
        first.kill()
        exited(first)

        now = time.monotonic()
        watched.tend(now)
        assert supervised_processes(tmp_path)["worker"] == {"state": "restarting", "restarts": 0, "last_exit": -9}  # type: ignore[index]
        assert said == ["worker exited with status -9; starting it again in 1 s."]
        watched.tend(now + 0.5)  # the backoff is not over
        assert watched.children["worker"].process is first
        watched.tend(now + 1.0)

        second = watched.children["worker"].process
        assert second is not None
        assert second is not first
        assert second.poll() is None
        assert supervised_processes(tmp_path)["worker"] == {"state": "running", "restarts": 1, "last_exit": -9}  # type: ignore[index]
        assert watched.children["api"].restarts == 0
    finally:
        watched.stop()
    assert supervised_processes(tmp_path) is None  # stopped: no status left behind


def test_a_child_that_keeps_dying_stops_everything_with_a_message(tmp_path: Path) -> None:
    watched, said = supervisor(tmp_path, relay=DYING, api=SLEEPER)
    watched.start()
    try:
        with pytest.raises(CrashLoop, match=r"relay exited 5 times within 60 s \(last status 3\)"):
            restart_until_it_gives_up(watched, "relay")
    finally:
        watched.stop()
    api = watched.children["api"].process
    assert api is not None
    assert api.poll() is not None  # stopped too
    assert said[-1] == "relay exited with status 3; starting it again in 8 s."  # backoff 1, 2, 4, 8 s
    assert len(said) == CRASH_LIMIT - 1


def restart_until_it_gives_up(watched: Supervisor, name: str) -> None:
    """Look at the children as the supervisor's loop does, each time the dying child has
    exited and, then, when its backoff is over (the clock is the test's)."""
    now = time.monotonic()
    for _ in range(CRASH_LIMIT + 1):
        exited(watched.children[name].process)
        watched.tend(now)
        restart_at = watched.children[name].restart_at
        assert restart_at is not None
        now = restart_at
        watched.tend(now)
