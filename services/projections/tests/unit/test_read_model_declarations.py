"""How a read model is declared (readmodels/base.py, readmodels/organisation.py): its folds by the
event each one's signature names, the event's fields a fold keeps as they are, and the organisation
registry kept beside a model's own tables."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.envelope import EventEnvelope
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import ORGANISATION
from services.projections.readmodels.organisation import keeping_registry


def scheduled(c: Changes, e: EventEnvelope, event: PatrolScheduled) -> None:
    pass


def aborted(c: Changes, e: EventEnvelope, event: PatrolAborted) -> None:
    pass


def aborted_again(c: Changes, e: EventEnvelope, event: PatrolAborted) -> None:
    pass


def no_event(c: Changes, e: EventEnvelope, event: dict[str, Any]) -> None:
    pass


def test_each_fold_is_found_by_the_event_its_signature_names() -> None:
    assert by_event(scheduled, aborted) == {"PatrolScheduled": scheduled, "PatrolAborted": aborted}


def test_two_folds_of_one_event_are_refused() -> None:
    with pytest.raises(ValueError, match="aborted and aborted_again both fold PatrolAborted"):
        by_event(aborted, aborted_again)


def test_a_fold_of_something_other_than_an_event_is_refused() -> None:
    with pytest.raises(TypeError, match="no_event folds"):
        by_event(no_event)


def test_fields_are_kept_under_their_names_an_enum_by_its_value() -> None:
    event = OrganisationUnitRegistered(
        code="V01", kind=OrgUnitKind.VILLAGE, name_zh="村", name_en="Village", parent_code="T01"
    )
    assert fields_of(event, "code", "kind", "parent_code") == {
        "code": "V01",
        "kind": OrgUnitKind.VILLAGE.value,
        "parent_code": "T01",
    }
    assert type(fields_of(event, "kind")["kind"]) is str
    start = datetime(2024, 3, 1, 8, tzinfo=UTC)
    patrol = PatrolScheduled(
        patrol_id="P1", team_id="T1", station_code="S01", planned_start=start, planned_end=start
    )
    assert fields_of(patrol, "planned_start") == {"planned_start": start}


def test_a_model_keeping_the_registry_reads_its_topic_and_folds_its_events() -> None:
    model = keeping_registry("patrols_test", {"patrols"}, by_event(scheduled))
    assert model.services == frozenset({"patrols", "appointments"})
    assert model.appliers == {**ORGANISATION, "PatrolScheduled": scheduled}


def test_a_model_may_fold_a_registry_event_its_own_way() -> None:
    def registered_with_location(c: Changes, e: EventEnvelope, event: OrganisationUnitRegistered) -> None:
        pass

    model = keeping_registry("coverage_test", {"appointments"}, by_event(registered_with_location))
    assert model.appliers["OrganisationUnitRegistered"] is registered_with_location
    assert model.appliers.keys() == ORGANISATION.keys()


def test_every_read_model_folds_only_events_of_the_services_it_reads() -> None:
    from govgrid.catalogue import catalogue

    service_of = {entry.event_type: entry.service for entry in catalogue.entries()}
    for model in READ_MODELS:
        assert {service_of[event_type] for event_type in model.appliers} <= model.services, model.name
