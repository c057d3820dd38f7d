"""faust-streaming set up the way every projection worker needs it."""

from __future__ import annotations

import faust

from govgrid.config import GovgridSettings


def projection_app(app_id: str, settings: GovgridSettings) -> faust.App:
    """A faust App that only reads the write services' topics.

    The topics are created by the project with ``kafka_topic_partitions`` partitions (faust crashes
    in a loop on a mismatch), never by faust; read models live in PostgreSQL, not in faust tables.
    """
    brokers = [f"kafka://{address.strip()}" for address in settings.kafka_bootstrap_servers.split(",")]
    return faust.App(
        app_id,
        broker=brokers,
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
