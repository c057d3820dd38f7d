"""The event store contract: every adapter of the EventStore port must pass these tests.

Subclass ``EventStoreContract`` and provide a ``store`` fixture (see unit/ and integration/).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from govgrid.catalogue import catalogue
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.errors import ConcurrencyConflict
from govgrid.eventstore import EventStore
from govgrid.testing.factories import draft
from govgrid.testing.factories import village_registered


class EventStoreContract:
    async def test_first_append_gets_versions_from_one(self, store: EventStore) -> None:
        appended = await store.append("unit-V0001", 0, [draft(), draft()])
        assert [e.stream_version for e in appended] == [1, 2]
        assert await store.read_stream("unit-V0001") == appended

    async def test_envelope_round_trips_every_field(self, store: EventStore) -> None:
        correlation = uuid.uuid4()
        original = draft(village_registered(7), correlation_id=correlation)
        (stored,) = await store.append("unit-V0007", 0, [original])
        (read,) = await store.read_stream("unit-V0007")
        assert read == stored
        assert read.event_id == original.event_id
        assert read.correlation_id == correlation
        assert read.event_type == "OrganisationUnitRegistered" and read.schema_version == 2
        assert read.occurred_at == original.occurred_at
        assert read.jurisdiction == original.jurisdiction
        assert catalogue.decode(read) == village_registered(7)
        assert isinstance(catalogue.decode(read), OrganisationUnitRegistered)

    async def test_unknown_stream_reads_empty(self, store: EventStore) -> None:
        assert await store.read_stream("nothing-here") == []

    async def test_stale_expected_version_conflicts_and_appends_nothing(self, store: EventStore) -> None:
        (first,) = await store.append("s", 0, [draft()])
        with pytest.raises(ConcurrencyConflict) as caught:
            await store.append("s", 0, [draft(), draft()])
        assert caught.value.code == "version_conflict"
        assert (caught.value.expected_version, caught.value.actual_version) == (0, 1)
        assert await store.read_stream("s") == [first]

    async def test_expected_version_ahead_of_stream_conflicts(self, store: EventStore) -> None:
        with pytest.raises(ConcurrencyConflict):
            await store.append("s", 3, [draft()])
        assert await store.read_stream("s") == []

    async def test_concurrent_appends_at_same_version_exactly_one_wins(self, store: EventStore) -> None:
        await store.append("contended", 0, [draft()])
        results = await asyncio.gather(
            *(store.append("contended", 1, [draft()]) for _ in range(8)), return_exceptions=True
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
        assert len(wins) == 1 and len(conflicts) == 7
        assert [e.stream_version for e in await store.read_stream("contended")] == [1, 2]

    async def test_streams_are_independent(self, store: EventStore) -> None:
        a1 = await store.append("a", 0, [draft()])
        b1 = await store.append("b", 0, [draft(), draft()])
        a2 = await store.append("a", 1, [draft()])
        assert await store.read_stream("a") == [*a1, *a2]
        assert await store.read_stream("b") == b1
        assert [e.stream_version for e in [*a1, *a2]] == [1, 2]

    async def test_bad_arguments_are_refused(self, store: EventStore) -> None:
        with pytest.raises(ValueError):
            await store.append("s", 0, [])
        with pytest.raises(ValueError):
            await store.append("", 0, [draft()])
        with pytest.raises(ValueError):
            await store.append("s", -1, [draft()])
