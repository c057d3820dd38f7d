"""Rebuilding an aggregate's state by folding its stream: the one place state changes happen."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any
from typing import Generic
from typing import TypeVar
from typing import overload

from govgrid.catalogue import DomainEvent
from govgrid.catalogue import catalogue
from govgrid.china_time import occurred_on
from govgrid.commands import CommandContext
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.errors import NotFound
from govgrid.eventstore.port import EventStore

S = TypeVar("S")

# evolve(state, event) -> new state; state is None before the stream's first event.
Evolve = Callable[[S | None, DomainEvent], S]


@overload
def fold(evolve: Evolve[S], events: Iterable[DomainEvent], state: S) -> S: ...


@overload
def fold(evolve: Evolve[S], events: Iterable[DomainEvent], state: S | None = None) -> S | None: ...


def fold(evolve: Evolve[S], events: Iterable[DomainEvent], state: S | None = None) -> S | None:
    """The state after ``events``, from ``state`` (None: from the stream's start). From an existing
    state, the result is one too."""
    for event in events:
        state = evolve(state, event)
    return state


@dataclass(frozen=True)
class Loaded(Generic[S]):
    """An aggregate's state with the version to append after and the stream's jurisdiction."""

    stream_id: str
    state: S | None
    version: int
    jurisdiction: Jurisdiction | None  # of the latest event; None for a new stream
    history: tuple[EventEnvelope, ...]

    def require(self, kind: str, ident: str) -> S:
        """The state of a record named by the caller (a URL id): 404 when it does not exist."""
        if self.state is None:
            raise NotFound(kind, ident)
        return self.state


async def load(store: EventStore, stream_id: str, evolve: Evolve[S]) -> Loaded[S]:
    envelopes = await store.read_stream(stream_id)
    state = fold(evolve, (catalogue.decode(e) for e in envelopes))
    return Loaded(
        stream_id=stream_id,
        state=state,
        version=envelopes[-1].stream_version if envelopes else 0,
        jurisdiction=envelopes[-1].jurisdiction if envelopes else None,
        history=tuple(envelopes),
    )


async def append_to(
    store: EventStore,
    ctx: CommandContext,
    loaded: Loaded[Any],
    events: list[DomainEvent],
    jurisdiction: Jurisdiction,
    on: date | datetime | None = None,
) -> int:
    """Append a command's ``events`` after the loaded version; return the new version. ``on``: when
    the act happened in the world, if the command says so (otherwise: now): a moment (a checkpoint at
    21:30) or a day (an approval), which stands for the start of that day in China."""
    if events:
        occurred_at = on if isinstance(on, datetime) else occurred_on(on) if on is not None else None
        await store.append(
            loaded.stream_id, loaded.version, [ctx.draft(e, jurisdiction, occurred_at) for e in events]
        )
    return loaded.version + len(events)


def state_body(state: Any, version: int) -> dict[str, Any]:
    """A state dataclass as a command's answer or a read."""
    return {**asdict(state), "version": version}
