"""The service object every write service is (settings, pool, command runner, background work), how
it starts (pool and migrations), how it runs (its feeds and loops as background tasks) and its app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Generic
from typing import TypeVar

import asyncpg
from fastapi import APIRouter
from fastapi import Depends
from fastapi import FastAPI
from fastapi import Request

from govgrid import projection
from govgrid import reference
from govgrid.commands import PostgresCommandRunner
from govgrid.db import apply_migrations
from govgrid.db import create_pool
from govgrid.eventstore import MIGRATIONS as EVENT_STORE_MIGRATIONS
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.checkpoint import Checkpoints
from govgrid.projection import Applier
from govgrid.projection import TopicFeed
from govgrid.service.settings import ServiceSettings
from govgrid.web.app import create_service_app
from govgrid.web.health import postgres_ready_check

log = logging.getLogger(__name__)

U = TypeVar("U")
Se = TypeVar("Se", bound=ServiceSettings)

# Work that runs while the service runs, until the event is set (a feed's run, a periodic job).
Background = Callable[[asyncio.Event], Awaitable[None]]
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class ServiceBase(Generic[U, Se]):
    """A started service. A service subclasses it to add what its handlers and feeds share, and
    overrides ``background`` to list what it learns from other topics or does on its own."""

    settings: Se
    pool: asyncpg.Pool
    commands: PostgresCommandRunner[U]

    @property
    def events(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)

    def background(self) -> Mapping[str, Background]:
        return {}

    def kit_background(self) -> Mapping[str, Background]:
        """What the kit runs in every service beside its own ``background``: the checkpoints of its
        event log (govgrid.eventstore.checkpoint)."""
        s = self.settings
        return {
            "event log checkpoints": Checkpoints(
                self.pool, s.service_name, s.event_log_checkpoint_interval
            ).run
        }

    def consumer_group(self, feed: str) -> str:
        """The one naming rule of consumer groups: ``<schema>-<feed>``, after the tables it fills (the
        schema is the service's name unless set otherwise): a new schema reads its topics from the
        start, as its empty tables need."""
        return f"{self.settings.database_schema}-{feed}"

    def feed(
        self,
        name: str,
        *,
        topic: str,
        projection: str,
        applier: Applier,
        event_types: frozenset[str] | None = None,
        appends_events: bool = False,
    ) -> Background:
        """A feed of another service's topic into this service's tables (govgrid.projection.TopicFeed);
        ``appends_events`` when its applier appends to this service's store."""
        return TopicFeed(
            self.pool,
            self.settings.kafka_bootstrap_servers,
            group_id=self.consumer_group(name),
            topic=topic,
            projection=projection,
            applier=applier,
            event_types=event_types,
            appends_events=appends_events,
        ).run

    def reference_feeds(
        self, *, people: bool = True, more: Sequence[reference.ReferenceTable] = ()
    ) -> dict[str, Background]:
        """The organisation (and people) reference tables, and ``more`` of the service's own tables
        fed from the appointments topic, all by one consumer (``consumer_group("reference")``)."""
        s = self.settings
        tables = [reference.ORG_TABLES, *([reference.PEOPLE_TABLE] if people else []), *more]
        feed = reference.ReferenceFeed(
            self.pool, s.kafka_bootstrap_servers, s.database_schema, tables, s.appointments_topic
        )
        return {"reference": feed.run}


async def open_pool(settings: ServiceSettings, *migrations: Path, feeds: bool = False) -> asyncpg.Pool:
    """The service's pool in its own schema, with the event store's migrations, then (``feeds``)
    those of the feeds and reference tables, then the service's own applied."""
    pool = await create_pool(
        settings.database_url, schema=settings.database_schema, max_size=settings.database_pool_max
    )
    kernel = (projection.MIGRATIONS, reference.MIGRATIONS) if feeds else ()
    try:
        await apply_migrations(pool, EVENT_STORE_MIGRATIONS, *kernel, *migrations)
    except BaseException:
        await pool.close()
        raise
    return pool


@asynccontextmanager
async def running(service: ServiceBase[Any, Any]) -> AsyncIterator[None]:
    """The service's background work, and the kit's, runs while the block runs; each piece stops when
    asked (feeds survive Kafka outages on their own, see govgrid.projection.TopicFeed)."""
    stopping = asyncio.Event()
    work = {**service.kit_background(), **service.background()}
    tasks = [asyncio.ensure_future(run(stopping)) for run in work.values()]
    try:
        yield
    finally:
        stopping.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=STOP_TIMEOUT_SECONDS)


async def current_service(request: Request) -> ServiceBase[Any, Any]:  # async: no worker thread
    """The started service of the app serving the request (set by the lifespan, or by a test)."""
    service: ServiceBase[Any, Any] = request.app.state.service
    return service


CurrentService = Annotated[ServiceBase[Any, Any], Depends(current_service)]


def service_app(
    settings: Se,
    start: Callable[[Se], Awaitable[ServiceBase[Any, Se]]],
    *,
    title: str,
    description: str,
    routers: Iterable[APIRouter],
) -> FastAPI:
    """The service's FastAPI app: its lifespan starts the service (``start(settings)``), runs its
    background work and closes its pool; /readyz checks its PostgreSQL."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await start(settings)
        app.state.service = service
        try:
            async with running(service):
                yield
        finally:
            await service.pool.close()

    async def postgres_ready() -> None:
        await postgres_ready_check(app.state.service.pool)()

    app = create_service_app(
        settings,
        title=title,
        description=description,
        routers=routers,
        ready_checks={"postgres": postgres_ready},
        lifespan=lifespan,
    )
    return app
