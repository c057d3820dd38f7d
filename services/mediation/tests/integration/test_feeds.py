"""What the service learns from other services' events, applied as its feeds apply them (the
Kafka side is proven in ../e2e): the people and appointments behind the suggested pair, and the
leads the tips service refers to mediation."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import date
from datetime import datetime

import httpx
import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.appointments import AppointmentApproved
from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.appointments import AppointmentEndReason
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.china_time import occurred_on
from govgrid.envelope import EventEnvelope
from govgrid.projection import ApplyOnce
from govgrid.testing.factories import draft
from services.mediation.application import mediators
from services.mediation.application import referrals
from services.mediation.application.mediators import MediatorReference
from services.mediation.bootstrap import MediationService
from services.mediation.domain.disputes import KnownPerson
from services.mediation.domain.disputes import PersonRole
from services.mediation.tests.integration.conftest import ADMIN
from services.mediation.tests.integration.conftest import PAIR
from services.mediation.tests.integration.conftest import S01
from services.mediation.tests.integration.conftest import ok
from services.mediation.tests.integration.conftest import session

ON = date(2024, 3, 1)


def sealed(event: DomainEvent, stream_id: str, version: int = 1) -> EventEnvelope:
    return draft(event).seal(stream_id, version, datetime.now(UTC))


async def apply_mediator(service: MediationService, event: DomainEvent, stream_id: str, version: int) -> None:
    await ApplyOnce(service.pool, mediators.PROJECTION).apply(
        sealed(event, stream_id, version), mediators.apply_mediator_event
    )


# ---------------------------------------------------------------- people and appointments


async def test_an_ended_appointment_is_no_longer_suggested(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    reference = MediatorReference(service.pool)
    assert (await reference.suggested("V01", "S01", ON)).person_ids == ("P001", "K001")
    ended = AppointmentEnded(
        appointment_id="A3", reason=AppointmentEndReason.REVOKED, ended_on=date(2024, 1, 1)
    )
    await apply_mediator(service, ended, "appointment-A3", 4)
    # V01's own director is gone: the station's other director (from V02) is suggested instead.
    assert (await reference.suggested("V01", "S01", ON)).person_ids == ("P001", "K002")
    # Without a station covering the village, only the village's own director would do.
    assert (await reference.suggested("V01", None, ON)).person_ids == ("P001", None)


async def test_an_appointment_becomes_current_when_approved(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    reference = MediatorReference(service.pool)
    assert (await reference.suggested("V03", "S02", ON)).officer is None
    await apply_mediator(
        service, AppointmentApproved(appointment_id="A4", approved_on=date(2023, 4, 1)), "appointment-A4", 2
    )
    officer = (await reference.suggested("V03", "S02", ON)).officer
    assert officer is not None and (officer.person_id, officer.status) == ("P002", "approved")


async def test_people_are_known_with_their_role_and_whether_they_serve(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    reference = MediatorReference(service.pool)
    assert await reference.person("P001") == KnownPerson("P001", PersonRole.POLICE_OFFICER, active=True)
    assert await reference.person("K003") == KnownPerson("K003", PersonRole.VILLAGE_CADRE, active=True)
    assert await reference.person("P009") == KnownPerson("P009", PersonRole.POLICE_OFFICER, active=False)
    assert await reference.person("P404") is None


async def test_other_events_of_the_topic_change_nothing(
    world: httpx.AsyncClient, service: MediationService, caplog: pytest.LogCaptureFixture
) -> None:
    before = await service.pool.fetch("SELECT * FROM mediator_appointments ORDER BY appointment_id")
    await apply_mediator(
        service, OrganisationUnitRenamed(code="V01", name_zh="新名", name_en="New"), "orgunit-V01", 3
    )
    await apply_mediator(
        service, AppointmentApproved(appointment_id="A404", approved_on=ON), "appointment-A404", 2
    )
    assert await service.pool.fetch("SELECT * FROM mediator_appointments ORDER BY appointment_id") == before
    assert "unknown appointment A404" in caplog.text


# ---------------------------------------------------------------- leads referred by the tips service


def referral(lead_id: str = "L1", village_code: str = "V01", grid_code: str | None = "G011") -> EventEnvelope:
    event = LeadReferredToMediation(
        lead_id=lead_id,
        village_code=village_code,
        grid_code=grid_code,
        dispute_category=DisputeCategory.NEIGHBOUR,
        summary="Neighbours quarrel over a drainage ditch.",
        referred_on=date(2024, 3, 4),
    )
    return draft(event).seal(f"lead-{lead_id}-{uuid.uuid4().hex[:6]}", 1, datetime.now(UTC))


async def applied(service: MediationService, envelope: EventEnvelope) -> bool:
    return await ApplyOnce(service.pool, referrals.PROJECTION).apply(
        envelope, referrals.referral_applier(service.ladder)
    )


async def test_a_referred_lead_opens_a_dispute_once(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    envelope = referral()
    assert await applied(service, envelope)
    assert not await applied(service, envelope)  # delivered again: nothing happens
    assert await applied(service, referral())  # the same lead referred again: its dispute exists
    stored = await service.events.read_stream("dispute-lead-L1")
    assert [e.event_type for e in stored] == ["DisputeRegistered"]
    (registered,) = stored
    assert (registered.actor, registered.causation_id, registered.correlation_id) == (
        envelope.actor,
        envelope.event_id,
        envelope.correlation_id,
    )
    assert registered.occurred_at == occurred_on(date(2024, 3, 4))
    assert registered.jurisdiction.model_dump() == {"township": "T01", "station": "S01", "village": "V01"}
    # The registration and the start of the assignment's clock (on the dispute's clock stream).
    clocks = await service.events.read_stream("disputeclock-lead-L1")
    assert [(e.event_type, e.payload["stage"]) for e in clocks] == [("DisputeClockStarted", "assignment")]
    assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 2

    state = await ok(await world.get("/disputes/lead-L1", headers=S01))
    assert (state["source"], state["source_reference"], state["parties"], state["grid_code"]) == (
        "tips_lead",
        "L1",
        [],
        "G011",
    )
    assert state["escalation_due"] == {"due_on": "2024-04-03", "reason": "days"}
    # The station's pair takes it on once the parties are named.
    await ok(
        await world.post(
            "/disputes/lead-L1/mediators", json={**PAIR, "assigned_on": "2024-03-05"}, headers=S01
        )
    )
    refused = await world.post("/disputes/lead-L1/sessions", json=session("2024-03-06"), headers=S01)
    assert refused.json()["error"] == "parties_not_identified"
    parties = [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}]
    await ok(
        await world.post(
            "/disputes/lead-L1/parties", json={"parties": parties, "added_on": "2024-03-05"}, headers=S01
        )
    )
    await ok(await world.post("/disputes/lead-L1/sessions", json=session("2024-03-06"), headers=S01))
    listed = await ok(await world.get("/disputes?on=2024-03-06", headers=ADMIN))
    assert [(i["dispute_id"], i["source"]) for i in listed["items"]] == [("lead-L1", "tips_lead")]


async def test_a_referral_waits_for_a_village_not_known_yet(
    world: httpx.AsyncClient, service: MediationService
) -> None:
    envelope = referral("L2", village_code="V77", grid_code=None)
    with pytest.raises(referrals.VillageNotKnownYet):
        await applied(service, envelope)
    # Nothing applied, nothing recorded as applied: the feed will deliver it again.
    assert await service.events.read_stream("dispute-lead-L2") == []
    assert (
        await service.pool.fetchval(
            "SELECT count(*) FROM applied_events WHERE event_id = $1", envelope.event_id
        )
        == 0
    )
