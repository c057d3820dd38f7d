"""The police officers of the registry, as this service needs them: who exists, who left service.

Fed from the appointments topic like the organisation reference (event-carried state transfer), so
recording a visit never calls the appointments service. A person's events share one stream, so they
arrive in order.
"""

from __future__ import annotations

import asyncpg

from govgrid.catalogue import catalogue
from govgrid.catalogue.appointments import PersonLeftService, PoliceOfficerRegistered
from govgrid.envelope import EventEnvelope
from govgrid.projection import TopicFeed

PROJECTION = "outreach_officers"  # its name in applied_events
OFFICER_EVENT_TYPES = frozenset({PoliceOfficerRegistered.event_type, PersonLeftService.event_type})


async def apply_officer_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update the officers table; run under ``ApplyOnce``. A cadre leaving service changes nothing."""
    if envelope.event_type not in OFFICER_EVENT_TYPES:
        return
    event = catalogue.decode(envelope)
    if isinstance(event, PoliceOfficerRegistered):
        await conn.execute(
            "INSERT INTO officers (person_id) VALUES ($1) ON CONFLICT (person_id) DO NOTHING", event.person_id
        )
    elif isinstance(event, PersonLeftService):
        await conn.execute(
            "UPDATE officers SET left_service_on = $2 WHERE person_id = $1",
            event.person_id,
            event.effective_on,
        )


def officer_feed(pool: asyncpg.Pool, bootstrap_servers: str, *, consumer_name: str, topic: str) -> TopicFeed:
    return TopicFeed(
        pool,
        bootstrap_servers,
        group_id=f"{consumer_name}-officers",
        topic=topic,
        projection=PROJECTION,
        applier=apply_officer_event,
        event_types=OFFICER_EVENT_TYPES,
    )
