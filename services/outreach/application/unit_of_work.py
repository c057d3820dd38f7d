"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.eventstore import EventStore
from govgrid.eventstore import PostgresEventStore
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from govgrid.service.lookups import Holds
from services.outreach.domain.enterprise_visits import Officer
from services.outreach.domain.referrals import NoSecondPendingReferral

# One referral of a person to an enterprise waiting for its outcome at a time.
PENDING_REFERRALS = Holds("pending_referrals", "referral_id", NoSecondPendingReferral.code)


class OutreachUnitOfWork:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.events: EventStore = PostgresEventStore(conn)  # an import's StreamBatch (batched)
        # On the command's connection: a command never waits for a second connection of the pool.
        self.orgs = OrgReference(conn)
        self.people = PeopleReference(conn)

    async def officer(self, person_id: str) -> Officer | None:
        ref = await self.people.officer(person_id)
        return Officer(person_id, ref.left_service_on) if ref is not None else None

    async def pending_referral(self, person_ref: str, enterprise_code: str) -> str | None:
        referral_id: str | None = await self.conn.fetchval(
            "SELECT referral_id FROM pending_referrals WHERE person_ref = $1 AND enterprise_code = $2",
            person_ref,
            enterprise_code,
        )
        return referral_id

    async def hold_referral(self, referral_id: str, person_ref: str, enterprise_code: str) -> None:
        waiting = f"this person's referral to {enterprise_code} is already waiting for its outcome"
        await PENDING_REFERRALS.hold(self.conn, waiting, referral_id, person_ref, enterprise_code)

    async def release_referral(self, referral_id: str) -> None:
        await PENDING_REFERRALS.release(self.conn, referral_id)
