"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from govgrid.commands import PostgresCommandRunner
from govgrid.service import ServiceBase
from govgrid.service import open_pool
from govgrid.service.base import Background
from services.tips.application.retention import keep_shredding
from services.tips.application.sealing import Sealer
from services.tips.application.unit_of_work import TipsUnitOfWork
from services.tips.settings import TipsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class TipsService(ServiceBase[TipsUnitOfWork, TipsSettings]):
    sealer: Sealer

    def background(self) -> Mapping[str, Background]:
        """The organisation and people references, and the destruction of expired informant contacts."""
        return {**self.reference_feeds(), "retention": partial(keep_shredding, self)}


async def start_service(settings: TipsSettings) -> TipsService:
    # A malformed master key stops the service before it opens anything.
    sealer = Sealer.from_secret(settings.informant_master_key, settings.informant_master_key_id)
    pool = await open_pool(settings, MIGRATIONS, feeds=True)
    unit_of_work = partial(
        TipsUnitOfWork, sealer=sealer, deadlines=settings.deadlines(), retention=settings.informant_retention
    )
    return TipsService(settings, pool, PostgresCommandRunner(pool, unit_of_work), sealer)
