"""`make up` as a new user meets it: the supervisor starts Kafka, PostgreSQL and every service,
prints an address and a token, restarts a crashed service, and Ctrl-C stops everything."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from govgrid.envelope import EventEnvelope
from govgrid.testing.kafka import read_topic
from govgrid.testing.servers import PROJECT_ROOT, free_port_pair

SUPERVISOR = PROJECT_ROOT / "deploy" / "local" / "supervisor.py"


class Platform:
    def __init__(self, home: Path) -> None:
        self.kafka_port, self.pg_port = free_port_pair(), free_port_pair()
        self.api_port, self.read_port = free_port_pair(), free_port_pair()
        # Every service gets a free port: the defaults may be taken by a developer's running platform.
        self.other_ports = {
            name: free_port_pair()
            for name in ("PATROLS_PORT", "TIPS_PORT", "MEDIATION_PORT", "OUTREACH_PORT")
        }
        env = {
            **os.environ,
            "GOVGRID_INFRA_HOME": str(home),
            "GOVGRID_KAFKA_PORT": str(self.kafka_port),
            "GOVGRID_PG_PORT": str(self.pg_port),
            "APPOINTMENTS_PORT": str(self.api_port),
            "READ_API_PORT": str(self.read_port),
            **{name: str(port) for name, port in self.other_ports.items()},
        }
        for variable in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"):  # the platform brings its own
            env.pop(variable, None)
        self.process = subprocess.Popen(
            [sys.executable, str(SUPERVISOR)],
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

    def wait_for_line(self, fragment: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if fragment in line:
                    return line
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.2)
        raise AssertionError(f"no line with {fragment!r} after {timeout}s:\n" + "\n".join(self.lines))


def request(
    method: str, url: str, token: str, body: Mapping[str, object] | None = None
) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(req, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready after {timeout}s")


@pytest.fixture
def platform() -> Iterator[Platform]:
    home = Path(tempfile.mkdtemp(prefix="govgrid-platform-"))
    home.chmod(0o755)
    running = Platform(home)
    yield running
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGINT)
        running.process.wait(timeout=90)
    subprocess.run(["rm", "-rf", str(home)], check=False)


def test_the_platform_starts_serves_restarts_and_stops(platform: Platform) -> None:
    token = platform.wait_for_line("development token").split(": ")[-1]
    base = f"http://127.0.0.1:{platform.api_port}"
    for unit in [
        {"code": "C4604", "kind": "city", "name_zh": "儋州市", "name_en": "Danzhou"},
        {"code": "T01", "kind": "township", "name_zh": "那大镇", "name_en": "Nada", "parent_code": "C4604"},
        {"code": "V01", "kind": "village", "name_zh": "干冲村", "name_en": "Ganchong", "parent_code": "T01"},
    ]:
        status, created = request("POST", f"{base}/org-units", token, unit)
        assert status == 201 and created["version"] == 1

    # The dashboard's address is printed, and the read side learns the new village.
    dashboard = platform.wait_for_line("dashboard:").split("dashboard: ")[-1]
    assert dashboard == f"http://127.0.0.1:{platform.read_port}/dashboard/#token={token}"
    deadline = time.monotonic() + 90
    while (
        request("GET", f"http://127.0.0.1:{platform.read_port}/coverage/summary", token)[1]["villages"] != 1
    ):
        assert time.monotonic() < deadline, "the read API never showed the village"
        time.sleep(0.5)

    # The relay runs too: the event reaches the appointments topic.
    records = asyncio.run(read_topic(f"127.0.0.1:{platform.kafka_port}", "govgrid.appointments.events", 3))
    assert {EventEnvelope.from_json_bytes(r.value).stream_id for r in records} >= {
        "orgunit-C4604",
        "orgunit-V01",
    }

    # A crashed service is reported and restarted.
    children = ["pgrep", "-P", str(platform.process.pid), "-f", "services.appointments$"]
    pid = int(subprocess.run(children, capture_output=True, text=True).stdout.split()[0])
    os.kill(pid, signal.SIGKILL)
    platform.wait_for_line("appointments exited with code -9")
    platform.wait_for_line("appointments restarted", timeout=30)
    wait_ready(f"{base}/readyz")
    assert request("GET", f"{base}/org-units/C4604", token)[1]["name_en"] == "Danzhou"

    platform.process.send_signal(signal.SIGINT)
    assert platform.process.wait(timeout=90) == 0
    assert platform.wait_for_line("stopped.")
    for port in (platform.api_port, platform.read_port, platform.kafka_port, platform.pg_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers after Ctrl-C"
