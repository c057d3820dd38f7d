"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.eventstore import PostgresEventStore
from govgrid.reference import OrgReference
from services.patrols.application.officers import OfficerRoster


class PatrolsUnitOfWork:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.events = PostgresEventStore(conn)
        # Read-only lookups on the command's own connection: no second connection per command.
        self.orgs = OrgReference(conn)
        self.officers = OfficerRoster(conn)
