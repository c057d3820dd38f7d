"""Command line of the tips service (uses the database directly).

    python -m services.tips.cli shred-expired

Destroys the keys of the informant contacts whose retention ended (today, China time), recording
``InformantContactShredded`` per lead, and prints the leads concerned as JSON. The running service
does the same every ``RETENTION_INTERVAL_SECONDS``; this is for cron jobs and for doing it now.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from govgrid.china_time import today_in_china
from govgrid.commands import command_line_admin
from services.tips.application.retention import shred_expired
from services.tips.bootstrap import start_service
from services.tips.settings import TipsSettings


async def shred_now(settings: TipsSettings) -> dict[str, object]:
    service = await start_service(settings)
    try:
        day = today_in_china()
        actor = command_line_admin()
        return {"day": day.isoformat(), "shredded": await shred_expired(service, day, actor)}
    finally:
        await service.pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="govgrid tips: maintenance")
    parser.add_argument("command", choices=["shred-expired"])
    parser.parse_args(argv)
    print(json.dumps(asyncio.run(shred_now(TipsSettings())), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
