"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema); nothing else builds these objects."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from govgrid.commands import PostgresCommandRunner
from govgrid.service import ServiceBase
from govgrid.service import open_pool
from services.appointments.application.unit_of_work import AppointmentsUnitOfWork
from services.appointments.settings import AppointmentsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


class AppointmentsService(ServiceBase[AppointmentsUnitOfWork, AppointmentsSettings]):
    """The organisation registry feeds the others; it learns from no other topic."""


async def start_service(settings: AppointmentsSettings) -> AppointmentsService:
    pool = await open_pool(settings, MIGRATIONS)
    unit_of_work = partial(AppointmentsUnitOfWork, certificate_prefix=settings.certificate_prefix)
    return AppointmentsService(settings, pool, PostgresCommandRunner(pool, unit_of_work))
