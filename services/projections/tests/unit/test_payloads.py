"""A batch's payloads are decoded once and shared by the read models that fold them; one that does
not validate is not remembered, so every model that folds it parks it with the error."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime

import pytest
from pydantic import ValidationError

from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import Payloads


def registered(code: str) -> EventEnvelope:
    payload = OrganisationUnitRegistered(
        code=code, kind=OrgUnitKind.VILLAGE, name_zh="村", name_en="Village", parent_code="T1"
    )
    at = datetime(2024, 3, 1, tzinfo=UTC)
    draft = EventDraft(payload, at, Jurisdiction(village=code), "tester", uuid.uuid4())
    return draft.seal(f"org-{code}", 1, at)


def test_each_payload_is_decoded_once_and_shared() -> None:
    first, second = registered("V1"), registered("V2")
    payloads = Payloads()
    decoded = payloads.of(first)
    assert decoded == OrganisationUnitRegistered.model_validate(first.payload)
    assert payloads.of(first) is decoded  # the second read model gets the same object
    assert payloads.of(second) is not decoded
    assert payloads.of(second).code == "V2"  # type: ignore[attr-defined]


def test_a_payload_that_does_not_validate_fails_for_every_model() -> None:
    bad = registered("V1").model_copy(update={"payload": {"code": "V1"}})
    payloads = Payloads()
    for _model in range(2):
        with pytest.raises(ValidationError):
            payloads.of(bad)
