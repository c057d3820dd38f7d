"""What a command handler of this service works with inside its transaction."""

from __future__ import annotations

import asyncpg

from govgrid.catalogue.appointments import AppointmentKind
from govgrid.eventstore import EventStore
from govgrid.eventstore import PostgresEventStore
from govgrid.service.lookups import Holds
from services.appointments.domain.appointments import NoSecondActiveAppointment

# One active appointment of a kind per person.
ACTIVE_APPOINTMENTS = Holds("active_appointments", "appointment_id", NoSecondActiveAppointment.code)


class AppointmentsUnitOfWork:
    def __init__(self, conn: asyncpg.Connection, certificate_prefix: str) -> None:
        self.conn = conn
        self.certificate_prefix = certificate_prefix
        self.events: EventStore = PostgresEventStore(conn)  # an import's StreamBatch (batched)

    async def badge_holder(self, badge_number: str) -> str | None:
        holder: str | None = await self.conn.fetchval(
            "SELECT person_id FROM badge_numbers WHERE badge_number = $1", badge_number
        )
        return holder

    async def claim_badge(self, badge_number: str, person_id: str) -> None:
        await self.conn.execute("INSERT INTO badge_numbers VALUES ($1, $2)", badge_number, person_id)

    async def active_appointments(
        self, person_id: str, kind: AppointmentKind | None = None
    ) -> tuple[str, ...]:
        rows = await self.conn.fetch(
            "SELECT appointment_id FROM active_appointments"
            " WHERE person_id = $1 AND ($2::text IS NULL OR kind = $2)"
            " ORDER BY appointment_id",
            person_id,
            kind,
        )
        return tuple(r["appointment_id"] for r in rows)

    async def hold(self, appointment_id: str, person_id: str, kind: AppointmentKind) -> None:
        taken = f"person {person_id} already holds an active {kind.value} appointment"
        await ACTIVE_APPOINTMENTS.hold(self.conn, taken, appointment_id, person_id, kind.value)

    async def release(self, appointment_id: str) -> None:
        await ACTIVE_APPOINTMENTS.release(self.conn, appointment_id)

    async def next_certificate_sequence(self, year: int) -> int:
        # The row lock serialises concurrent issuers of one year: no gaps, no duplicates.
        sequence: int = await self.conn.fetchval(
            "INSERT INTO certificate_sequences VALUES ($1, 1) ON CONFLICT (year)"
            " DO UPDATE SET last_number = certificate_sequences.last_number + 1 RETURNING last_number",
            year,
        )
        return sequence
