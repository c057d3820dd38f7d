"""Reading one aggregate for a caller: its current state or its full history (the audit view),
only if the caller's jurisdiction covers it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govgrid.aggregate import Evolve
from govgrid.aggregate import fold
from govgrid.aggregate import state_body
from govgrid.auth import Principal
from govgrid.catalogue import catalogue
from govgrid.envelope import EventEnvelope
from govgrid.errors import Forbidden
from govgrid.errors import NotFound
from govgrid.eventstore import EventStore


async def read_state(
    store: EventStore,
    principal: Principal,
    stream_id: str,
    evolve: Evolve[Any],
    kind: str,
    ident: str,
    *,
    any_event: bool = False,
) -> dict[str, Any]:
    envelopes = await _visible_stream(store, principal, stream_id, kind, ident, any_event)
    state = fold(evolve, (catalogue.decode(e) for e in envelopes))
    return state_body(state, envelopes[-1].stream_version)


async def read_history(
    store: EventStore, principal: Principal, stream_id: str, kind: str, ident: str, *, any_event: bool = False
) -> list[dict[str, Any]]:
    envelopes = await _visible_stream(store, principal, stream_id, kind, ident, any_event)
    return [e.model_dump(mode="json") for e in envelopes]


async def _visible_stream(
    store: EventStore, principal: Principal, stream_id: str, kind: str, ident: str, any_event: bool
) -> Sequence[EventEnvelope]:
    """The stream's events (404 when none), if the caller may see the record: by its latest event's
    jurisdiction, or with ``any_event`` by any of its events' (a record that moves through places,
    such as a patrol, concerns every place it passed)."""
    envelopes = await store.read_stream(stream_id)
    if not envelopes:
        raise NotFound(kind, ident)
    if not any_event:
        principal.ensure_can_see(envelopes[-1].jurisdiction)
    elif not any(principal.can_see(e.jurisdiction) for e in envelopes):
        raise Forbidden(f"{principal.subject!r} ({principal.role}) has no jurisdiction over this {kind}")
    return envelopes
