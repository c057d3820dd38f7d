"""The platform as `make up` runs it, for end-to-end tests, and the headless Chromium they drive."""

from __future__ import annotations

import json
import subprocess
import tempfile
import urllib.request
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import ConsoleMessage
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright

from govgrid.testing.servers import free_port_pair
from govgrid.testing.supervised import SupervisorRun

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


class Platform(SupervisorRun):
    """deploy/local/supervisor.py in a home of its own, every port free."""

    def __init__(self, home: Path, *args: str) -> None:
        self.kafka_port, self.pg_port = free_port_pair(), free_port_pair()
        self.read_port = free_port_pair()
        self.field_port = free_port_pair()
        self.ports = {name: free_port_pair() for name in WRITE_SERVICE_PORTS}
        self.api_port = self.ports["APPOINTMENTS_PORT"]
        ports = {
            "GOVGRID_KAFKA_PORT": self.kafka_port,
            "GOVGRID_PG_PORT": self.pg_port,
            "READ_API_PORT": self.read_port,
            "FIELD_PORT": self.field_port,
            **self.ports,
        }
        super().__init__(home, list(args), ports)

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
        running.stop(timeout=90)
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
