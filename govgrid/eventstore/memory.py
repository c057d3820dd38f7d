"""In-memory event store for unit tests of services' command handlers; same contract as PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime

from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore.port import check_drafts


class InMemoryEventStore:
    def __init__(self) -> None:
        self._log: list[EventEnvelope] = []
        self._streams: dict[str, list[EventEnvelope]] = {}

    async def append(
        self, stream_id: str, expected_version: int, drafts: Sequence[EventDraft]
    ) -> list[EventEnvelope]:
        check_drafts(stream_id, expected_version, drafts)
        stream = self._streams.get(stream_id, [])
        if len(stream) != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, len(stream))
        known_ids = {e.event_id for e in self._log}
        if any(d.event_id in known_ids for d in drafts) or len({d.event_id for d in drafts}) != len(drafts):
            raise ValueError("event_id already stored")
        now = datetime.now(UTC)
        sealed = [d.seal(stream_id, expected_version + i, now) for i, d in enumerate(drafts, start=1)]
        self._streams[stream_id] = [*stream, *sealed]
        self._log.extend(sealed)
        return sealed

    async def read_stream(self, stream_id: str) -> list[EventEnvelope]:
        return list(self._streams.get(stream_id, []))
