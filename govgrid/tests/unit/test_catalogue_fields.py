"""The field types several services' events share (govgrid.catalogue.fields): one rule each, and the
same published schema wherever an event carries one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import TypeAdapter
from pydantic import ValidationError

from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import PoliceOfficerRegistered
from govgrid.catalogue.fields import Count
from govgrid.catalogue.fields import GridCode
from govgrid.catalogue.fields import Note
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import OrgName
from govgrid.catalogue.fields import Reason
from govgrid.catalogue.fields import RecordId
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.catalogue.patrols import ClearanceOperationCancelled
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadVerified


@pytest.mark.parametrize(
    ("field_type", "valid", "invalid"),
    [
        (RecordId, ["L-0001", "a_b", "x" * 40], ["", "x" * 41, "a b", "名"]),
        (OrgCode, ["GC-001", "x" * 32], ["", "x" * 33, "a/b"]),
        (OrgName, ["海口市第一中学", "x" * 200], ["", "x" * 201]),
        (GridCode, ["G 1/2", "x" * 32], ["", "x" * 33]),
        (Count, [0, 100_000], [-1, 100_001]),
        (Reason, ["r", "x" * 500], ["", "x" * 501]),
        (Note, ["", "x" * 500], ["x" * 501]),
    ],
)
def test_a_shared_field_type_states_its_rule_once(
    field_type: Any, valid: list[Any], invalid: list[Any]
) -> None:
    adapter = TypeAdapter(field_type)
    for value in valid:
        assert adapter.validate_python(value) == value
    for value in invalid:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def property_schema(model: type[BaseModel], field: str) -> dict[str, Any]:
    schema: dict[str, Any] = model.model_json_schema()["properties"][field]
    return {key: value for key, value in schema.items() if key != "title"}


def published_alike(*fields: tuple[type[BaseModel], str]) -> bool:
    return len({json.dumps(property_schema(model, field), sort_keys=True) for model, field in fields}) == 1


def test_every_event_that_carries_a_shared_field_publishes_the_same_schema_for_it() -> None:
    assert published_alike(
        (LeadVerified, "lead_id"), (PatrolAborted, "patrol_id"), (ClearanceOperationCancelled, "operation_id")
    )
    assert published_alike(
        (PoliceOfficerRegistered, "station_code"),
        (PatrolScheduled, "station_code"),
        (LeadReceived, "village_code"),
    )
    assert published_alike((LeadReceived, "grid_code"), (DisputeRegistered, "grid_code"))
    assert published_alike((PatrolAborted, "reason"), (ClearanceOperationCancelled, "reason"))


def test_a_note_may_be_left_out_and_a_count_keeps_its_own_description() -> None:
    assert property_schema(AppointmentEnded, "note") == {"default": "", "maxLength": 500, "type": "string"}
    assert property_schema(SchoolVisitRecorded, "id_cards") == {
        "description": "ID-card applications processed (居民身份证).",
        "maximum": 100_000,
        "minimum": 0,
        "type": "integer",
    }
