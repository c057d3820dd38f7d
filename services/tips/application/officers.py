"""Police officers as this service knows them: a local table fed from the appointments topic (the
registry's people events), like the organisation reference table, so assigning a lead or checking
its handler never calls another service.

Only each officer's current station and whether they still serve are kept: a transfer or a leaving
applies from the moment the event arrives (their ``effective_on`` is not modelled).
"""

from __future__ import annotations

import logging

import asyncpg

from govgrid.catalogue import catalogue
from govgrid.catalogue.appointments import (
    PersonLeftService,
    PoliceOfficerRegistered,
    PoliceOfficerTransferred,
)
from govgrid.envelope import EventEnvelope
from govgrid.projection import TopicFeed
from services.tips.domain.leads import Officer

log = logging.getLogger("services.tips.officers")

PROJECTION = "tips_officers"  # its name in applied_events
OFFICER_EVENT_TYPES = frozenset(
    model.event_type for model in (PoliceOfficerRegistered, PoliceOfficerTransferred, PersonLeftService)
)


async def apply_officer_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update ``ref_officers`` for a people event; any other event of the topic is ignored. Run it
    under ``ApplyOnce``. A person's events share one stream, so they arrive in order."""
    if envelope.event_type not in OFFICER_EVENT_TYPES:
        return
    event = catalogue.decode(envelope)
    if isinstance(event, PoliceOfficerRegistered):
        await conn.execute(
            "INSERT INTO ref_officers (person_id, station_code, active) VALUES ($1, $2, true)"
            " ON CONFLICT (person_id) DO UPDATE SET station_code = EXCLUDED.station_code, active = true",
            event.person_id,
            event.station_code,
        )
    elif isinstance(event, PoliceOfficerTransferred):
        status = await conn.execute(
            "UPDATE ref_officers SET station_code = $2 WHERE person_id = $1",
            event.person_id,
            event.to_station_code,
        )
        if status == "UPDATE 0":
            log.warning(
                "transfer of unknown officer %s ignored (event %s)", event.person_id, envelope.event_id
            )
    elif isinstance(event, PersonLeftService):
        # Village cadres leave service too; they are not in the table, so nothing changes for them.
        await conn.execute("UPDATE ref_officers SET active = false WHERE person_id = $1", event.person_id)


class OfficerReference:
    """Read-only queries on ``ref_officers`` (on a pool, or on a command's connection)."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def officer(self, person_id: str) -> Officer | None:
        row = await self._db.fetchrow(
            "SELECT person_id, station_code, active FROM ref_officers WHERE person_id = $1", person_id
        )
        return Officer(row["person_id"], row["station_code"], row["active"]) if row is not None else None


class OfficerFeed(TopicFeed):
    """Keeps ``ref_officers`` in step with the appointments topic; run it as a background task."""

    def __init__(self, pool: asyncpg.Pool, bootstrap_servers: str, consumer_name: str, topic: str) -> None:
        super().__init__(
            pool,
            bootstrap_servers,
            group_id=f"{consumer_name}-officers",
            topic=topic,
            projection=PROJECTION,
            applier=apply_officer_event,
            event_types=OFFICER_EVENT_TYPES,
        )
