"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema and the appointments topic); nothing else builds these objects."""

from __future__ import annotations

from collections.abc import Mapping

from govgrid.commands import PostgresCommandRunner
from govgrid.service import ServiceBase
from govgrid.service import open_pool
from govgrid.service.base import Background
from services.patrols.application.unit_of_work import PatrolsUnitOfWork
from services.patrols.settings import PatrolsSettings


class PatrolsService(ServiceBase[PatrolsUnitOfWork, PatrolsSettings]):
    def background(self) -> Mapping[str, Background]:
        """The organisation and people references, fed from the appointments topic."""
        return self.reference_feeds()


async def start_service(settings: PatrolsSettings) -> PatrolsService:
    pool = await open_pool(settings, feeds=True)
    return PatrolsService(settings, pool, PostgresCommandRunner(pool, PatrolsUnitOfWork))
