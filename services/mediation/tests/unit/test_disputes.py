"""Disputes: register, add parties, assign the pair, hold sessions, agree or fail, escalate, close,
follow up. Every rule: given events, when a decision, then events or the rule's code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from datetime import timedelta

import pytest

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.mediation import PartySatisfaction
from govgrid.catalogue.mediation import Satisfaction
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import DisputeStatus
from services.mediation.domain.disputes import KnownPerson
from services.mediation.domain.disputes import PersonRole
from services.mediation.domain.disputes import Registration
from services.mediation.tests.unit.scenario import CADRE
from services.mediation.tests.unit.scenario import CADRE_KNOWN
from services.mediation.tests.unit.scenario import OFFICER
from services.mediation.tests.unit.scenario import OFFICER_KNOWN
from services.mediation.tests.unit.scenario import OTHER_OFFICER
from services.mediation.tests.unit.scenario import PARTY_A
from services.mediation.tests.unit.scenario import PARTY_B
from services.mediation.tests.unit.scenario import PARTY_C
from services.mediation.tests.unit.scenario import REGISTERED_ON
from services.mediation.tests.unit.scenario import RUNNING_SINCE
from services.mediation.tests.unit.scenario import TODAY
from services.mediation.tests.unit.scenario import VILLAGE
from services.mediation.tests.unit.scenario import agreed
from services.mediation.tests.unit.scenario import agreement_reached
from services.mediation.tests.unit.scenario import closed
from services.mediation.tests.unit.scenario import dispute
from services.mediation.tests.unit.scenario import escalated
from services.mediation.tests.unit.scenario import failed
from services.mediation.tests.unit.scenario import followed_up
from services.mediation.tests.unit.scenario import in_mediation
from services.mediation.tests.unit.scenario import mediators_assigned
from services.mediation.tests.unit.scenario import parties_added
from services.mediation.tests.unit.scenario import referred
from services.mediation.tests.unit.scenario import registered
from services.mediation.tests.unit.scenario import satisfaction
from services.mediation.tests.unit.scenario import session_held

TOWNSHIP = MediationLevel.TOWNSHIP
COURT = MediationLevel.COURT


def at_court() -> Dispute:
    """Failed at the village, failed again at the township, sent to the court on 21 April."""
    return in_mediation(
        failed(),
        escalated(),
        failed(date(2024, 4, 20), TOWNSHIP),
        escalated(date(2024, 4, 21), COURT, from_level=TOWNSHIP),
    )


def registration(event: DisputeRegistered | None = None, **changes: object) -> Registration:
    """What registers ``event`` (the walk-in one of the scenario), with ``changes``."""
    return Registration(**{**dict(event or registered()), **changes})


# ---------------------------------------------------------------- register


def test_register_a_walk_in_dispute() -> None:
    then_events(
        disputes.register(None, registration(), grid_parent_code=VILLAGE, today=TODAY), [registered()]
    )


def test_a_registration_folds_into_a_registered_dispute_at_village_level() -> None:
    state = dispute()
    assert (state.status, state.level, state.level_started_on) == (
        DisputeStatus.REGISTERED,
        MediationLevel.VILLAGE,
        REGISTERED_ON,
    )
    assert (state.parties, state.running_since, state.mediators, state.sessions) == (
        (PARTY_A, PARTY_B),
        RUNNING_SINCE,
        None,
        (),
    )


def test_a_dispute_id_names_one_dispute() -> None:
    then_rule_broken(
        "dispute_already_registered",
        lambda: disputes.register(dispute(), registration(), grid_parent_code=VILLAGE, today=TODAY),
    )


def test_a_registration_is_not_dated_in_the_future() -> None:
    then_rule_broken(
        "date_in_future",
        lambda: disputes.register(None, registration(), grid_parent_code=VILLAGE, today=date(2024, 2, 29)),
    )


def test_a_registration_today_is_fine() -> None:
    assert disputes.register(None, registration(), grid_parent_code=VILLAGE, today=REGISTERED_ON)


def test_a_dispute_cannot_begin_after_it_was_registered() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: disputes.register(
            None, registration(running_since=date(2024, 3, 2)), grid_parent_code=VILLAGE, today=TODAY
        ),
    )


def test_the_grid_must_be_one_of_the_village() -> None:
    then_rule_broken(
        "grid_not_in_village",
        lambda: disputes.register(None, registration(), grid_parent_code="QIANJIN", today=TODAY),
    )


def test_no_grid_needs_no_grid_check() -> None:
    (event,) = disputes.register(None, registration(grid_code=None), grid_parent_code=None, today=TODAY)
    assert isinstance(event, DisputeRegistered) and event.grid_code is None


# ---------------------------------------------------------------- a lead referred by the tips service


def test_a_referred_lead_opens_a_dispute_without_parties() -> None:
    then_events(disputes.open_referred(None, registration(referred())), [referred()])
    state = dispute(registration=referred())
    assert (state.source, state.source_reference, state.parties) == (DisputeSource.TIPS_LEAD, "L1", ())


def test_a_lead_opens_one_dispute_however_often_it_is_referred() -> None:
    then_rule_broken(
        "dispute_already_registered",
        lambda: disputes.open_referred(dispute(registration=referred()), registration(referred())),
    )


def test_the_dispute_of_a_lead_is_named_after_the_lead() -> None:
    assert disputes.referral_dispute_id("L1") == "lead-L1"
    assert disputes.stream_id("lead-L1") == "dispute-lead-L1"


# ---------------------------------------------------------------- parties


def test_add_a_party() -> None:
    then_events(
        disputes.add_parties(dispute(), (PARTY_C,), added_on=REGISTERED_ON, today=TODAY),
        [parties_added(PARTY_C)],
    )
    assert dispute(parties_added(PARTY_C)).parties == (PARTY_A, PARTY_B, PARTY_C)


def test_a_party_is_recorded_once() -> None:
    then_rule_broken(
        "party_already_recorded",
        lambda: disputes.add_parties(dispute(), (PARTY_C, PARTY_A), added_on=REGISTERED_ON, today=TODAY),
    )


def test_parties_of_a_referred_lead_are_added_later() -> None:
    state = dispute(parties_added(PARTY_A, PARTY_B), registration=referred())
    assert state.party_labels == {"party-A", "party-B"}


def test_parties_are_added_on_a_day_of_the_dispute_and_not_in_the_future() -> None:
    then_rule_broken(
        "dates_incoherent",
        lambda: disputes.add_parties(
            dispute(), (PARTY_C,), added_on=REGISTERED_ON - timedelta(days=1), today=TODAY
        ),
    )
    then_rule_broken(
        "date_in_future",
        lambda: disputes.add_parties(dispute(), (PARTY_C,), added_on=TODAY + timedelta(days=1), today=TODAY),
    )


def test_no_party_joins_after_the_agreement() -> None:
    then_rule_broken(
        "mediation_not_in_progress",
        lambda: disputes.add_parties(agreed(), (PARTY_C,), added_on=REGISTERED_ON, today=TODAY),
    )


def test_no_party_joins_a_closed_dispute() -> None:
    then_rule_broken(
        "dispute_closed",
        lambda: disputes.add_parties(
            dispute(closed(outcome=CloseOutcome.WITHDRAWN)), (PARTY_C,), added_on=REGISTERED_ON, today=TODAY
        ),
    )


# ---------------------------------------------------------------- mediators


def assign(
    state: Dispute,
    *,
    officer: KnownPerson | None = OFFICER_KNOWN,
    cadre: KnownPerson | None = CADRE_KNOWN,
    suggested: tuple[str | None, str | None] = (OFFICER, CADRE),
    assigned_on: date = date(2024, 3, 2),
) -> list[DomainEvent]:
    return disputes.assign_mediators(
        state,
        officer=officer,
        cadre=cadre,
        officer_person_id=officer.person_id if officer else OTHER_OFFICER,
        cadre_person_id=cadre.person_id if cadre else "P-NOBODY",
        suggested=suggested,
        assigned_on=assigned_on,
        today=TODAY,
    )


def test_assign_the_suggested_pair() -> None:
    then_events(assign(dispute()), [mediators_assigned()])
    state = dispute(mediators_assigned())
    assert state.status is DisputeStatus.IN_MEDIATION
    assert state.mediators is not None and state.mediators.follows_suggestion


def test_another_pair_than_the_suggested_one_is_allowed_and_recorded() -> None:
    other = KnownPerson(OTHER_OFFICER, PersonRole.POLICE_OFFICER, active=True)
    then_events(assign(dispute(), officer=other), [mediators_assigned(officer=OTHER_OFFICER)])
    mediators = dispute(mediators_assigned(officer=OTHER_OFFICER)).mediators
    assert mediators is not None and not mediators.follows_suggestion
    assert mediators.suggested_officer_person_id == OFFICER


def test_a_village_without_holders_gets_no_suggestion() -> None:
    (event,) = assign(dispute(), suggested=(None, None))
    assert isinstance(event, MediatorsAssigned) and event.suggested_officer_person_id is None
    mediators = dispute(event).mediators
    assert mediators is not None and not mediators.follows_suggestion


@pytest.mark.parametrize(
    ("officer", "code"),
    [
        (None, "not_a_police_officer"),
        (KnownPerson(CADRE, PersonRole.VILLAGE_CADRE, active=True), "not_a_police_officer"),
        (replace(OFFICER_KNOWN, active=False), "person_not_active"),
    ],
    ids=["unknown", "a cadre", "left service"],
)
def test_the_officer_must_be_a_police_officer_in_service(officer: KnownPerson | None, code: str) -> None:
    then_rule_broken(code, lambda: assign(dispute(), officer=officer))


@pytest.mark.parametrize(
    ("cadre", "code"),
    [
        (None, "not_a_village_cadre"),
        (OFFICER_KNOWN, "not_a_village_cadre"),
        (replace(CADRE_KNOWN, active=False), "person_not_active"),
    ],
    ids=["unknown", "an officer", "left service"],
)
def test_the_cadre_must_be_a_village_cadre_in_service(cadre: KnownPerson | None, code: str) -> None:
    then_rule_broken(code, lambda: assign(dispute(), cadre=cadre))


def test_the_pair_can_be_replaced_while_mediation_goes_on() -> None:
    state = in_mediation(session_held(1, date(2024, 3, 10)))
    then_events(assign(state, assigned_on=date(2024, 3, 11)), [mediators_assigned(date(2024, 3, 11))])


def test_no_pair_is_assigned_after_the_agreement() -> None:
    then_rule_broken("mediation_not_in_progress", lambda: assign(agreed(), assigned_on=date(2024, 3, 21)))


def test_an_assignment_is_not_dated_before_the_registration() -> None:
    then_rule_broken("dates_incoherent", lambda: assign(dispute(), assigned_on=date(2024, 2, 28)))


def test_an_assignment_is_not_dated_in_the_future() -> None:
    then_rule_broken("date_in_future", lambda: assign(dispute(), assigned_on=date(2025, 1, 1)))


# ---------------------------------------------------------------- sessions


def hold(
    state: Dispute, held_on: date = date(2024, 3, 10), parties: tuple[str, ...] = ("party-A", "party-B")
) -> list[DomainEvent]:
    return disputes.hold_session(
        state,
        held_on=held_on,
        parties_present=parties,
        officials_present=(OFFICER, CADRE),
        others_present=2,
        summary="Both sides heard; the land certificate was read out.",
        today=TODAY,
    )


def test_sessions_are_numbered_over_the_dispute() -> None:
    then_events(hold(in_mediation()), [session_held(1, date(2024, 3, 10))])
    then_events(
        hold(in_mediation(session_held(1, date(2024, 3, 10))), date(2024, 3, 17)),
        [session_held(2, date(2024, 3, 17))],
    )


def test_a_session_needs_the_pair() -> None:
    then_rule_broken("mediators_not_assigned", lambda: hold(dispute()))


def test_a_session_needs_two_parties() -> None:
    referral_without_parties = dispute(mediators_assigned(), registration=referred())
    then_rule_broken("parties_not_identified", lambda: hold(referral_without_parties))


def test_only_the_parties_attend_as_parties() -> None:
    error = then_rule_broken("unknown_party", lambda: hold(in_mediation(), parties=("party-A", "party-Z")))
    assert "party-Z" in error.message


def test_no_session_after_a_failure_until_escalated() -> None:
    then_rule_broken("mediation_not_in_progress", lambda: hold(in_mediation(failed()), date(2024, 3, 26)))


def test_no_session_after_closing() -> None:
    then_rule_broken(
        "dispute_closed", lambda: hold(in_mediation(closed(outcome=CloseOutcome.WITHDRAWN)), date(2024, 4, 2))
    )


def test_no_session_before_the_latest_act() -> None:
    then_rule_broken(
        "dates_incoherent", lambda: hold(in_mediation(session_held(1, date(2024, 3, 10))), date(2024, 3, 9))
    )


def test_no_session_in_the_future() -> None:
    then_rule_broken("date_in_future", lambda: hold(in_mediation(), date(2025, 1, 1)))


# ---------------------------------------------------------------- agreement and failure


def agree(state: Dispute, reached_on: date = date(2024, 3, 20)) -> list[DomainEvent]:
    return disputes.reach_agreement(
        state, reached_on=reached_on, terms="The wall moves back 0.5 m by May.", today=TODAY
    )


def test_an_agreement_is_reached_at_the_current_level() -> None:
    then_events(agree(in_mediation(session_held(1, date(2024, 3, 10)))), [agreement_reached()])
    state = agreed()
    assert state.status is DisputeStatus.AGREEMENT_REACHED
    assert state.agreement is not None and state.agreement.terms.startswith("The wall")


def test_an_agreement_needs_a_session() -> None:
    then_rule_broken("no_session_at_level", lambda: agree(in_mediation()))


def test_an_agreement_at_the_township_needs_a_session_there() -> None:
    at_township = in_mediation(session_held(1, date(2024, 3, 10)), failed(), escalated())
    then_rule_broken("no_session_at_level", lambda: agree(at_township, date(2024, 3, 27)))


def test_an_agreement_needs_the_pair() -> None:
    then_rule_broken("mediators_not_assigned", lambda: agree(dispute()))


def test_mediation_fails_even_without_a_session() -> None:
    then_events(
        disputes.record_failure(
            in_mediation(), failed_on=date(2024, 3, 25), reason="party-B refuses.", today=TODAY
        ),
        [failed()],
    )
    assert in_mediation(failed()).status is DisputeStatus.MEDIATION_FAILED


def test_no_failure_after_an_agreement() -> None:
    then_rule_broken(
        "mediation_not_in_progress",
        lambda: disputes.record_failure(agreed(), failed_on=date(2024, 3, 25), reason="x", today=TODAY),
    )


# ---------------------------------------------------------------- escalation


def escalate(
    state: Dispute, to_level: MediationLevel = TOWNSHIP, on: date = date(2024, 3, 26)
) -> list[DomainEvent]:
    return disputes.escalate(state, to_level=to_level, escalated_on=on, note="", today=TODAY)


def test_a_failed_mediation_goes_to_the_township_with_its_pair() -> None:
    then_events(escalate(in_mediation(failed())), [escalated()])
    state = in_mediation(failed(), escalated())
    assert (state.status, state.level, state.level_started_on) == (
        DisputeStatus.IN_MEDIATION,
        TOWNSHIP,
        date(2024, 3, 26),
    )
    assert state.mediators is not None and state.escalations[0].from_level is MediationLevel.VILLAGE


def test_sessions_go_on_at_the_township() -> None:
    state = in_mediation(session_held(1, date(2024, 3, 10)), failed(), escalated())
    then_events(hold(state, date(2024, 4, 2)), [session_held(2, date(2024, 4, 2), TOWNSHIP)])


def test_a_failure_at_the_township_goes_to_the_court() -> None:
    state = in_mediation(failed(), escalated(), failed(date(2024, 4, 20), TOWNSHIP))
    then_events(
        escalate(state, COURT, date(2024, 4, 21)),
        [escalated(date(2024, 4, 21), COURT, from_level=TOWNSHIP)],
    )
    assert at_court().status is DisputeStatus.REFERRED_TO_COURT


def test_a_dispute_may_go_straight_to_the_court() -> None:
    (event,) = escalate(in_mediation(failed()), COURT)
    assert isinstance(event, DisputeEscalated) and event.to_level is COURT


def test_escalation_needs_a_failed_mediation() -> None:
    then_rule_broken(
        "escalation_needs_failure", lambda: escalate(in_mediation(session_held(1, date(2024, 3, 10))))
    )


def test_an_agreement_is_not_escalated() -> None:
    then_rule_broken("escalation_needs_failure", lambda: escalate(agreed()))


@pytest.mark.parametrize("to_level", [MediationLevel.VILLAGE, TOWNSHIP])
def test_escalation_goes_up(to_level: MediationLevel) -> None:
    at_township_failed = in_mediation(failed(), escalated(), failed(date(2024, 4, 20), TOWNSHIP))
    then_rule_broken(
        "escalation_must_go_up", lambda: escalate(at_township_failed, to_level, date(2024, 4, 21))
    )


def test_nothing_is_done_at_the_court_but_closing() -> None:
    then_rule_broken("mediation_not_in_progress", lambda: hold(at_court(), date(2024, 4, 22)))


# ---------------------------------------------------------------- closing


def close(state: Dispute, outcome: CloseOutcome, on: date = date(2024, 4, 30)) -> list[DomainEvent]:
    return disputes.close(state, outcome=outcome, closed_on=on, note="", today=TODAY)


def test_an_agreement_closes_resolved() -> None:
    then_events(close(agreed(), CloseOutcome.RESOLVED, date(2024, 4, 1)), [closed()])
    state = agreed(closed())
    assert state.status is DisputeStatus.CLOSED
    assert state.closure is not None and state.closure.outcome is CloseOutcome.RESOLVED


def test_a_dispute_at_the_court_closes_referred_to_court() -> None:
    (event,) = close(at_court(), CloseOutcome.REFERRED_TO_COURT)
    assert isinstance(event, DisputeClosed) and event.outcome is CloseOutcome.REFERRED_TO_COURT


@pytest.mark.parametrize(
    "state",
    [dispute(), in_mediation(), in_mediation(failed())],
    ids=["registered", "in mediation", "mediation failed"],
)
def test_the_parties_may_withdraw_before_an_outcome(state: Dispute) -> None:
    (event,) = close(state, CloseOutcome.WITHDRAWN)
    assert isinstance(event, DisputeClosed) and event.outcome is CloseOutcome.WITHDRAWN


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (in_mediation(), CloseOutcome.RESOLVED),
        (in_mediation(failed()), CloseOutcome.RESOLVED),
        (agreed(), CloseOutcome.WITHDRAWN),
        (agreed(), CloseOutcome.REFERRED_TO_COURT),
        (in_mediation(failed()), CloseOutcome.REFERRED_TO_COURT),
        (at_court(), CloseOutcome.RESOLVED),
    ],
    ids=[
        "resolved without agreement",
        "resolved after failure",
        "withdrawn after agreement",
        "court after agreement",
        "court before escalation",
        "resolved at court",
    ],
)
def test_the_outcome_must_fit_the_status(state: Dispute, outcome: CloseOutcome) -> None:
    then_rule_broken("close_outcome_mismatch", lambda: close(state, outcome))


def test_a_dispute_closes_once() -> None:
    then_rule_broken("dispute_closed", lambda: close(agreed(closed()), CloseOutcome.RESOLVED))


def test_no_escalation_after_closing() -> None:
    then_rule_broken(
        "dispute_closed", lambda: escalate(in_mediation(failed(), closed(outcome=CloseOutcome.WITHDRAWN)))
    )


def test_closing_is_not_dated_before_the_agreement() -> None:
    then_rule_broken("dates_incoherent", lambda: close(agreed(), CloseOutcome.RESOLVED, date(2024, 3, 19)))


# ---------------------------------------------------------------- follow-up visits


def visit(
    state: Dispute,
    visited_on: date = date(2024, 6, 1),
    answers: tuple[PartySatisfaction, ...] | None = None,
) -> list[DomainEvent]:
    return disputes.follow_up(
        state,
        visited_on=visited_on,
        agreement_holds=True,
        satisfaction=answers or satisfaction(),
        note="",
        today=TODAY,
    )


@pytest.mark.parametrize("closed_first", [False, True], ids=["open", "closed"])
def test_a_visit_checks_the_agreement_before_or_after_closing(closed_first: bool) -> None:
    state = agreed(closed()) if closed_first else agreed()
    then_events(visit(state), [followed_up()])
    assert agreed(closed(), followed_up(holds=False)).follow_ups[0].agreement_holds is False


def test_a_visit_needs_an_agreement() -> None:
    then_rule_broken(
        "no_agreement_to_follow_up", lambda: visit(in_mediation(session_held(1, date(2024, 3, 10))))
    )


def test_only_parties_answer_a_visit() -> None:
    stranger = (PartySatisfaction(label="party-Q", satisfaction=Satisfaction.DISSATISFIED),)
    then_rule_broken("unknown_party", lambda: visit(agreed(), answers=stranger))


def test_a_visit_is_not_dated_before_the_agreement() -> None:
    then_rule_broken("dates_incoherent", lambda: visit(agreed(), date(2024, 3, 19)))


def test_a_visit_is_not_dated_in_the_future() -> None:
    then_rule_broken("date_in_future", lambda: visit(agreed(), date(2025, 1, 1)))


# ---------------------------------------------------------------- the fold


def test_a_whole_history_folds_into_its_state() -> None:
    state = in_mediation(
        session_held(1, date(2024, 3, 10)),
        failed(),
        escalated(),
        session_held(2, date(2024, 4, 2), TOWNSHIP),
        agreement_reached(date(2024, 4, 9), TOWNSHIP),
        closed(date(2024, 4, 10)),
        followed_up(),
    )
    assert state.status is DisputeStatus.CLOSED and state.level is TOWNSHIP
    assert [s.number for s in state.sessions] == [1, 2]
    assert [s.number for s in state.sessions_at_level] == [2]
    assert state.last_act_on == date(2024, 6, 1)
    assert (len(state.failures), len(state.escalations), len(state.follow_ups)) == (1, 1, 1)


def test_an_event_before_the_registration_cannot_apply() -> None:
    with pytest.raises(ValueError, match="cannot apply"):
        disputes.evolve(None, failed())


def test_a_party_is_a_pseudonym_never_a_name() -> None:
    assert set(Party.model_fields) == {"label", "role"}
    with pytest.raises(ValueError, match="pattern"):
        Party(label="王大明", role=PartyRole.CLAIMANT)
