"""The event catalogue: upcasting old versions, and the checked-in schemas staying in sync."""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from govgrid.catalogue import Catalogue
from govgrid.catalogue import DomainEvent
from govgrid.catalogue import UnknownEventType
from govgrid.catalogue import catalogue
from govgrid.catalogue.export import drift
from govgrid.catalogue.export import render
from govgrid.catalogue.export import write
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.registry import EVERY_SERVICE
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction


def envelope(event_type: str, version: int, payload: dict[str, Any]) -> EventEnvelope:
    now = datetime(2023, 11, 28, tzinfo=UTC)
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=version,
        stream_id="s",
        stream_version=1,
        occurred_at=now,
        recorded_at=now,
        actor="a",
        correlation_id=uuid.uuid4(),
        jurisdiction=Jurisdiction(village="V0001"),
        payload=payload,
    )


def versioned_catalogue() -> Catalogue:
    """A catalogue whose PatrolTeamFormed went through three versions."""
    cat = Catalogue()

    @cat.event("patrols", "PatrolTeamFormed", 1)
    class PatrolTeamFormedV1(DomainEvent):
        name: str

    @cat.event("patrols", "PatrolTeamFormed", 2)
    class PatrolTeamFormedV2(DomainEvent):
        name_zh: str
        name_en: str

    @cat.event("patrols", "PatrolTeamFormed", 3)
    class PatrolTeamFormed(DomainEvent):
        name_zh: str
        name_en: str
        volunteers: int

    @cat.upcaster("PatrolTeamFormed", 1)
    def split_name(p: dict[str, Any]) -> dict[str, Any]:
        return {"name_zh": p["name"], "name_en": p["name"]}

    @cat.upcaster("PatrolTeamFormed", 2)
    def count_volunteers(p: dict[str, Any]) -> dict[str, Any]:
        return {**p, "volunteers": 0}

    return cat


def test_an_old_version_is_upcast_step_by_step_to_the_latest_model() -> None:
    cat = versioned_catalogue()
    stored = envelope("PatrolTeamFormed", 1, {"name": "渔民巡逻队"})
    event = cat.decode(stored)
    assert type(event).__name__ == "PatrolTeamFormed" and event.schema_version == 3
    assert event.model_dump() == {"name_zh": "渔民巡逻队", "name_en": "渔民巡逻队", "volunteers": 0}
    assert stored.payload == {"name": "渔民巡逻队"}  # the stored event itself is never rewritten


def test_the_latest_version_decodes_without_upcasting() -> None:
    cat = versioned_catalogue()
    event = cat.decode(envelope("PatrolTeamFormed", 3, {"name_zh": "队", "name_en": "team", "volunteers": 4}))
    assert event.model_dump()["volunteers"] == 4


def test_decode_if_decodes_only_the_types_asked_for_and_never_looks_at_another() -> None:
    cat = versioned_catalogue()
    formed = envelope("PatrolTeamFormed", 3, {"name_zh": "队", "name_en": "team", "volunteers": 4})
    assert cat.decode_if(formed, frozenset({"PatrolTeamFormed"})) == cat.decode(formed)
    assert cat.decode_if(formed, frozenset({"PatrolStarted"})) is None
    # An event type this catalogue does not know (a newer producer's) is passed over, not refused.
    unknown = envelope("SomethingNew", 1, {"anything": 1})
    assert cat.decode_if(unknown, frozenset({"PatrolTeamFormed"})) is None
    with pytest.raises(UnknownEventType):
        cat.decode(unknown)


def test_a_catalogue_with_a_missing_upcaster_is_refused() -> None:
    cat = Catalogue()

    @cat.event("x", "ThingHappened", 1)
    class ThingHappenedV1(DomainEvent):
        a: int

    @cat.event("x", "ThingHappened", 2)
    class ThingHappened(DomainEvent):
        b: int

    with pytest.raises(ValueError, match="no upcaster"):
        cat.check_complete()


def test_registering_a_version_twice_is_refused() -> None:
    cat = versioned_catalogue()
    with pytest.raises(ValueError, match="already"):

        @cat.event("patrols", "PatrolTeamFormed", 1)
        class Again(DomainEvent):
            pass


def test_an_event_is_named_by_its_model_and_an_old_version_names_its_event() -> None:
    cat = Catalogue()

    @cat.event("x", "ThingHappened", 1)
    class ThingHappenedV1(DomainEvent):
        pass

    @cat.event("x", version=2, upcast=lambda payload, _envelope: payload)
    class ThingHappened(ThingHappenedV1):
        pass

    @cat.event("x")
    class OtherThingHappened(DomainEvent):
        pass

    assert [(e.event_type, e.schema_version) for e in cat.entries()] == [
        ("OtherThingHappened", 1),
        ("ThingHappened", 1),
        ("ThingHappened", 2),
    ]
    assert (ThingHappenedV1.event_type, ThingHappenedV1.model_json_schema()["title"]) == (
        "ThingHappened",
        "ThingHappened",
    )
    assert (OtherThingHappened.event_type, OtherThingHappened.schema_version) == ("OtherThingHappened", 1)
    cat.check_complete()


def test_unknown_event_types_and_versions_are_reported() -> None:
    with pytest.raises(UnknownEventType):
        catalogue.decode(envelope("NothingHappened", 1, {}))
    with pytest.raises(UnknownEventType):
        catalogue.model("OrganisationUnitRegistered", 9)


def test_payloads_are_frozen_and_strict() -> None:
    event = OrganisationUnitRenamed(code="V0001", name_zh="新英村", name_en="Xinying")
    with pytest.raises(ValidationError):
        event.code = "V0002"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        OrganisationUnitRenamed(code="V0001", name_zh="新英村", name_en="Xinying", extra="no")  # type: ignore[call-arg]


def test_envelope_needs_timezone_aware_times_and_round_trips_as_json() -> None:
    e = envelope("OrganisationUnitRenamed", 1, {"code": "V0001", "name_zh": "新英村", "name_en": "Xinying"})
    assert EventEnvelope.from_json_bytes(e.to_json_bytes()) == e
    with pytest.raises(ValidationError, match="timezone"):
        EventEnvelope.model_validate({**e.model_dump(), "occurred_at": datetime(2023, 11, 28)})


def test_checked_in_schemas_match_the_catalogue() -> None:
    assert drift() == [], "run: python -m govgrid.catalogue.export"


def test_drift_is_detected(tmp_path: Path) -> None:
    write(tmp_path)
    assert drift(tmp_path) == []
    changed = tmp_path / "events/appointments/OrganisationUnitRenamed.v1.schema.json"
    changed.write_text(changed.read_text().replace("name_zh", "name_cn"))
    (tmp_path / "events/appointments/Removed.v1.schema.json").write_text("{}")
    assert drift(tmp_path) == [
        "events/appointments/OrganisationUnitRenamed.v1.schema.json",
        "events/appointments/Removed.v1.schema.json",
    ]


def test_asyncapi_names_each_service_topic_and_event() -> None:
    doc = json.loads(render()["asyncapi.json"])
    assert doc["asyncapi"].startswith("3.")
    assert doc["channels"]["appointments"]["address"] == "govgrid.appointments.events"
    assert set(doc["channels"]["appointments"]["messages"]) == {
        e.event_type for e in catalogue.entries() if e.service in ("appointments", EVERY_SERVICE)
    }


def test_the_event_logs_own_events_are_on_every_services_channel() -> None:
    doc = json.loads(render()["asyncapi.json"])
    assert set(doc["channels"]) == {"appointments", "mediation", "outreach", "patrols", "tips"}
    for channel in doc["channels"].values():
        assert "EventLogCheckpointed" in channel["messages"]


def test_an_upcaster_may_read_the_stored_envelope() -> None:
    cat = Catalogue()

    @cat.event("x", "ThingHappened", 1)
    class ThingHappenedV1(DomainEvent):
        a: int

    @cat.event("x", "ThingHappened", 2)
    class ThingHappened(DomainEvent):
        a: int
        happened_on: str

    cat.upcaster_from_envelope("ThingHappened", 1)(lambda p, e: {**p, "happened_on": e.stream_id})
    assert cat.decode(envelope("ThingHappened", 1, {"a": 1})).model_dump() == {"a": 1, "happened_on": "s"}


# Recorded at 20:30 UTC on 27 November 2023: already the 28th in China.
RECORDED_LATE = datetime(2023, 11, 27, 20, 30, tzinfo=UTC)
LEAD = "4f1c0e6a9b2d4c7e8f0a1b2c3d4e5f60"
DUE = "2023-11-29T01:30:00Z"


@pytest.mark.parametrize(
    ("event_type", "payload", "field", "expected"),
    [
        ("LeadTriaged", {"lead_id": LEAD, "priority": "high", "due_at": DUE}, "triaged_at", RECORDED_LATE),
        ("LeadAssigned", {"lead_id": LEAD, "officer_person_id": "P1"}, "assigned_at", RECORDED_LATE),
        (
            "ContactGroupRegistered",
            {"group_id": "G1", "village_code": "V0001", "kind": "village_safety", "name": "群"},
            "registered_on",
            date(2023, 11, 28),
        ),
        (
            "DisputePartiesAdded",
            {"dispute_id": "d1", "parties": [{"label": "party-C", "role": "third_party"}]},
            "added_on",
            date(2023, 11, 28),
        ),
        (
            "RegistrationDriveLaunched",
            {
                "drive_id": "d1",
                "station_code": "S1",
                "title": "秋季",
                "period_start": "2023-09-01",
                "period_end": "2023-10-31",
                "target_school_codes": ["A1"],
            },
            "launched_on",
            date(2023, 11, 28),
        ),
        (
            "RegistrationDriveTargetsAdded",
            {"drive_id": "d1", "school_codes": ["A1"]},
            "added_on",
            date(2023, 11, 28),
        ),
    ],
)
def test_an_act_recorded_without_its_date_is_dated_when_it_was_recorded(
    event_type: str, payload: dict[str, Any], field: str, expected: date | datetime
) -> None:
    """Version 1 of these events had no business date: read now, each carries the moment it was
    recorded, or that moment's day in China."""
    stored = envelope(event_type, 1, payload).model_copy(update={"recorded_at": RECORDED_LATE})
    event = catalogue.decode(stored)
    assert event.schema_version == 2
    assert getattr(event, field) == expected
    assert event.model_dump(mode="json", exclude={field}) == payload  # the rest as it was
    assert stored.payload == payload  # the stored event is never rewritten
