"""faust-streaming set up the way every projection worker needs it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from collections.abc import Callable
from typing import TypeVar

import asyncpg  # type: ignore[import-untyped,unused-ignore]  # asyncpg ships no type hints
import faust

from govgrid.config import GovgridSettings
from govgrid.observability import NOISY_LIBRARIES
from govgrid.observability import DependencyAway
from govgrid.observability import quiet_repeats
from govgrid.web.errors import DATABASE_UNAVAILABLE

# A dead worker's partitions go to the others once Kafka stops hearing from it: after this many
# seconds (faust's default is 60). The broker's group.min.session.timeout.ms (6 s by default) allows it.
SESSION_TIMEOUT_SECONDS = 10.0
HEARTBEAT_INTERVAL_SECONDS = 3.0

# PostgreSQL unreachable, starting up (CannotConnectNowError), shutting down (AdminShutdownError) or
# restarting after a crash, or a connection lost mid-query: the event is applied again once it is back.
DATABASE_AWAY: tuple[type[BaseException], ...] = (*DATABASE_UNAVAILABLE, asyncpg.InterfaceError)

T = TypeVar("T")


def projection_app(app_id: str, settings: GovgridSettings) -> faust.App:
    """A faust App that only reads the write services' topics.

    The topics are created by the project with ``kafka_topic_partitions`` partitions (faust crashes
    in a loop on a mismatch), never by faust; read models live in PostgreSQL, not in faust tables.
    """
    brokers = [f"kafka://{address.strip()}" for address in settings.kafka_bootstrap_servers.split(",")]
    for library in NOISY_LIBRARIES:  # one line per interval, not one per reconnect, while one is away
        quiet_repeats(library)
    return faust.App(
        app_id,
        broker=brokers,
        broker_session_timeout=SESSION_TIMEOUT_SECONDS,
        broker_heartbeat_interval=HEARTBEAT_INTERVAL_SECONDS,
        topic_partitions=settings.kafka_topic_partitions,
        topic_allow_declare=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        store="memory://",
        web_enabled=False,
    )


def events_source(app: faust.App, topic: str) -> faust.TopicT:
    """A write service's events topic (see govgrid.kafka.events_topic), values as raw bytes
    (decoded by govgrid.envelope)."""
    return app.topic(topic, key_serializer="raw", value_serializer="raw")


async def until_database_answers(
    attempt: Callable[[], Awaitable[T]], outage: DependencyAway, retry_seconds: float
) -> T:
    """``attempt()``, tried again every ``retry_seconds`` while PostgreSQL is away (an agent that
    raised would stop; its offset is not committed meanwhile). ``outage`` logs the outage once per
    interval, not once per retry."""
    while True:
        try:
            result = await attempt()
        except DATABASE_AWAY as exc:
            outage.away(exc)
            await asyncio.sleep(retry_seconds)
        else:
            outage.back()
            return result
