"""`make up ARGS=--no-demo`'s promises: the supervisor starts Kafka, PostgreSQL and every service, prints an
address and a token, restarts a crashed service, and Ctrl-C stops everything."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest
from supervised_platform import Platform
from supervised_platform import request
from supervised_platform import run_platform

from govgrid.envelope import EventEnvelope
from govgrid.testing.kafka import read_topic


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
    yield from run_platform("--no-demo")


def test_the_platform_starts_serves_restarts_and_stops(platform: Platform) -> None:
    token = platform.token()
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

    assert not [line for line in platform.lines if "demo" in line], "--no-demo still loaded the demo"
    platform.process.send_signal(signal.SIGINT)
    assert platform.process.wait(timeout=90) == 0
    assert platform.wait_for_line("stopped.")
    for port in (platform.api_port, platform.read_port, platform.kafka_port, platform.pg_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers after Ctrl-C"
