"""The platform as `make up` runs it, for end-to-end tests, and the headless Chromium they drive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import ConsoleMessage, Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from govgrid.testing.servers import PROJECT_ROOT, free_port_pair

SUPERVISOR = PROJECT_ROOT / "deploy" / "local" / "supervisor.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WRITE_SERVICE_PORTS = ("APPOINTMENTS_PORT", "PATROLS_PORT", "TIPS_PORT", "MEDIATION_PORT", "OUTREACH_PORT")


class Platform:
    """deploy/local/supervisor.py in a home of its own, every port free: the defaults may be taken by a
    developer's running platform."""

    def __init__(self, home: Path, *args: str) -> None:
        self.kafka_port, self.pg_port = free_port_pair(), free_port_pair()
        self.read_port = free_port_pair()
        self.field_port = free_port_pair()
        self.ports = {name: free_port_pair() for name in WRITE_SERVICE_PORTS}
        self.api_port = self.ports["APPOINTMENTS_PORT"]
        env = {
            **os.environ,
            "GOVGRID_INFRA_HOME": str(home),
            "GOVGRID_KAFKA_PORT": str(self.kafka_port),
            "GOVGRID_PG_PORT": str(self.pg_port),
            "READ_API_PORT": str(self.read_port),
            "FIELD_PORT": str(self.field_port),
            **{name: str(port) for name, port in self.ports.items()},
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

    def token(self) -> str:
        return self.wait_for_line("development token").split(": ")[-1]

    def read(self, path: str, token: str) -> Any:
        return request("GET", f"http://127.0.0.1:{self.read_port}{path}", token)[1]


def request(method: str, url: str, token: str, body: Mapping[str, object] | None = None) -> tuple[int, Any]:
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


def run_platform(*args: str) -> Iterator[Platform]:
    home = Path(tempfile.mkdtemp(prefix="govgrid-platform-"))
    home.chmod(0o755)
    running = Platform(home, *args)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.send_signal(signal.SIGINT)
            running.process.wait(timeout=90)
        subprocess.run(["rm", "-rf", str(home)], check=False)


async def figure(page: Page, key: str) -> str:
    """The figure a dashboard card shows."""
    return await page.locator(f'.card[data-figure="{key}"] .figure').inner_text()


@asynccontextmanager
async def dashboard_page(url: str) -> AsyncIterator[tuple[Page, list[str]]]:
    """The dashboard at ``url`` in headless Chromium, rendered once; and the console and page errors
    it logs meanwhile (a test expects none)."""
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("console", console)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(url)
        try:
            await page.wait_for_function("document.body.dataset.rendered")
        except PlaywrightTimeoutError:
            raise AssertionError(f"the dashboard did not render; its errors: {errors}") from None
        yield page, errors
        await browser.close()
