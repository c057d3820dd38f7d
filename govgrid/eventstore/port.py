"""What a service needs from an event store; every adapter passes the same contract tests
(govgrid/tests/contract_eventstore.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope


class EventStore(Protocol):
    async def append(
        self, stream_id: str, expected_version: int, drafts: Sequence[EventDraft]
    ) -> list[EventEnvelope]:
        """Store ``drafts`` as versions ``expected_version + 1 ...`` of the stream, all or nothing.

        ``expected_version`` is the version the caller decided on (0: the stream must not exist).
        If the stream is elsewhere, raise ConcurrencyConflict and store nothing.
        """
        ...

    async def read_stream(self, stream_id: str) -> list[EventEnvelope]:
        """The stream's events in version order; empty if it does not exist."""
        ...


def check_drafts(stream_id: str, expected_version: int, drafts: Sequence[EventDraft]) -> None:
    """Argument checks shared by the adapters."""
    if not stream_id:
        raise ValueError("stream_id must not be empty")
    if expected_version < 0:
        raise ValueError("expected_version must be >= 0")
    if not drafts:
        raise ValueError("nothing to append")
