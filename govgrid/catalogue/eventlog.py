"""Events of the event log itself, which every write service emits on its own topic (the service kit
publishes them: govgrid.eventstore.checkpoint)."""

from __future__ import annotations

from pydantic import Field

from govgrid.catalogue import catalogue
from govgrid.catalogue.registry import EVERY_SERVICE
from govgrid.catalogue.registry import DomainEvent


@catalogue.event(EVERY_SERVICE)
class EventLogCheckpointed(DomainEvent):
    """The state of the service's whole event log up to a cut, in one hash: whoever keeps a copy can
    later tell an event or a whole stream that was changed or removed (docs/operations.md, "Verify
    the event log"). The checkpoint itself is an event of the log, so the next one covers it."""

    up_to_position: int = Field(
        ge=0, description="The cut: every event with a global position up to this one, and no other."
    )
    events: int = Field(ge=0, description="How many events the log holds up to the cut.")
    streams: int = Field(ge=0, description="How many streams they belong to.")
    merkle_root: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 Merkle tree hash (RFC 6962) over every stream's head at the cut: its id, "
        "version and chain hash, sorted by stream id (govgrid/eventstore/chain.py), in hex.",
    )
