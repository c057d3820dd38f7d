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
from govgrid.stopping import sleep_unless_stopping
from services.mediation.application import mediators, referrals
from services.mediation.application.index import recompute_due_dates
from services.mediation.application.unit_of_work import MediationUnitOfWork
from services.mediation.domain.ladder import EscalationLadder
from services.mediation.settings import MediationSettings

log = logging.getLogger("services.mediation")

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0
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


async def keep_feeding(name: str, feed: TopicFeed, stopping: asyncio.Event) -> None:
    """Run ``feed`` until ``stopping``. TopicFeed rides out Kafka and PostgreSQL outages itself; what
    else stops it (a referral naming a village not known yet, a bug) is logged and the feed restarts
    from its last committed offset, so no event is skipped."""
    backoff = FIRST_RETRY_SECONDS
    while not stopping.is_set():
        try:
            await feed.run(stopping)
        except referrals.VillageNotKnownYet as exc:
            log.warning("feed %s waits, retrying in %.1fs: %s", name, backoff, exc)
        except Exception:
            log.exception("feed %s stopped, restarting in %.1fs", name, backoff)
        await sleep_unless_stopping(stopping, backoff)
        backoff = min(backoff * 2, MAX_RETRY_SECONDS)


@asynccontextmanager
async def feeding(service: MediationService) -> AsyncIterator[None]:
    """The service's feeds run in the background while the block runs."""
    stopping = asyncio.Event()
    tasks = [
        asyncio.create_task(keep_feeding(name, feed, stopping)) for name, feed in service.feeds().items()
    ]
    try:
        yield
    finally:
        stopping.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=STOP_TIMEOUT_SECONDS)
