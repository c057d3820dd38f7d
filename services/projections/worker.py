"""The projection worker: faust-streaming agents consume every write service's topic and apply each
event to the read models (services.projections.dispatch).

    python -m services.projections.worker worker --without-web -l info
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

import faust

from govgrid.envelope import EventEnvelope
from govgrid.kafka import ensure_topics
from govgrid.observability import DependencyAway
from govgrid.projection.faust_app import events_source, projection_app, until_database_answers
from services.projections.dispatch import project
from services.projections.generations import Generations
from services.projections.positions import KafkaPosition
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings

log = logging.getLogger("govgrid.projections.worker")

SOURCES = tuple(sorted({service for model in READ_MODELS for service in model.services}))
RETRY_SECONDS = 2.0

settings = ProjectionsSettings()
app = projection_app(settings.app_id, settings)
state: dict[str, Generations] = {}
opening = asyncio.Lock()
read_models_away = DependencyAway(log, "PostgreSQL (read models)")


async def generations() -> Generations:
    """The read models' generations, opened (and migrated) by the first event that needs them."""
    async with opening:
        if "generations" not in state:
            state["generations"] = await Generations.open(settings)
    return state["generations"]


async def project_one(envelope: EventEnvelope, at: KafkaPosition) -> None:
    await project(await generations(), READ_MODELS, envelope, at)


def agent_for(service: str) -> Callable[[faust.StreamT[bytes]], Awaitable[None]]:
    async def project_events(values: faust.StreamT[bytes]) -> None:
        async for event in values.events():
            envelope = EventEnvelope.from_json_bytes(event.value)
            at = KafkaPosition.of(event.message)  # kept instead of the event if it is parked
            await until_database_answers(partial(project_one, envelope, at), read_models_away, RETRY_SECONDS)

    project_events.__name__ = f"project_{service}"
    return project_events


for source in SOURCES:
    app.agent(events_source(app, settings.topic_of(source)), name=f"project-{source}")(agent_for(source))


def main() -> None:
    # faust crashes in a loop on a missing topic or a partition mismatch: create them first.
    topics = {settings.topic_of(service): settings.kafka_topic_partitions for service in SOURCES}
    asyncio.run(ensure_topics(settings.kafka_bootstrap_servers, topics, settings.kafka_replication_factor))
    app.main()


if __name__ == "__main__":
    main()
