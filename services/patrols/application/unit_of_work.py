"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.eventstore import PostgresEventStore
from govgrid.reference import OrgReference, PeopleReference
from services.patrols.domain.teams import Officer


class PatrolsUnitOfWork:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.events = PostgresEventStore(conn)
        # Read-only lookups on the command's own connection: no second connection per command.
        self.orgs = OrgReference(conn)
        self.people = PeopleReference(conn)

    async def officer(self, person_id: str) -> Officer | None:
        """The officer as the registry last said; a team's rules do not look at the past."""
        ref = await self.people.officer(person_id)
        if ref is None or ref.station_code is None:
            return None
        return Officer(ref.person_id, ref.station_code, active=ref.left_service_on is None)
