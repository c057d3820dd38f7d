"""Reading one aggregate for a caller: its current state or its full history (the audit view),
only if the caller's jurisdiction covers it."""

from __future__ import annotations

from typing import Any

from govgrid.aggregate import Evolve, load, state_body
from govgrid.auth import Principal
from govgrid.errors import NotFound
from govgrid.eventstore import EventStore


async def read_state(
    store: EventStore, principal: Principal, stream_id: str, evolve: Evolve[Any], kind: str, ident: str
) -> dict[str, Any]:
    loaded = await load(store, stream_id, evolve)
    state = loaded.require(kind, ident)
    assert loaded.jurisdiction is not None  # a stream with events has one
    principal.ensure_can_see(loaded.jurisdiction)
    return state_body(state, loaded.version)


async def read_history(
    store: EventStore, principal: Principal, stream_id: str, kind: str, ident: str
) -> list[dict[str, Any]]:
    envelopes = await store.read_stream(stream_id)
    if not envelopes:
        raise NotFound(kind, ident)
    principal.ensure_can_see(envelopes[-1].jurisdiction)
    return [e.model_dump(mode="json") for e in envelopes]
