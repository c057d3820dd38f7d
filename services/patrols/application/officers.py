"""The officer roster: which police officers exist, where they serve and whether they are still in
service, kept locally from the appointments topic (event-carried state transfer, like the
organisation reference), so adding an officer to a team never calls another service.

A person's events are one stream, so they arrive in order; cadres' events are ignored.
"""

from __future__ import annotations

import asyncpg

from govgrid.catalogue import catalogue
from govgrid.catalogue.appointments import (
    PersonLeftService,
    PoliceOfficerRegistered,
    PoliceOfficerTransferred,
)
from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic
from govgrid.projection import TopicFeed
from services.patrols.domain.teams import Officer

PROJECTION = "officer_roster"  # its name in applied_events
OFFICER_EVENT_TYPES = frozenset(
    model.event_type for model in (PoliceOfficerRegistered, PoliceOfficerTransferred, PersonLeftService)
)


async def apply_officer_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update the roster for an officer's event; ignore any other event. Run it under ApplyOnce."""
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
        await conn.execute(
            "UPDATE ref_officers SET station_code = $2 WHERE person_id = $1",
            event.person_id,
            event.to_station_code,
        )
    elif isinstance(event, PersonLeftService):  # a cadre leaving matches no row
        await conn.execute("UPDATE ref_officers SET active = false WHERE person_id = $1", event.person_id)


class OfficerRoster:
    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def officer(self, person_id: str) -> Officer | None:
        row = await self._db.fetchrow(
            "SELECT person_id, station_code, active FROM ref_officers WHERE person_id = $1", person_id
        )
        return Officer(row["person_id"], row["station_code"], row["active"]) if row is not None else None


class OfficerRosterFeed(TopicFeed):
    """Keeps the roster in step with the appointments topic; run it as a background task."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap_servers: str,
        consumer_name: str,
        topic: str = events_topic("appointments"),
    ) -> None:
        super().__init__(
            pool,
            bootstrap_servers,
            group_id=f"{consumer_name}-officer-roster",
            topic=topic,
            projection=PROJECTION,
            applier=apply_officer_event,
            event_types=OFFICER_EVENT_TYPES,
        )
