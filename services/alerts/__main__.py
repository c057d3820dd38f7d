"""python -m services.alerts: run the alerts process until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import uvloop

from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.observability import configure_logging
from govgrid.projection import MIGRATIONS
from services.alerts.process import Alerts
from services.alerts.settings import AlertsSettings

OWN_MIGRATIONS = Path(__file__).parent / "migrations"


async def main() -> None:
    settings = AlertsSettings()
    configure_logging(settings)
    pool = await create_pool(settings.database_url, schema=settings.database_schema)
    try:
        await apply_migrations(pool, MIGRATIONS, OWN_MIGRATIONS)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        await Alerts(settings, pool).run(stopping)
    finally:
        await pool.close()


if __name__ == "__main__":
    uvloop.run(main())
