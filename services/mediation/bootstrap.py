"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema and the topics); nothing else builds these objects."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import asyncpg

from govgrid import projection, reference
from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations, create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.projection import TopicFeed
from services.mediation.application import mediators, referrals
from services.mediation.application.index import recompute_due_dates
from services.mediation.application.unit_of_work import MediationUnitOfWork
from services.mediation.domain.ladder import EscalationLadder
from services.mediation.settings import MediationSettings

log = logging.getLogger("services.mediation")

MIGRATIONS = Path(__file__).parent / "migrations"
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class MediationService:
    settings: MediationSettings
    pool: asyncpg.Pool
    ladder: EscalationLadder
    commands: PostgresCommandRunner[MediationUnitOfWork]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)

    def feeds(self) -> dict[str, TopicFeed]:
        """What the service learns from other services' topics, each into its own tables."""
        s = self.settings
        return {
            "org reference": reference.OrgReferenceFeed(
                self.pool, s.kafka_bootstrap_servers, consumer_name=s.service_name, topic=s.appointments_topic
            ),
            "mediators": TopicFeed(
                self.pool,
                s.kafka_bootstrap_servers,
                group_id=f"{s.service_name}-mediators",
                topic=s.appointments_topic,
                projection=mediators.PROJECTION,
                applier=mediators.apply_mediator_event,
                event_types=mediators.MEDIATOR_EVENT_TYPES,
            ),
            "tips referrals": TopicFeed(
                self.pool,
                s.kafka_bootstrap_servers,
                group_id=f"{s.service_name}-tips-referrals",
                topic=s.tips_topic,
                projection=referrals.PROJECTION,
                applier=referrals.referral_applier(self.ladder),
                event_types=referrals.REFERRAL_EVENT_TYPES,
            ),
        }


async def start_service(settings: MediationSettings) -> MediationService:
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    await apply_migrations(
        pool, EVENT_STORE_MIGRATIONS, projection.MIGRATIONS, reference.MIGRATIONS, MIGRATIONS
    )
    ladder = settings.ladder()
    recomputed = await recompute_due_dates(pool, ladder)
    if recomputed:
        log.info("escalation ladder changed: due dates of %d disputes recomputed", recomputed)
    return MediationService(
        settings, pool, ladder, PostgresCommandRunner(pool, partial(MediationUnitOfWork, ladder=ladder))
    )


@asynccontextmanager
async def feeding(service: MediationService) -> AsyncIterator[None]:
    """The service's feeds run in the background while the block runs."""
    stopping = asyncio.Event()
    tasks = [asyncio.create_task(feed.run(stopping)) for feed in service.feeds().values()]
    try:
        yield
    finally:
        stopping.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=STOP_TIMEOUT_SECONDS)
