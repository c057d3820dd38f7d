"""The mediation plan: 西华派出所's published 32 agreements inside the year, every dispute's life dated
inside the year and in order, valid for the service's commands and rules, mediated by a pair of the
covering station serving at the time, and a modest, deterministic load."""

from __future__ import annotations

from collections import Counter
from datetime import date
from datetime import timedelta
from functools import cache

import pytest

from demo import published
from demo.appointments import appointment_plans
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import build
from demo.mediation import DisputePlan
from demo.mediation import dispute_plans
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import DisputeCategory
from services.mediation.application import commands as c
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import KnownPerson
from services.mediation.domain.disputes import PersonRole
from services.mediation.domain.disputes import Registration

pytestmark = pytest.mark.unit

# The day the demo was written for, and a year running over a 29 February.
YEARS = (DemoYear(date(2026, 11, 29)), DemoYear(date(2024, 6, 30)))


@cache
def plans(year: DemoYear) -> list[DisputePlan]:
    return dispute_plans(build(), year)


def station_of(city: City, village_code: str) -> str:
    return next(v.station_code for v in city.villages if v.code == village_code)


def agreement_day(plan: DisputePlan) -> date | None:
    agreements = plan.acts_of("agreement")
    return agreements[0].on if agreements else None


@pytest.mark.parametrize("year", YEARS)
def test_xihua_reaches_exactly_the_published_agreements_inside_the_year(year: DemoYear) -> None:
    city = build()
    xihua = city.station("西华派出所").code
    agreed = [
        plan
        for plan in plans(year)
        if station_of(city, plan.village_code) == xihua
        and (day := agreement_day(plan)) is not None
        and year.first <= day <= year.last
    ]
    assert len(agreed) == published.XIHUA_DISPUTES_MEDIATED
    # And nothing else at Xihua reaches an agreement at any time: the read API's "resolved" is 32.
    assert sum(1 for p in plans(year) if p.station_code == xihua and p.acts_of("agreement")) == 32


@pytest.mark.parametrize("year", YEARS)
def test_every_act_is_dated_inside_the_year_and_in_order(year: DemoYear) -> None:
    for plan in plans(year):
        registered_on = date.fromisoformat(plan.registration["registered_on"])
        assert registered_on == plan.registered_on
        assert year.first <= registered_on <= year.last, plan.key
        if "running_since" in plan.registration:
            assert date.fromisoformat(plan.registration["running_since"]) <= registered_on
        days = [registered_on, *(a.on for a in plan.acts)]
        assert days == sorted(days), plan.key
        assert days[-1] <= year.last, plan.key


def known_person(city: City, person_id: str) -> KnownPerson | None:
    if any(o.person_id == person_id for o in city.officers):
        return KnownPerson(person_id, PersonRole.POLICE_OFFICER, active=True)
    if any(c.person_id == person_id for c in city.cadres):
        return KnownPerson(person_id, PersonRole.VILLAGE_CADRE, active=True)
    return None


def replay(city: City, plan: DisputePlan, today: date) -> Dispute:
    """Send the plan through the service's command models (422s) and domain decisions (409s)."""
    registration = c.RegisterDispute.model_validate(plan.registration)
    village = next(v for v in city.villages if v.code == registration.village_code)
    grid_parent = village.code if registration.grid_code in village.grid_codes else None
    events: list[DomainEvent] = disputes.register(
        None,
        Registration(dispute_id=plan.key, **dict(registration)),
        grid_parent_code=grid_parent,
        today=today,
    )
    state = disputes.evolve(None, events[0])
    for act in plan.acts:
        match act.what:
            case "parties":
                added = c.AddParties.model_validate(act.body)
                events = disputes.add_parties(state, added.parties, added_on=added.added_on, today=today)
            case "mediators":
                pair = c.AssignMediators.model_validate(act.body)
                events = disputes.assign_mediators(
                    state,
                    officer=known_person(city, pair.officer_person_id),
                    cadre=known_person(city, pair.cadre_person_id),
                    officer_person_id=pair.officer_person_id,
                    cadre_person_id=pair.cadre_person_id,
                    suggested=(None, None),
                    assigned_on=pair.assigned_on,
                    today=today,
                )
            case "sessions":
                session = c.RecordSession.model_validate(act.body)
                events = disputes.hold_session(
                    state,
                    held_on=session.held_on,
                    parties_present=session.parties_present,
                    officials_present=session.officials_present,
                    others_present=session.others_present,
                    summary=session.summary,
                    today=today,
                )
            case "agreement":
                agreement = c.RecordAgreement.model_validate(act.body)
                events = disputes.reach_agreement(
                    state, reached_on=agreement.reached_on, terms=agreement.terms, today=today
                )
            case "failure":
                failure = c.RecordFailure.model_validate(act.body)
                events = disputes.record_failure(
                    state, failed_on=failure.failed_on, reason=failure.reason, today=today
                )
            case "escalate":
                escalation = c.EscalateDispute.model_validate(act.body)
                events = disputes.escalate(
                    state,
                    to_level=escalation.to_level,
                    escalated_on=escalation.escalated_on,
                    note=escalation.note,
                    today=today,
                )
            case "close":
                closing = c.CloseDispute.model_validate(act.body)
                events = disputes.close(
                    state,
                    outcome=closing.outcome,
                    closed_on=closing.closed_on,
                    note=closing.note,
                    today=today,
                )
            case "follow-ups":
                visit = c.RecordFollowUp.model_validate(act.body)
                events = disputes.follow_up(
                    state,
                    visited_on=visit.visited_on,
                    agreement_holds=visit.agreement_holds,
                    satisfaction=visit.satisfaction,
                    note=visit.note,
                    today=today,
                )
            case _:
                raise AssertionError(f"{plan.key}: unknown act {act.what}")
        for event in events:
            state = disputes.evolve(state, event)
    return state


@pytest.mark.parametrize("year", YEARS)
def test_every_dispute_is_valid_for_the_service_and_ends_as_its_story_says(year: DemoYear) -> None:
    city = build()
    today = year.last + timedelta(days=1)  # the demo is loaded the day after the year's last
    ends: Counter[tuple[str, str]] = Counter()
    for plan in plans(year):
        state = replay(city, plan, today)  # raises RuleBroken or ValidationError on a refusal
        ends[(plan.story, state.status.value)] += 1
    assert set(ends) <= {
        ("agreed", "closed"),
        ("agreed", "agreement_reached"),  # agreed in the last days: not closed yet
        ("agreed_at_township", "closed"),
        ("agreed_at_township", "agreement_reached"),
        ("court", "closed"),
        ("court", "referred_to_court"),
        ("withdrawn", "closed"),
        ("stalled_at_township", "in_mediation"),
        ("awaiting_escalation", "mediation_failed"),
        ("in_progress", "registered"),
        ("in_progress", "in_mediation"),
    }, ends


@pytest.mark.parametrize("year", YEARS)
def test_mediators_belong_to_the_covering_station_and_serve_at_the_time(year: DemoYear) -> None:
    city = build()
    terms = appointment_plans(city, year)
    cadre_village = {c.person_id: c.village_code for c in city.cadres}
    for plan in plans(year):
        for act in plan.acts_of("mediators"):
            day = act.on
            station = station_of(city, plan.village_code)
            officer, cadre = act.body["officer_person_id"], act.body["cadre_person_id"]
            assert officer in {o.person_id for o in city.officers_of(station)}, plan.key
            assert station_of(city, cadre_village[cadre]) == station, plan.key
            deputies = {
                t.person_id
                for t in terms
                if t.kind == "deputy_party_secretary"
                and t.organisation_code == plan.village_code
                and t.term_start <= day <= t.term_end
            }
            directors = {
                t.person_id
                for t in terms
                if t.kind == "joint_defence_director"
                and t.organisation_code == station
                and t.term_start <= day <= t.term_end
            }
            # Once the programme has appointed them, the village's pair mediates.
            if deputies:
                assert officer in deputies, plan.key
            if directors:
                assert cadre in directors, plan.key
            # The pair is present at every session.
            for session in plan.acts_of("sessions"):
                assert set(session.body["officials_present"]) == {officer, cadre}


@pytest.mark.parametrize("year", YEARS)
def test_xihuas_agreements_are_mediated_by_appointed_pairs(year: DemoYear) -> None:
    city = build()
    xihua = city.station("西华派出所").code
    terms = appointment_plans(city, year)
    for plan in plans(year):
        if plan.station_code != xihua or not plan.acts_of("agreement"):
            continue
        (assignment,) = plan.acts_of("mediators")
        assert assignment.on is not None
        day = assignment.on
        assert any(
            t.kind == "deputy_party_secretary"
            and t.person_id == assignment.body["officer_person_id"]
            and t.organisation_code == plan.village_code
            and t.term_start <= day
            for t in terms
        ), plan.key
        assert any(
            t.kind == "joint_defence_director"
            and t.person_id == assignment.body["cadre_person_id"]
            and t.organisation_code == xihua
            and t.term_start <= day
            for t in terms
        ), plan.key


@pytest.mark.parametrize("year", YEARS)
def test_the_year_has_the_mix_the_dashboard_shows(year: DemoYear) -> None:
    everything = plans(year)
    assert 250 <= len(everything) <= 400
    acts = Counter(a.what for p in everything for a in p.acts)
    assert acts["agreement"] > len(everything) * 0.6  # most disputes end in an agreement
    assert acts["failure"] >= 20 and acts["follow-ups"] >= 30 and acts["parties"] >= 5
    escalations = Counter(a.body["to_level"] for p in everything for a in p.acts_of("escalate"))
    assert escalations["township"] >= 10 and escalations["court"] >= 5
    closings = Counter(a.body["outcome"] for p in everything for a in p.acts_of("close"))
    assert closings["withdrawn"] >= 5 and closings["referred_to_court"] >= 5
    assert set(Counter(p.registration["category"] for p in everything)) == set(DisputeCategory)
    # The backlog at the year's end: open disputes of various ages, none a year old.
    ages: Counter[str] = Counter()
    for plan in everything:
        at_court = any(a.body["to_level"] == "court" for a in plan.acts_of("escalate"))
        if plan.acts_of("agreement") or plan.acts_of("close") or at_court:
            continue
        age = (year.last - plan.registered_on).days
        ages[
            "under_30" if age < 30 else "30_to_90" if age < 90 else "90_to_365" if age < 365 else "older"
        ] += 1
    assert ages["under_30"] >= 10 and ages["30_to_90"] >= 3 and ages["90_to_365"] >= 1
    assert ages["older"] == 0


@pytest.mark.parametrize("year", YEARS)
def test_the_ten_year_house_dispute_is_settled_by_dongchengs_pair(year: DemoYear) -> None:
    city = build()
    dongcheng = city.station("东城派出所").code
    (plan,) = [
        p
        for p in plans(year)
        if "running_since" in p.registration
        and p.registered_on - date.fromisoformat(p.registration["running_since"]) >= timedelta(days=3650)
    ]
    assert plan.station_code == dongcheng and plan.registration["category"] == "neighbour"
    assert agreement_day(plan) is not None
    assert [a.body["outcome"] for a in plan.acts_of("close")] == ["resolved"]


@pytest.mark.parametrize("year", YEARS)
def test_the_load_is_modest_and_the_same_every_run(year: DemoYear) -> None:
    everything = plans(year)
    assert sum(1 + len(p.acts) for p in everything) < 2000  # commands: the registration and the acts
    assert len({p.key for p in everything}) == len(everything)  # idempotency keys never collide
    assert dispute_plans(build(), year) == everything
