"""A lead's lifecycle: received -> triaged -> assigned -> verified or dismissed -> outcome -> closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from datetime import timedelta
from typing import Any

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadAssigned
from govgrid.catalogue.tips import LeadClosed
from govgrid.catalogue.tips import LeadDismissed
from govgrid.catalogue.tips import LeadOutcome
from govgrid.catalogue.tips import LeadOutcomeRecorded
from govgrid.catalogue.tips import LeadPriority
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadReferredToMediation
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.officers import Officer
from services.tips.domain import leads
from services.tips.domain.leads import ContactStatus
from services.tips.domain.leads import LeadStatus
from services.tips.domain.leads import OutcomeRecord
from services.tips.domain.leads import Referral
from services.tips.domain.leads import Submission
from services.tips.tests.unit.scenario import ARRESTED_ON
from services.tips.tests.unit.scenario import CLOSED_ON
from services.tips.tests.unit.scenario import COLLEAGUE
from services.tips.tests.unit.scenario import DEADLINES
from services.tips.tests.unit.scenario import DESCRIPTION
from services.tips.tests.unit.scenario import GRID
from services.tips.tests.unit.scenario import HANDLER
from services.tips.tests.unit.scenario import HANDLER_OFFICER
from services.tips.tests.unit.scenario import LATER
from services.tips.tests.unit.scenario import LEAD
from services.tips.tests.unit.scenario import NOW
from services.tips.tests.unit.scenario import OTHER_OFFICER
from services.tips.tests.unit.scenario import OTHER_STATION
from services.tips.tests.unit.scenario import RECEIVED_AT
from services.tips.tests.unit.scenario import RECEIVED_ON
from services.tips.tests.unit.scenario import REF
from services.tips.tests.unit.scenario import RETENTION
from services.tips.tests.unit.scenario import STATION
from services.tips.tests.unit.scenario import TODAY
from services.tips.tests.unit.scenario import VERIFIED_ON
from services.tips.tests.unit.scenario import VILLAGE
from services.tips.tests.unit.scenario import arrested
from services.tips.tests.unit.scenario import assigned
from services.tips.tests.unit.scenario import assigned_lead
from services.tips.tests.unit.scenario import closed_lead
from services.tips.tests.unit.scenario import concluded_lead
from services.tips.tests.unit.scenario import dismissed
from services.tips.tests.unit.scenario import given_lead
from services.tips.tests.unit.scenario import lead
from services.tips.tests.unit.scenario import new_lead
from services.tips.tests.unit.scenario import received
from services.tips.tests.unit.scenario import then_events
from services.tips.tests.unit.scenario import then_rule_broken
from services.tips.tests.unit.scenario import triaged
from services.tips.tests.unit.scenario import triaged_lead
from services.tips.tests.unit.scenario import verified
from services.tips.tests.unit.scenario import verified_lead


def submission(**changes: Any) -> Submission:
    base = Submission(
        lead_id=LEAD,
        channel=received().channel,
        category=received().category,
        place_code=VILLAGE,
        village_code=VILLAGE,
        grid_code=None,
        station_code=STATION,
        description=DESCRIPTION,
        informant_ref=REF,
        received_at=RECEIVED_AT,
    )
    return replace(base, **changes)


def receive(**changes: Any) -> list[DomainEvent]:
    return leads.receive(
        submission(**changes),
        now=RECEIVED_AT + timedelta(hours=1),
        deadlines=DEADLINES,
    )


# ---------------------------------------------------------------- receive


def test_a_lead_with_a_contact_is_received_with_only_the_reference_to_its_sealed_contact() -> None:
    then_events(receive(), [received()])
    (event,) = receive()
    assert isinstance(event, LeadReceived)
    assert (event.anonymous, event.informant_ref) == (False, REF)


def test_an_anonymous_lead_has_no_reference() -> None:
    (event,) = receive(informant_ref=None)
    assert isinstance(event, LeadReceived)
    assert (event.anonymous, event.informant_ref) == (True, None)
    assert leads.evolve(None, event).informant_contact is ContactStatus.NONE


def test_a_lead_placed_in_a_grid_keeps_the_grid_and_its_village() -> None:
    (event,) = receive(place_code=GRID, grid_code=GRID)
    assert isinstance(event, LeadReceived)
    assert (event.village_code, event.grid_code) == (VILLAGE, GRID)


def test_a_received_lead_waits_for_triage_within_the_triage_deadline() -> None:
    state = new_lead()
    assert (state.status, state.informant_contact) == (LeadStatus.RECEIVED, ContactStatus.SEALED)
    assert state.triage_due_at == RECEIVED_AT + timedelta(hours=24)
    assert state.pending_deadline == state.triage_due_at
    assert state.received_on == RECEIVED_ON  # 09:30 in Danzhou is 01:30 UTC on the same day


def test_a_lead_needs_a_station_covering_its_village() -> None:
    then_rule_broken("village_not_covered", lambda: receive(station_code=None))


def test_a_lead_cannot_arrive_in_the_future_beyond_clock_skew() -> None:
    now = RECEIVED_AT + timedelta(hours=1)
    assert receive(received_at=now + timedelta(minutes=4))  # a client clock slightly ahead
    then_rule_broken("date_in_future", lambda: receive(received_at=now + timedelta(minutes=6)))


# ---------------------------------------------------------------- triage


@pytest.mark.parametrize(
    ("priority", "deadline"),
    [
        (LeadPriority.URGENT, timedelta(hours=24)),
        (LeadPriority.HIGH, timedelta(days=3)),
        (LeadPriority.NORMAL, timedelta(days=7)),
        (LeadPriority.LOW, timedelta(days=14)),
    ],
)
def test_triage_sets_the_decision_deadline_of_the_priority_from_receipt(
    priority: LeadPriority, deadline: timedelta
) -> None:
    then_events(
        leads.triage(new_lead(), priority=priority, triaged_at=LATER, now=NOW, deadlines=DEADLINES),
        [LeadTriaged(lead_id=LEAD, priority=priority, due_at=RECEIVED_AT + deadline, triaged_at=LATER)],
    )
    state = lead(triaged(priority))
    assert (state.status, state.pending_deadline) == (LeadStatus.TRIAGED, RECEIVED_AT + deadline)


def test_an_assigned_lead_can_be_given_another_priority_and_stays_assigned() -> None:
    events = leads.triage(
        assigned_lead(), priority=LeadPriority.LOW, triaged_at=LATER, now=NOW, deadlines=DEADLINES
    )
    state = lead(triaged(), assigned(), *events)
    assert (state.status, state.priority, state.due_at) == (
        LeadStatus.ASSIGNED,
        LeadPriority.LOW,
        RECEIVED_AT + timedelta(days=14),
    )


def test_triage_with_the_same_priority_is_refused() -> None:
    then_rule_broken(
        "priority_unchanged",
        lambda: leads.triage(
            triaged_lead(), priority=LeadPriority.URGENT, triaged_at=LATER, now=NOW, deadlines=DEADLINES
        ),
    )


def test_a_decided_lead_is_not_triaged_again() -> None:
    then_rule_broken(
        "lead_already_decided",
        lambda: leads.triage(
            verified_lead(), priority=LeadPriority.LOW, triaged_at=LATER, now=NOW, deadlines=DEADLINES
        ),
    )


def test_a_triage_entered_late_keeps_its_own_moment() -> None:
    """Triaged the evening it arrived, typed in a month later: the event carries the evening."""
    evening = RECEIVED_AT + timedelta(hours=10)
    (event,) = leads.triage(
        new_lead(), priority=LeadPriority.HIGH, triaged_at=evening, now=NOW, deadlines=DEADLINES
    )
    assert isinstance(event, LeadTriaged) and event.triaged_at == evening
    assert event.due_at == RECEIVED_AT + timedelta(days=3)  # the clock still runs from receipt
    assert lead(event).triaged_at == evening


def test_a_triage_is_neither_in_the_future_nor_before_the_lead_arrived() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: leads.triage(
            new_lead(),
            priority=LeadPriority.LOW,
            triaged_at=NOW + timedelta(minutes=6),
            now=NOW,
            deadlines=DEADLINES,
        ),
    )
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.triage(
            new_lead(),
            priority=LeadPriority.LOW,
            triaged_at=RECEIVED_AT - timedelta(minutes=1),
            now=NOW,
            deadlines=DEADLINES,
        ),
    )


def test_a_new_priority_is_not_dated_before_the_leads_latest_act() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.triage(
            assigned_lead(),
            priority=LeadPriority.LOW,
            triaged_at=RECEIVED_AT + timedelta(hours=2, minutes=30),  # before the assignment
            now=NOW,
            deadlines=DEADLINES,
        ),
    )


# ---------------------------------------------------------------- assign


def test_an_assignment_is_not_before_the_triage_nor_in_the_future() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.assign(
            triaged_lead(),
            person_id=HANDLER,
            officer=HANDLER_OFFICER,
            assigned_at=RECEIVED_AT + timedelta(hours=1),
            now=NOW,
        ),
    )
    then_rule_broken(
        "date_in_future",
        lambda: leads.assign(
            triaged_lead(),
            person_id=HANDLER,
            officer=HANDLER_OFFICER,
            assigned_at=NOW + timedelta(hours=1),
            now=NOW,
        ),
    )


def test_a_handover_is_not_dated_before_the_verification_day() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.assign(
            verified_lead(),
            person_id=OTHER_OFFICER,
            officer=COLLEAGUE,
            assigned_at=RECEIVED_AT + timedelta(hours=5),  # 2 November; verified on the 3rd
            now=NOW,
        ),
    )


def test_assign_a_triaged_lead_to_an_officer_of_its_station() -> None:
    then_events(
        leads.assign(triaged_lead(), person_id=HANDLER, officer=HANDLER_OFFICER, assigned_at=LATER, now=NOW),
        [LeadAssigned(lead_id=LEAD, officer_person_id=HANDLER, assigned_at=LATER)],
    )
    state = assigned_lead()
    assert (state.status, state.handler) == (LeadStatus.ASSIGNED, HANDLER)


def test_a_lead_is_triaged_before_it_is_assigned() -> None:
    then_rule_broken(
        "lead_not_triaged",
        lambda: leads.assign(
            new_lead(), person_id=HANDLER, officer=HANDLER_OFFICER, assigned_at=LATER, now=NOW
        ),
    )


def test_an_unknown_officer_cannot_be_assigned() -> None:
    then_rule_broken(
        "unknown_officer",
        lambda: leads.assign(triaged_lead(), person_id="P-NOBODY", officer=None, assigned_at=LATER, now=NOW),
    )


@pytest.mark.parametrize(
    "officer",
    [Officer(HANDLER, OTHER_STATION, active=True), Officer(HANDLER, STATION, active=False)],
    ids=["another station's officer", "an officer who left service"],
)
def test_only_an_active_officer_of_the_leads_station_is_assigned(officer: Officer) -> None:
    then_rule_broken(
        "officer_not_at_station",
        lambda: leads.assign(triaged_lead(), person_id=HANDLER, officer=officer, assigned_at=LATER, now=NOW),
    )


def test_assigning_the_current_handler_again_is_refused() -> None:
    then_rule_broken(
        "already_assigned_to_officer",
        lambda: leads.assign(
            assigned_lead(), person_id=HANDLER, officer=HANDLER_OFFICER, assigned_at=LATER, now=NOW
        ),
    )


def test_a_verified_lead_can_be_handed_to_another_officer() -> None:
    events = leads.assign(
        verified_lead(), person_id=OTHER_OFFICER, officer=COLLEAGUE, assigned_at=LATER, now=NOW
    )
    state = lead(triaged(), assigned(), verified(), *events)
    assert (state.status, state.handler) == (LeadStatus.VERIFIED, OTHER_OFFICER)


def test_a_dismissed_lead_is_not_assigned() -> None:
    then_rule_broken(
        "lead_dismissed",
        lambda: leads.assign(
            lead(triaged(), dismissed()),
            person_id=HANDLER,
            officer=HANDLER_OFFICER,
            assigned_at=LATER,
            now=NOW,
        ),
    )


# ---------------------------------------------------------------- verify or dismiss


def test_verify_an_assigned_lead() -> None:
    then_events(
        leads.verify(assigned_lead(), verified_on=VERIFIED_ON, today=TODAY),
        [LeadVerified(lead_id=LEAD, verified_on=VERIFIED_ON)],
    )
    state = verified_lead()
    assert (state.status, state.pending_deadline) == (LeadStatus.VERIFIED, None)


def test_a_lead_nobody_was_assigned_cannot_be_verified() -> None:
    then_rule_broken(
        "lead_not_assigned", lambda: leads.verify(triaged_lead(), verified_on=VERIFIED_ON, today=TODAY)
    )


def test_a_lead_is_verified_once() -> None:
    then_rule_broken(
        "lead_already_decided", lambda: leads.verify(verified_lead(), verified_on=VERIFIED_ON, today=TODAY)
    )


def test_verification_dates_are_neither_in_the_future_nor_before_receipt() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: leads.verify(assigned_lead(), verified_on=TODAY + timedelta(days=1), today=TODAY),
    )
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.verify(assigned_lead(), verified_on=RECEIVED_ON - timedelta(days=1), today=TODAY),
    )


def test_a_lead_can_be_dismissed_from_receipt_on() -> None:
    then_events(
        leads.dismiss(new_lead(), reason=DismissalReason.DUPLICATE, dismissed_on=RECEIVED_ON, today=TODAY),
        [LeadDismissed(lead_id=LEAD, reason=DismissalReason.DUPLICATE, dismissed_on=RECEIVED_ON)],
    )
    state = lead(dismissed())
    assert (state.status, state.dismissal_reason, state.pending_deadline) == (
        LeadStatus.DISMISSED,
        DismissalReason.UNFOUNDED,
        None,
    )


def test_a_verified_lead_is_not_dismissed() -> None:
    then_rule_broken(
        "lead_already_decided",
        lambda: leads.dismiss(
            verified_lead(), reason=DismissalReason.UNFOUNDED, dismissed_on=VERIFIED_ON, today=TODAY
        ),
    )


def test_a_dismissal_is_not_dated_before_receipt() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.dismiss(
            new_lead(), reason=DismissalReason.UNFOUNDED, dismissed_on=date(2023, 11, 1), today=TODAY
        ),
    )


# ---------------------------------------------------------------- outcomes


def arrest(case_number: str = "DZ2023-1106", outcome_on: date = ARRESTED_ON) -> OutcomeRecord:
    return OutcomeRecord(LeadOutcome.FUGITIVE_ARRESTED, outcome_on, case_number=case_number)


REFERRAL = OutcomeRecord(
    LeadOutcome.REFERRED_TO_MEDIATION,
    ARRESTED_ON,
    referral=Referral(DisputeCategory.LAND_OR_HOUSE, "两户村民因宅基地边界争执多年"),
)


def test_a_fugitive_arrested_with_a_case_number() -> None:
    then_events(leads.record_outcome(verified_lead(), arrest(), today=TODAY), [arrested()])
    state = concluded_lead()
    assert state.status is LeadStatus.OUTCOME_RECORDED
    assert [(o.outcome, o.case_number) for o in state.outcomes] == [
        (LeadOutcome.FUGITIVE_ARRESTED, "DZ2023-1106")
    ]


def test_an_outcome_needs_a_verified_lead() -> None:
    then_rule_broken(
        "lead_not_verified", lambda: leads.record_outcome(assigned_lead(), arrest(), today=TODAY)
    )
    then_rule_broken(
        "lead_not_verified", lambda: leads.record_outcome(lead(dismissed()), arrest(), today=TODAY)
    )


def test_one_lead_may_lead_to_several_arrests_but_each_is_recorded_once() -> None:
    second = leads.record_outcome(concluded_lead(), arrest("DZ2023-1107"), today=TODAY)
    assert len(lead(triaged(), assigned(), verified(), arrested(), *second).outcomes) == 2
    then_rule_broken(
        "outcome_already_recorded", lambda: leads.record_outcome(concluded_lead(), arrest(), today=TODAY)
    )


def test_a_referral_to_mediation_tells_the_mediators_the_village_grid_and_dispute() -> None:
    grid_lead = given_lead(received(grid_code=GRID), triaged(), assigned(), verified())
    then_events(
        leads.record_outcome(grid_lead, REFERRAL, today=TODAY),
        [
            LeadOutcomeRecorded(
                lead_id=LEAD,
                outcome=LeadOutcome.REFERRED_TO_MEDIATION,
                case_number=None,
                outcome_on=ARRESTED_ON,
            ),
            LeadReferredToMediation(
                lead_id=LEAD,
                village_code=VILLAGE,
                grid_code=GRID,
                dispute_category=DisputeCategory.LAND_OR_HOUSE,
                summary="两户村民因宅基地边界争执多年",
                referred_on=ARRESTED_ON,
            ),
        ],
    )


def test_a_lead_is_referred_to_mediation_once() -> None:
    referral = leads.record_outcome(verified_lead(), REFERRAL, today=TODAY)
    referred = lead(triaged(), assigned(), verified(), *referral)
    assert [o.outcome for o in referred.outcomes] == [LeadOutcome.REFERRED_TO_MEDIATION]
    later = replace(REFERRAL, outcome_on=ARRESTED_ON + timedelta(days=1))
    then_rule_broken("outcome_already_recorded", lambda: leads.record_outcome(referred, later, today=TODAY))


def test_outcome_dates_are_neither_before_verification_nor_in_the_future() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.record_outcome(verified_lead(), arrest(outcome_on=RECEIVED_ON), today=TODAY),
    )
    then_rule_broken(
        "date_in_future",
        lambda: leads.record_outcome(
            verified_lead(), arrest(outcome_on=TODAY + timedelta(days=1)), today=TODAY
        ),
    )


# ---------------------------------------------------------------- close


def test_closing_starts_the_retention_of_the_sealed_contact() -> None:
    then_events(
        leads.close(concluded_lead(), closed_on=CLOSED_ON, today=TODAY, retention=RETENTION),
        [LeadClosed(lead_id=LEAD, closed_on=CLOSED_ON, informant_contact_shred_on=CLOSED_ON + RETENTION)],
    )
    state = closed_lead()
    assert (state.status, state.closed_on, state.informant_contact_shred_on) == (
        LeadStatus.CLOSED,
        CLOSED_ON,
        date(2024, 5, 26),
    )


def test_an_anonymous_lead_closes_with_nothing_to_shred() -> None:
    anonymous = lead(triaged(), assigned(), verified(), arrested(), informant_ref=None)
    (event,) = leads.close(anonymous, closed_on=CLOSED_ON, today=TODAY, retention=RETENTION)
    assert isinstance(event, LeadClosed) and event.informant_contact_shred_on is None


def test_a_dismissed_lead_can_be_closed() -> None:
    (event,) = leads.close(lead(dismissed()), closed_on=CLOSED_ON, today=TODAY, retention=RETENTION)
    assert isinstance(event, LeadClosed)


def test_a_verified_lead_without_an_outcome_is_not_closed() -> None:
    then_rule_broken(
        "lead_not_concluded",
        lambda: leads.close(verified_lead(), closed_on=CLOSED_ON, today=TODAY, retention=RETENTION),
    )


def test_a_closing_is_not_dated_before_the_last_outcome() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: leads.close(
            concluded_lead(), closed_on=ARRESTED_ON - timedelta(days=1), today=TODAY, retention=RETENTION
        ),
    )


def test_nothing_changes_after_closing() -> None:
    done = closed_lead()
    for decision in [
        lambda: leads.triage(done, priority=LeadPriority.LOW, triaged_at=LATER, now=NOW, deadlines=DEADLINES),
        lambda: leads.assign(done, person_id=OTHER_OFFICER, officer=COLLEAGUE, assigned_at=LATER, now=NOW),
        lambda: leads.verify(done, verified_on=TODAY, today=TODAY),
        lambda: leads.dismiss(done, reason=DismissalReason.OTHER, dismissed_on=TODAY, today=TODAY),
        lambda: leads.record_outcome(done, arrest("DZ2023-9999", TODAY), today=TODAY),
        lambda: leads.close(done, closed_on=TODAY, today=TODAY, retention=RETENTION),
    ]:
        then_rule_broken("lead_closed", decision)


def test_the_pending_deadline_is_triage_then_decision_then_none() -> None:
    assert [state.pending_deadline for state in (new_lead(), triaged_lead(), assigned_lead())] == [
        RECEIVED_AT + timedelta(hours=24),
        RECEIVED_AT + timedelta(hours=24),  # urgent: decided within 24 hours of receipt
        RECEIVED_AT + timedelta(hours=24),
    ]
    assert [state.pending_deadline for state in (verified_lead(), lead(dismissed()), closed_lead())] == [
        None
    ] * 3
