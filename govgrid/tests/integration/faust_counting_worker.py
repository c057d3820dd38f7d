"""A faust worker for test_faust_projection: counts the events of one topic into PostgreSQL once
each, through ApplyOnce. Configured by the environment (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS,
KAFKA_TOPIC_PARTITIONS, PROBE_SERVICE, PROBE_SCHEMA)."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import faust

from govgrid.config import GovgridSettings
from govgrid.db import create_pool
from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic
from govgrid.projection import ApplyOnce
from govgrid.projection.faust_app import events_source
from govgrid.projection.faust_app import projection_app

settings = GovgridSettings()
app = projection_app(f"probe-{os.environ['PROBE_SERVICE']}", settings)
source = events_source(app, events_topic(os.environ["PROBE_SERVICE"]))
state: dict[str, ApplyOnce] = {}
connecting = asyncio.Lock()


async def apply_once() -> ApplyOnce:
    """Connected by the first event: an agent may receive events before any startup task has run."""
    async with connecting:
        if "apply" not in state:
            pool = await create_pool(settings.database_url, schema=os.environ["PROBE_SCHEMA"], max_size=2)
            state["apply"] = ApplyOnce(pool, "probe")
    return state["apply"]


async def count(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    await conn.execute(
        "INSERT INTO probe_counts VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE"
        " SET events = probe_counts.events + 1",
        envelope.stream_id,
    )


@app.agent(source)
async def project(values: faust.StreamT[bytes]) -> None:
    async for raw in values:
        await (await apply_once()).apply(EventEnvelope.from_json_bytes(raw), count)


if __name__ == "__main__":
    app.main()
