"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.eventstore import PostgresEventStore
from govgrid.officers import Officer
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference


class PatrolsUnitOfWork:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.events = PostgresEventStore(conn)
        # Read-only lookups on the command's own connection: no second connection per command.
        self.orgs = OrgReference(conn)
        self.people = PeopleReference(conn)

    async def officer(self, person_id: str) -> Officer | None:
        """The officer as the registry last said; a team's rules do not look at the past."""
        return await self.people.current_officer(person_id)
