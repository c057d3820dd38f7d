"""Small builders for tests: realistic drafts without repeating every envelope field."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.envelope import EventDraft
from govgrid.envelope import Jurisdiction


def village_registered(n: int = 1) -> OrganisationUnitRegistered:
    return OrganisationUnitRegistered(
        code=f"V{n:04d}",
        kind=OrgUnitKind.VILLAGE,
        name_zh=f"新英村{n}",
        name_en=f"Xinying {n}",
        parent_code="T01",
    )


def draft(payload: DomainEvent | None = None, *, correlation_id: uuid.UUID | None = None) -> EventDraft:
    return EventDraft(
        payload=payload or village_registered(),
        occurred_at=datetime(2023, 11, 28, 9, 30, tzinfo=UTC),
        jurisdiction=Jurisdiction(township="T01", station="S01", village="V0001"),
        actor="officer-7",
        correlation_id=correlation_id or uuid.uuid4(),
    )
