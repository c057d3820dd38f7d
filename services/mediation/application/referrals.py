"""Leads the tips service referred to mediation open disputes: a service-to-service flow by events
(``LeadReferredToMediation`` on govgrid.tips.events), never by calls.

Exactly once in effect, twice guarded: the applier runs inside ``ApplyOnce``'s transaction (a
redelivered event changes nothing) and appends the dispute's events on that same connection, so the
outbox rows commit with the applied_events record; and the dispute id is derived from the lead id
(``lead-<lead_id>``), so another referral of the same lead finds its dispute and opens none.
"""

from __future__ import annotations

import logging

import asyncpg

from govgrid.aggregate import fold
from govgrid.aggregate import load
from govgrid.catalogue import DomainEvent
from govgrid.catalogue import catalogue
from govgrid.catalogue import event_types
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.china_time import occurred_on
from govgrid.clocks import NO_CLOCKS
from govgrid.envelope import EventDraft
from govgrid.envelope import EventEnvelope
from govgrid.errors import RuleBroken
from govgrid.projection import Applier
from govgrid.projection import RetryLater
from govgrid.working_days import china_working_days
from services.mediation.application.handlers import DISPUTE_CLOCKS
from services.mediation.application.index import write_index
from services.mediation.application.unit_of_work import MediationUnitOfWork
from services.mediation.domain import clock
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Registration
from services.mediation.domain.ladder import EscalationLadder

log = logging.getLogger("services.mediation.referrals")

PROJECTION = "tips_referrals"  # its name in applied_events
REFERRAL_EVENT_TYPES = event_types(LeadReferredToMediation)


class VillageNotKnownYet(RetryLater):
    """The referral names a village the organisation reference has not learned yet (the two topics
    are not ordered with each other). Nothing is applied; the feed retries the event later."""


def referral_applier(ladder: EscalationLadder) -> Applier:
    async def open_dispute(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
        referral = catalogue.decode(envelope)
        assert isinstance(referral, LeadReferredToMediation)
        uow = MediationUnitOfWork(conn, ladder)
        if await uow.orgs.unit(referral.village_code) is None:
            raise VillageNotKnownYet(
                f"lead {referral.lead_id}: village {referral.village_code} is not known yet"
            )
        dispute_id = disputes.referral_dispute_id(referral.lead_id)
        loaded = await load(uow.events, disputes.stream_id(dispute_id), disputes.evolve)
        registration = Registration(
            dispute_id=dispute_id,
            source=DisputeSource.TIPS_LEAD,
            source_reference=referral.lead_id,
            village_code=referral.village_code,
            grid_code=referral.grid_code,
            category=referral.dispute_category,
            parties=(),  # a lead names no parties: they are added before the first session
            running_since=None,
            description=referral.summary,
            registered_on=referral.referred_on,
        )
        try:
            events = disputes.open_referred(loaded.state, registration)
        except RuleBroken as broken:
            log.info("referral %s of lead %s opens nothing: %s", envelope.event_id, referral.lead_id, broken)
            return
        jurisdiction = await uow.orgs.jurisdiction_of(referral.village_code, referral.referred_on)

        def drafts(payloads: list[DomainEvent]) -> list[EventDraft]:
            return [
                EventDraft(
                    payload=event,
                    occurred_at=occurred_on(referral.referred_on),
                    jurisdiction=jurisdiction,
                    actor=envelope.actor,  # who referred the lead
                    correlation_id=envelope.correlation_id,
                    causation_id=envelope.event_id,
                )
                for event in payloads
            ]

        await uow.events.append(loaded.stream_id, loaded.version, drafts(events))
        # A new dispute has no clocks yet: its registration starts the assignment's.
        started = clock.follow(NO_CLOCKS, events, level=MediationLevel.VILLAGE, calendar=china_working_days())
        await uow.events.append(DISPUTE_CLOCKS.stream_id(dispute_id), 0, drafts(list(started)))
        dispute = fold(disputes.evolve, events)
        assert dispute is not None
        await write_index(conn, dispute, loaded.version + len(events), jurisdiction, ladder)

    return open_dispute
