"""Police officers and village cadres as any service sees them: a local table fed from the
appointments topic, so naming an officer in a command never needs a call to another service.

A person's events are one stream, so they arrive in order. One consumer keeps it with the
organisation tables (group ``<consumer_name>-reference``)::

    tables = (reference.ORG_TABLES, reference.PEOPLE_TABLE)
    feed = reference.ReferenceFeed(pool, settings.kafka_bootstrap_servers, "patrols", tables)
    people = reference.PeopleReference(conn)  # in a command handler
    officer = await people.officer(person_id)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from govgrid.catalogue import catalogue
from govgrid.catalogue import event_types
from govgrid.catalogue.appointments import PersonLeftService
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.appointments import PoliceOfficerTransferred
from govgrid.catalogue.appointments import VillageCadreRegistered
from govgrid.envelope import EventEnvelope
from govgrid.officers import Officer
from govgrid.reference.feed import ReferenceTable

PROJECTION = "people_reference"  # its name in applied_events
PEOPLE_EVENT_TYPES = event_types(
    PoliceOfficerRegistered, VillageCadreRegistered, PoliceOfficerTransferred, PersonLeftService
)


@dataclass(frozen=True)
class PersonRef:
    person_id: str
    role: str  # police_officer | village_cadre
    station_code: str | None
    village_code: str | None
    left_service_on: date | None

    def in_service_on(self, day: date) -> bool:
        """Still in service that day (the day someone leaves still counts)."""
        return self.left_service_on is None or day <= self.left_service_on


async def apply_person_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update the table for a person's event; ignore any other event. Run it under ApplyOnce."""
    event = catalogue.decode_if(envelope, PEOPLE_EVENT_TYPES)
    if isinstance(event, PoliceOfficerRegistered):
        await _register(conn, event.person_id, "police_officer", station_code=event.station_code)
    elif isinstance(event, VillageCadreRegistered):
        await _register(conn, event.person_id, "village_cadre", village_code=event.village_code)
    elif isinstance(event, PoliceOfficerTransferred):
        await conn.execute(
            "UPDATE ref_people SET station_code = $2 WHERE person_id = $1",
            event.person_id,
            event.to_station_code,
        )
    elif isinstance(event, PersonLeftService):
        await conn.execute(
            "UPDATE ref_people SET left_service_on = $2 WHERE person_id = $1",
            event.person_id,
            event.effective_on,
        )


async def _register(
    conn: asyncpg.Connection,
    person_id: str,
    role: str,
    *,
    station_code: str | None = None,
    village_code: str | None = None,
) -> None:
    # A person is registered once (their stream's first event): a registration again changes nothing.
    await conn.execute(
        "INSERT INTO ref_people (person_id, role, station_code, village_code) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (person_id) DO NOTHING",
        person_id,
        role,
        station_code,
        village_code,
    )


class PeopleReference:
    """Queries on the table, on a pool or on a command's connection."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def person(self, person_id: str) -> PersonRef | None:
        row = await self._db.fetchrow(
            "SELECT person_id, role, station_code, village_code, left_service_on FROM ref_people"
            " WHERE person_id = $1",
            person_id,
        )
        return PersonRef(**dict(row)) if row is not None else None

    async def officer(self, person_id: str) -> PersonRef | None:
        person = await self.person(person_id)
        return person if person is not None and person.role == "police_officer" else None

    async def current_officer(self, person_id: str) -> Officer | None:
        """The officer as the registry knows them now: their current station, still serving or not."""
        ref = await self.officer(person_id)
        if ref is None or ref.station_code is None:
            return None
        return Officer(ref.person_id, ref.station_code, active=ref.left_service_on is None)


# ref_people, for a ReferenceFeed.
PEOPLE_TABLE = ReferenceTable(PROJECTION, apply_person_event, PEOPLE_EVENT_TYPES)
