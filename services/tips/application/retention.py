"""Crypto-shredding: once the retention after a lead's closing has ended, its key is destroyed and
``InformantContactShredded`` recorded, one lead per transaction. Run by the service every
``retention_interval_seconds`` and by ``python -m services.tips.cli shred-expired``."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import TYPE_CHECKING

import asyncpg

from govgrid.auth import Principal
from govgrid.auth import Role
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.errors import RuleBroken
from govgrid.stopping import sleep_unless_stopping
from services.tips.application import handlers
from services.tips.application.unit_of_work import TipsUnitOfWork

if TYPE_CHECKING:  # the service runs this as its background work: no import cycle at run time
    from services.tips.bootstrap import TipsService

log = logging.getLogger("services.tips.retention")

SYSTEM = Principal("system:tips-retention", Role.CITY_ADMIN, frozenset())


async def shred_expired(service: TipsService, day: date, actor: Principal = SYSTEM) -> list[str]:
    """Destroy the keys whose retention ended on or before ``day``; return the leads concerned."""
    due = await service.pool.fetch(
        "SELECT lead_id FROM lead_keys WHERE destroy_on <= $1 ORDER BY destroy_on, lead_id", day
    )
    ctx = CommandContext(actor)
    shredded: list[str] = []
    for row in due:
        lead_id: str = row["lead_id"]

        async def shred(uow: TipsUnitOfWork, lead_id: str = lead_id) -> CommandResult:
            return await handlers.shred_contact(uow, ctx, lead_id, day)

        try:
            await service.commands.run(shred, idempotency_key=None, fingerprint="")
        except RuleBroken as exc:  # a concurrent run did it, or the lead moved on: next time, if at all
            log.warning("lead %s not shredded: %s", lead_id, exc.code)
            continue
        shredded.append(lead_id)
    return shredded


async def keep_shredding(service: TipsService, stopping: asyncio.Event) -> None:
    """The service's background task: shred what is due, then wait; survives outages and failures."""
    while not stopping.is_set():
        try:
            shredded = await shred_expired(service, today_in_china())
            if shredded:
                log.info("destroyed the informant contacts of %d closed leads", len(shredded))
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning(
                "retention run failed, next in %.0fs: %r", service.settings.retention_interval_seconds, exc
            )
        except Exception:  # a bug must not stop the shredding for good: logged with its trace, retried
            log.exception("retention run failed")
        await sleep_unless_stopping(stopping, service.settings.retention_interval_seconds)
