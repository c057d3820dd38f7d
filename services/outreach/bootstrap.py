"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from govgrid.commands import PostgresCommandRunner
from govgrid.service import ServiceBase
from govgrid.service import open_pool
from govgrid.service.base import Background
from services.outreach.application.unit_of_work import OutreachUnitOfWork
from services.outreach.settings import OutreachSettings

MIGRATIONS = Path(__file__).parent / "migrations"


class OutreachService(ServiceBase[OutreachUnitOfWork, OutreachSettings]):
    def background(self) -> Mapping[str, Background]:
        """The local copies of the registry (org units, coverage, officers) follow the appointments
        topic while the web process runs; the command line does not need them."""
        return self.reference_feeds()


async def start_service(settings: OutreachSettings) -> OutreachService:
    pool = await open_pool(settings, MIGRATIONS, feeds=True)
    return OutreachService(settings, pool, PostgresCommandRunner(pool, OutreachUnitOfWork))
