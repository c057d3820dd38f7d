"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.eventstore import PostgresEventStore
from govgrid.reference import OrgReference
from services.mediation.application.mediators import MediatorReference
from services.mediation.domain.ladder import EscalationLadder


class MediationUnitOfWork:
    def __init__(self, conn: asyncpg.Connection, ladder: EscalationLadder) -> None:
        self.conn = conn
        self.ladder = ladder
        self.events = PostgresEventStore(conn)
        self.orgs = OrgReference(conn)
        self.mediators = MediatorReference(conn)
