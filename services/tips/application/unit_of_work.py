"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import asyncpg

from govgrid.envelope import Jurisdiction
from govgrid.eventstore import PostgresEventStore
from govgrid.officers import Officer
from govgrid.reference import OrgReference
from govgrid.reference import PeopleReference
from services.tips.application import lead_index
from services.tips.application.sealing import SealedContact
from services.tips.application.sealing import Sealer
from services.tips.domain.contact_groups import ContactGroup
from services.tips.domain.leads import Deadlines
from services.tips.domain.leads import Lead


class TipsUnitOfWork:
    def __init__(
        self, conn: asyncpg.Connection, sealer: Sealer, deadlines: Deadlines, retention: timedelta
    ) -> None:
        self.conn = conn
        self.deadlines = deadlines  # of triage and decision, by priority (settings)
        self.retention = retention  # of the informant's contact after closing (settings)
        self.events = PostgresEventStore(conn)
        self.orgs = OrgReference(conn)
        self.people = PeopleReference(conn)
        self._sealer = sealer

    async def officer(self, person_id: str) -> Officer | None:
        """The officer as the registry knows them now (their current station, still serving or not)."""
        return await self.people.current_officer(person_id)

    # ------------------------------------------------------------ the sealed store

    async def seal_contact(self, lead_id: str, ref: str, contact: str) -> None:
        """Encrypt and store the contact under a new key of the lead's own."""
        sealed = self._sealer.seal(lead_id, ref, contact)
        await self.conn.execute(
            "INSERT INTO lead_keys (lead_id, master_key_id, key_nonce, wrapped_key) VALUES ($1, $2, $3, $4)",
            lead_id,
            sealed.master_key_id,
            sealed.key_nonce,
            sealed.wrapped_key,
        )
        await self.conn.execute(
            "INSERT INTO sealed_contacts (ref, lead_id, nonce, ciphertext) VALUES ($1, $2, $3, $4)",
            ref,
            lead_id,
            sealed.nonce,
            sealed.ciphertext,
        )

    async def open_contact(self, lead_id: str) -> str | None:
        """The contact in clear, None once its key is destroyed. The key row stays locked until the
        transaction ends, so a concurrent shredding waits for the reveal to be recorded."""
        row = await self.conn.fetchrow(
            "SELECT s.ref, k.lead_id, k.master_key_id, k.key_nonce, k.wrapped_key, s.nonce, s.ciphertext"
            " FROM lead_keys k JOIN sealed_contacts s ON s.lead_id = k.lead_id"
            " WHERE k.lead_id = $1 FOR SHARE OF k",
            lead_id,
        )
        return self._sealer.open(SealedContact(**dict(row))) if row is not None else None

    async def schedule_destruction(self, lead_id: str, on: date) -> None:
        await self.conn.execute("UPDATE lead_keys SET destroy_on = $2 WHERE lead_id = $1", lead_id, on)

    async def destroy_key(self, lead_id: str, today: date) -> bool:
        """Delete the lead's key (and, by cascade, its ciphertext) if its retention has ended."""
        destroyed = await self.conn.fetchval(
            "DELETE FROM lead_keys WHERE lead_id = $1 AND destroy_on <= $2 RETURNING true", lead_id, today
        )
        return bool(destroyed)

    # ------------------------------------------------------------ lookups written with the events

    async def index_lead(self, lead: Lead, version: int, jurisdiction: Jurisdiction) -> None:
        await lead_index.save(self.conn, lead, version, jurisdiction)

    async def index_contact_group(self, group: ContactGroup) -> None:
        await self.conn.execute(
            "INSERT INTO contact_groups (group_id, village_code, kind) VALUES ($1, $2, $3)",
            group.group_id,
            group.village_code,
            group.kind.value,
        )

    async def contact_groups_of(self, village_codes: tuple[str, ...]) -> tuple[str, ...]:
        rows = await self.conn.fetch(
            "SELECT group_id FROM contact_groups WHERE village_code = ANY($1::text[]) ORDER BY group_id",
            list(village_codes),
        )
        return tuple(r["group_id"] for r in rows)
