"""Load the Danzhou demo into a running platform through its public command APIs.

    python -m demo [--year-ending YYYY-MM-DD]

The write services' addresses come from APPOINTMENTS_URL, PATROLS_URL, TIPS_URL, MEDIATION_URL and
OUTREACH_URL (demo/settings.py; default: the local ports 8101 to 8105). A platform that already has
the demo's city is left alone: the demo is for an empty platform. Exit status 0 when loaded or left
alone, 1 on a refusal.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable
from datetime import date
from datetime import timedelta

from demo import appointments
from demo import danzhou
from demo import mediation
from demo import outreach
from demo import patrols
from demo import tips
from demo.client import CommandRefused
from demo.client import Platform
from demo.settings import DemoSettings
from govgrid.auth.principal import Role
from govgrid.auth.tokens import mint_token
from govgrid.china_time import today_in_china

PROGRESS_SECONDS = 30.0


async def loaded(platform: Platform, service: str, loading: Awaitable[None]) -> None:
    """Wait for one service's loader, then say so with its count: loading takes minutes."""
    started = time.monotonic()
    await loading
    count = platform.sent_by_service[service]
    print(f"demo: {service} loaded: {count} commands in {time.monotonic() - started:.0f}s", flush=True)


async def report_progress(platform: Platform) -> None:
    """A line every PROGRESS_SECONDS with the commands sent so far, per service."""
    while True:
        await asyncio.sleep(PROGRESS_SECONDS)
        so_far = ", ".join(f"{service} {n}" for service, n in sorted(platform.sent_by_service.items()))
        print(f"demo: {platform.sent} commands sent so far ({so_far})", flush=True)


async def load_demo(platform: Platform, year: danzhou.DemoYear) -> bool:
    """Load the demo; False when the platform already has the city and nothing was sent."""
    if (await platform.get("appointments", f"/org-units/{danzhou.CITY_CODE}")).status_code == 200:
        return False
    city = danzhou.build()
    print(f"demo: loading {danzhou.CITY_ZH} for {year.first} to {year.last}", flush=True)
    progress = asyncio.create_task(report_progress(platform))
    try:
        await loaded(platform, "appointments", appointments.load(platform, city, year))
        # The other services learn the grid from the appointments topic; their commands wait for it.
        await asyncio.gather(
            loaded(platform, "patrols", patrols.load(platform, city, year)),
            loaded(platform, "tips", tips.load(platform, city, year)),
            loaded(platform, "mediation", mediation.load(platform, city, year)),
            loaded(platform, "outreach", outreach.load(platform, city, year)),
        )
    finally:
        progress.cancel()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--year-ending",
        type=date.fromisoformat,
        default=today_in_china() - timedelta(days=1),
        help="the last day of the demo's year (default: yesterday in China)",
    )
    args = parser.parse_args(argv)
    year = danzhou.DemoYear(args.year_ending)
    settings = DemoSettings()
    token = mint_token(settings, "demo", Role.CITY_ADMIN, [], ttl_seconds=3600)
    platform = Platform(settings.write_services(), token, run_key=year.last.isoformat())
    started = time.monotonic()

    async def run() -> bool:
        try:
            return await load_demo(platform, year)
        finally:
            await platform.close()

    try:
        loaded = asyncio.run(run())
    except CommandRefused as refused:
        print(f"demo: refused: {refused}", file=sys.stderr)
        return 1
    if not loaded:
        print(f"demo: the platform already has {danzhou.CITY_ZH} ({danzhou.CITY_CODE}); demo not loaded")
        return 0
    print(
        f"demo: loaded {platform.sent} commands in {time.monotonic() - started:.0f}s;"
        f" the demo's year runs from {year.first} to {year.last} (the dashboard's From date shows it whole)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
