"""A record's deadline clocks (govgrid.clocks) in the service kit: a stream beside the record's own,
``<kind>-<record id>`` (its own StreamNaming), and the four clock commands as declared routes.

The clocks have a stream of their own so that the record's history and versions stay what they
were (a client's expected version of a lead does not move when its clock is paused), and are written
in the same transaction as the record's events that start or stop them. Every clock command first
acts on the record itself (role, the record: 404, the caller's jurisdiction over it: 403), and only
then reads its clocks; the clock events carry the record's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any
from typing import Generic
from typing import TypeVar

from govgrid import clocks
from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.clocks import ClockChanged
from govgrid.china_time import china_day
from govgrid.clocks import NO_CLOCKS
from govgrid.clocks import CarryOverClock
from govgrid.clocks import ClockEventTypes
from govgrid.clocks import Clocks
from govgrid.clocks import ExtendClock
from govgrid.clocks import PauseClock
from govgrid.clocks import ResumeClock
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import StreamNaming
from govgrid.service.pipeline import Aggregate
from govgrid.service.pipeline import Target
from govgrid.service.pipeline import UnitOfWork
from govgrid.service.routes import Command
from govgrid.service.routes import state_response
from govgrid.working_days import WorkingDays
from govgrid.working_days import china_working_days

U = TypeVar("U", bound=UnitOfWork)

# The answer of a clock command: the record's clocks and the clock stream's version.
ClocksAnswer = state_response(Clocks)


def evolve_clocks(state: Clocks | None, event: DomainEvent) -> Clocks:
    if not isinstance(event, ClockChanged):
        raise ValueError(f"{type(event).__name__} is no clock event")
    return (state or NO_CLOCKS).evolve(event)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RecordClocks(Generic[U]):
    """The clocks of one kind of record (a lead, a dispute): their stream, their event types, and
    the roles that may pause, resume and carry over (``writers``) or ask for an extension."""

    record: Aggregate[Any, U]
    stream_id: StreamNaming  # the clock stream's name from the record's id
    events: ClockEventTypes
    writers: frozenset[Role]
    extenders: frozenset[Role]

    @property
    def calendar(self) -> WorkingDays:
        return china_working_days()

    @property
    def aggregate(self) -> Aggregate[Clocks, U]:
        return Aggregate(f"{self.record.kind} clocks", self.stream_id, evolve_clocks)

    async def of(self, record: Target[Any, U], record_id: str) -> Target[Clocks, U]:
        """The clocks of a record a command was allowed to act on: its checks stand for theirs."""
        loaded = await self.aggregate.load(record.uow, record_id)
        return Target(self.aggregate, record.uow, record.ctx, loaded, record.jurisdiction, 200)

    async def bring(
        self,
        record: Target[Any, U],
        record_id: str,
        on: date | datetime | None,
        follow: Callable[[Clocks], list[ClockChanged]],
    ) -> None:
        """Append the clock events that a record's events bring (``follow(clocks)``: the stages they
        start and stop), dated ``on`` like the record's act."""
        target = await self.of(record, record_id)
        brought = follow(target.loaded.state or NO_CLOCKS)
        if brought:
            await target.append(brought, on=on)

    async def _act(
        self, uow: U, ctx: CommandContext, record_id: str, roles: frozenset[Role], at: datetime
    ) -> tuple[Target[Clocks, U], Clocks]:
        record = await self.record.act(uow, ctx, record_id, roles, on=china_day(at))
        target = await self.of(record, record_id)
        return target, target.loaded.state or NO_CLOCKS

    def commands(self, id_name: str) -> list[Command]:
        """POST .../{id}/clocks/{stage}/pause, /resume, /extend, /carry-over for a router whose path ids
        are ``id_name`` and ``stage``."""
        base = f"/{{{id_name}}}/clocks/{{stage}}"

        async def pause_clock(
            uow: U, ctx: CommandContext, record_id: str, stage: str, cmd: PauseClock
        ) -> CommandResult:
            target, state = await self._act(uow, ctx, record_id, self.writers, cmd.paused_at)
            events = clocks.pause(
                self.events, state, stage, at=cmd.paused_at, reason=cmd.reason, note=cmd.note, now=now()
            )
            return await target.record(events, on=cmd.paused_at)

        async def resume_clock(
            uow: U, ctx: CommandContext, record_id: str, stage: str, cmd: ResumeClock
        ) -> CommandResult:
            target, state = await self._act(uow, ctx, record_id, self.writers, cmd.resumed_at)
            events = clocks.resume(
                self.events, state, stage, at=cmd.resumed_at, now=now(), calendar=self.calendar
            )
            return await target.record(events, on=cmd.resumed_at)

        async def extend_clock(
            uow: U, ctx: CommandContext, record_id: str, stage: str, cmd: ExtendClock
        ) -> CommandResult:
            target, state = await self._act(uow, ctx, record_id, self.extenders, cmd.extended_at)
            events = clocks.extend(
                self.events,
                state,
                stage,
                at=cmd.extended_at,
                working_days=cmd.working_days,
                role=ctx.principal.role,
                reason=cmd.reason,
                now=now(),
                calendar=self.calendar,
            )
            return await target.record(events, on=cmd.extended_at)

        async def carry_over_clock(
            uow: U, ctx: CommandContext, record_id: str, stage: str, cmd: CarryOverClock
        ) -> CommandResult:
            target, state = await self._act(uow, ctx, record_id, self.writers, cmd.carried_over_at)
            events = clocks.carry_over(
                self.events, state, stage, at=cmd.carried_over_at, reason=cmd.reason, now=now()
            )
            return await target.record(events, on=cmd.carried_over_at)

        return [
            Command(
                f"{base}/pause",
                pause_clock,
                "Pause the stage's clock with a reason (waiting for a party, a holiday...)",
                ClocksAnswer,
            ),
            Command(
                f"{base}/resume",
                resume_clock,
                "Resume a paused clock: the working days it was paused are added to its deadline",
                ClocksAnswer,
            ),
            Command(
                f"{base}/extend",
                extend_clock,
                "Extend the deadline once: only a role above the stage's owner, with a reason",
                ClocksAnswer,
            ),
            Command(
                f"{base}/carry-over",
                carry_over_clock,
                "Carry the clock over (挂账) into the next month, with a reason, in the month it is due",
                ClocksAnswer,
            ),
        ]
