"""Reading an envelope's event type and id without decoding it (what a rebuild skips records by, and
what a worker knows the last records of a partition by)."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime

import pytest

from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.envelope import event_id_of
from govgrid.envelope import event_type_of

pytestmark = pytest.mark.unit


def test_the_event_type_of_an_envelope_as_it_is_written_is_read_from_its_first_bytes() -> None:
    at = datetime(2026, 12, 4, 3, tzinfo=UTC)
    scheduled = PatrolScheduled(
        patrol_id="P1", team_id="T1", station_code="S1", planned_start=at, planned_end=at
    )
    raw = EventDraft(scheduled, at, Jurisdiction(station="S1"), "a", uuid.uuid4()).seal("patrol-P1", 1, at)
    assert event_type_of(raw.to_json_bytes()) == "PatrolScheduled"
    assert EventEnvelope.from_json_bytes(raw.to_json_bytes()).event_type == "PatrolScheduled"
    assert event_id_of(raw.to_json_bytes()) == raw.event_id


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"event_type":"PatrolScheduled","event_id":"00000000-0000-0000-0000-000000000000"}',  # other order
        b'{"event_id": "00000000-0000-0000-0000-000000000000", "event_type": "PatrolScheduled"}',  # spaced
        b'{"payload":{"event_id":"00000000-0000-0000-0000-000000000000","event_type":"X"}}',
    ],
)
def test_a_record_written_otherwise_has_no_type_without_decoding(raw: bytes) -> None:
    assert event_type_of(raw) is None
    assert event_id_of(raw) is None
