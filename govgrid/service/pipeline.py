"""The one command pipeline every handler runs through, so that authorisation happens in the same
order everywhere:

1. role: may this kind of caller do this at all? (403)
2. target: the record the path names (404), or for a new record the place it will be created in;
3. jurisdiction: may this caller act *there*? (403, naming nothing)
4. only then the domain decides, with rules that may read other records (409 naming them is safe now);
5. append the events, answer the new state.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar

import asyncpg
from pydantic import BaseModel

from govgrid.aggregate import Evolve
from govgrid.aggregate import Loaded
from govgrid.aggregate import append_to
from govgrid.aggregate import fold
from govgrid.aggregate import load
from govgrid.aggregate import state_body
from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.china_time import china_day
from govgrid.china_time import today_in_china
from govgrid.commands import CommandContext
from govgrid.commands import CommandResult
from govgrid.envelope import Jurisdiction
from govgrid.errors import Forbidden
from govgrid.errors import RuleBroken
from govgrid.eventstore import PostgresEventStore
from govgrid.eventstore.port import EventStore
from govgrid.web.errors import error_body


class UnitOfWork(Protocol):
    """What a handler gets inside its transaction: at least the event store bound to it."""

    @property
    def events(self) -> EventStore: ...


class EventsOnly:
    """The unit of work of a service whose handlers need nothing but the event store."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.events = PostgresEventStore(conn)


S = TypeVar("S")
U = TypeVar("U", bound=UnitOfWork)

# Where a record's events belong on a given day (an act's day: coverage changes over time).
JurisdictionOf = Callable[[U, S, date], Awaitable[Jurisdiction]]


@dataclass(frozen=True)
class Recorded(Generic[S]):
    """A record's state after a command, and the version it is at."""

    state: S
    version: int

    def answer(self, status_code: int = 200, **extra: Any) -> CommandResult:
        return CommandResult(status_code, {**state_body(self.state, self.version), **extra})


@dataclass(frozen=True)
class Target(Generic[S, U]):
    """The record a command acts on, once the caller has been allowed to act on it: ``jurisdiction``
    is what its new events carry."""

    aggregate: Aggregate[S, U]
    uow: U
    ctx: CommandContext
    loaded: Loaded[S]
    jurisdiction: Jurisdiction
    status_code: int  # 201 for a new record, 200 for an existing one

    @property
    def state(self) -> S:
        """The existing record's state (a target from ``act``)."""
        assert self.loaded.state is not None, "a new record has no state yet"
        return self.loaded.state

    async def append(
        self,
        events: Sequence[DomainEvent],
        *,
        on: date | datetime | None = None,
        jurisdiction: Jurisdiction | None = None,
    ) -> Recorded[S]:
        """Append ``events`` (dated ``on``, see govgrid.aggregate.append_to) with the target's
        jurisdiction, or ``jurisdiction`` when the command moves the record (a transfer)."""
        version = await append_to(
            self.uow.events, self.ctx, self.loaded, list(events), jurisdiction or self.jurisdiction, on=on
        )
        state = fold(self.aggregate.evolve, events, self.loaded.state)
        assert state is not None, "a command on a new record appends its first event"
        return Recorded(state, version)

    async def record(
        self,
        events: Sequence[DomainEvent],
        *,
        on: date | datetime | None = None,
        jurisdiction: Jurisdiction | None = None,
    ) -> CommandResult:
        """Append, and answer the new state (201 for a new record, else 200)."""
        recorded = await self.append(events, on=on, jurisdiction=jurisdiction)
        return recorded.answer(self.status_code)


def refused(ctx: CommandContext, detail: str) -> CommandResult:
    """A 403 that is the command's answer, not an exception: for a refusal that is itself recorded
    (the transaction must commit). Its body is every error's (govgrid.web.errors)."""
    error = Forbidden(detail)
    return CommandResult(403, error_body(error.code, error.message, str(ctx.correlation_id)))


@dataclass(frozen=True)
class Aggregate(Generic[S, U]):
    """A kind of record of a service: how its stream is named and folded, and where it belongs."""

    kind: str  # as a 404 names it: "appointment"
    stream_id: Callable[[str], str]
    evolve: Evolve[S]
    # None: a record stays where it was filed (its latest event's jurisdiction), e.g. a lead keeps the
    # place it was received in.
    jurisdiction_of: JurisdictionOf[U, S] | None = None

    async def load(self, uow: U, ident: str) -> Loaded[S]:
        return await load(uow.events, self.stream_id(ident), self.evolve)

    async def named(self, uow: U, ident: str, code: str) -> S:
        """A record a command's body names besides its target (the team a patrol is scheduled for):
        unknown, it is the broken rule ``code`` (409: the request is fine, the world is not), not a
        missing resource (404)."""
        state = (await self.load(uow, ident)).state
        if state is None:
            raise RuleBroken(code, f"no {self.kind} {ident!r}")
        return state

    def after(self, state: S, events: Sequence[DomainEvent]) -> S:
        """The state once ``events`` are applied (where a moved record will belong, before appending)."""
        return fold(self.evolve, events, state)

    async def act(
        self, uow: U, ctx: CommandContext, ident: str, roles: frozenset[Role], *, on: date | None = None
    ) -> Target[S, U]:
        """Steps 1-3 for the record ``ident`` names: role, the record (404), its jurisdiction on the
        act's day ``on`` (default: today in China)."""
        ctx.require_role(roles)
        loaded = await self.load(uow, ident)
        jurisdiction = await self._jurisdiction(uow, loaded, ident, on)
        ctx.principal.ensure_can_change(jurisdiction)
        return Target(self, uow, ctx, loaded, jurisdiction, 200)

    async def create(
        self,
        uow: U,
        ctx: CommandContext,
        ident: str,
        roles: frozenset[Role],
        where: Callable[[], Awaitable[Jurisdiction]],
    ) -> Target[S, U]:
        """Steps 1-3 for a new record: role, then ``where`` it will belong (from the places the command
        names: an unknown code there is the caller's own mistake), then the caller's jurisdiction
        there. The stream is loaded last: the domain refuses an id already taken."""
        ctx.require_role(roles)
        jurisdiction = await where()
        ctx.principal.ensure_can_change(jurisdiction)
        return Target(self, uow, ctx, await self.load(uow, ident), jurisdiction, 201)

    async def decide(
        self,
        uow: U,
        ctx: CommandContext,
        ident: str,
        roles: frozenset[Role],
        rule: Callable[..., Sequence[DomainEvent]],
        cmd: BaseModel,
        *,
        on: date | datetime | None = None,
        **context: Any,
    ) -> CommandResult:
        """A command that acts on the record ``ident`` names and records what ``rule`` decides, every
        field of ``cmd`` one of the rule's arguments by the same name: steps 1-3 on the act's day
        ``on``, then ``rule(state, **fields, **context)`` (``context``: what the command does not say,
        e.g. today), its events appended dated ``on``, the new state answered."""
        t = await self.act(uow, ctx, ident, roles, on=china_day(on) if isinstance(on, datetime) else on)
        return await t.record(rule(t.state, **dict(cmd), **context), on=on)

    async def affected(
        self, uow: U, ctx: CommandContext, ident: str, *, on: date | None = None
    ) -> Target[S, U]:
        """A record that a command the caller was allowed to give changes as its consequence (an
        officer leaving ends their appointments): no checks of its own."""
        loaded = await self.load(uow, ident)
        return Target(self, uow, ctx, loaded, await self._jurisdiction(uow, loaded, ident, on), 200)

    async def _jurisdiction(self, uow: U, loaded: Loaded[S], ident: str, on: date | None) -> Jurisdiction:
        """Where the record ``ident`` names belongs (404 when it does not exist)."""
        state = loaded.require(self.kind, ident)
        if self.jurisdiction_of is None:
            assert loaded.jurisdiction is not None  # a stream with events has one
            return loaded.jurisdiction
        return await self.jurisdiction_of(uow, state, on or today_in_china())
