"""deploy/local/supervisor.py run by a test: the platform as `make up` runs it, in a home of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from govgrid.testing.servers import PROJECT_ROOT

SUPERVISOR = PROJECT_ROOT / "deploy" / "local" / "supervisor.py"


class SupervisorRun:
    """The supervisor started with ``args``, its servers and processes under ``home`` and on
    ``ports`` (environment variables: GOVGRID_KAFKA_PORT, READ_API_PORT...; the defaults may be
    taken by a developer's running platform). Its output lines are collected as they come."""

    def __init__(self, home: Path, args: list[str], ports: Mapping[str, int]) -> None:
        self.home = home
        env = {
            **os.environ,
            "GOVGRID_INFRA_HOME": str(home),
            **{name: str(port) for name, port in ports.items()},
        }
        for variable in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"):  # the platform brings its own
            env.pop(variable, None)
        self.process = subprocess.Popen(
            [sys.executable, str(SUPERVISOR), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def wait_for_line(self, *fragments: str, timeout: float = 180) -> str:
        """The first line of the supervisor's output holding one of ``fragments``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if any(fragment in line for fragment in fragments):
                    return line
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.2)
        raise AssertionError(f"no line with {fragments} after {timeout}s:\n" + "\n".join(self.lines))

    def token(self, timeout: float = 300) -> str:
        """The development token (a city admin's) the supervisor prints once the platform is ready."""
        return self.wait_for_line("development token", timeout=timeout).split(": ")[-1]

    def stop(self, timeout: float = 120) -> None:
        """Ctrl-C: the supervisor stops every process and server it started."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=timeout)
