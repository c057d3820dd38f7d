"""The supervisor keeps Kafka and PostgreSQL running too: a server that dies is reaped (a zombie is
never taken for alive), started again, and `make status` (infra.py status) says what happened."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govgrid.testing.servers import LAUNCHER
from govgrid.testing.servers import local_instance

sys.path.insert(0, str(LAUNCHER.parent))
import infra  # deploy/local is not a package: its scripts import each other by name
import supervisor

pytestmark = pytest.mark.integration


def process_state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def test_a_zombie_is_dead_and_a_dead_child_of_ours_is_reaped() -> None:
    child = subprocess.Popen(["true"])
    deadline = time.monotonic() + 10
    while process_state(child.pid) != "Z":  # exited, not waited for: a zombie
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert infra.pid_alive(child.pid) is False
    assert process_state(child.pid) is None  # reaped: gone from the process table


def test_killed_servers_are_started_again_and_status_says_so(tmp_path: Path) -> None:
    with local_instance("postgres", "kafka") as instance:
        inst = infra.Instance(instance.home, instance.kafka_port, instance.pg_port)
        parts = supervisor.servers(inst)
        assert [part.name for part in parts] == ["postgres", "kafka"]
        state_file = infra.supervisor_state_file(inst)
        killed: dict[str, int] = {}
        for part in parts:
            pid = part.pid()
            assert pid is not None
            killed[part.name] = pid
            os.kill(pid, signal.SIGKILL)  # started by the launcher's process: orphans, never reaped
        # A signal is delivered when the kernel next schedules the process: until both are seen dead, the
        # ready checks below could still answer for the killed servers and end the loop at once.
        deadline = time.monotonic() + 30
        while any(infra.pid_alive(pid) for pid in killed.values()):
            assert time.monotonic() < deadline, killed
            time.sleep(0.05)

        deadline = time.monotonic() + 120
        while not (infra.kafka_ready(inst) and infra.postgres_ready(inst)):
            assert time.monotonic() < deadline, [part.record() for part in parts]
            if any([supervisor.keep_running(part, time.monotonic()) for part in parts]):
                supervisor.write_state(state_file, supervisor.now_utc(), parts)
            time.sleep(0.3)

        for part in parts:
            # Kafka's first start succeeds; PostgreSQL's may fail while the killed postmaster's children
            # still hold its shared memory (they exit once they notice): then the supervisor tries again
            # after its back-off.
            assert part.restarts == 1 or (part.name == "postgres" and part.restarts >= 1), part.record()
            assert part.exited is not None and part.exited.startswith("died at ")
            assert part.pid() not in (None, killed[part.name])
        status = subprocess.run(
            [
                *(sys.executable, str(LAUNCHER), "status", "--home", str(inst.home)),
                *("--kafka-port", str(inst.kafka_port), "--pg-port", str(inst.pg_port)),
            ],
            capture_output=True,
            text=True,
        )
        assert status.returncode == 0, status.stdout + status.stderr
        restarted = [
            line
            for line in status.stdout.splitlines()
            for part in parts
            if line.split()[:1] == [part.name] and f"restarts {part.restarts}" in line
        ]
        assert [line.split()[0] for line in restarted] == ["postgres", "kafka"]
        assert all("last exit died at" in line for line in restarted)
