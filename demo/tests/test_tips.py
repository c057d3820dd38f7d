"""The tips plan reproduces 前进派出所's published figures, keeps 西华派出所's villages free of referrals to
mediation, stays inside the demo's year, and sends only what the tips service accepts (its own command
models and rules), before a single command is sent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from pydantic import BaseModel
from pydantic import TypeAdapter

from demo import published
from demo.appointments import appointment_plans
from demo.danzhou import City
from demo.danzhou import DemoYear
from demo.danzhou import build
from demo.tips import QIANJIN
from demo.tips import XIHUA
from demo.tips import LeadPlan
from demo.tips import contact_group_plans
from demo.tips import lead_plans
from demo.tips import notice_plans
from govgrid.catalogue.tips import ContactGroupKind
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadOutcome
from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import occurred_on
from govgrid.privacy import personal_data_in
from services.tips.application import commands as c
from services.tips.domain.informant import mentions_contact
from services.tips.settings import TipsSettings

pytestmark = pytest.mark.unit

CITY = build()
# A year inside one calendar year, and one across a 29 February.
YEARS = [DemoYear(date(2026, 11, 29)), DemoYear(date(2024, 3, 1))]
DEADLINES = TipsSettings.model_construct().deadlines()  # the service's defaults


def station_code(city: City, name_zh: str) -> str:
    return city.station(name_zh).code


def decided_on(lead: LeadPlan) -> date | None:
    return lead.verified_on or lead.dismissed_on


def end_of(day: date) -> datetime:
    return occurred_on(day + timedelta(days=1))


@pytest.fixture(params=YEARS, ids=lambda y: str(y.last))
def year(request: pytest.FixtureRequest) -> DemoYear:
    result: DemoYear = request.param
    return result


def test_qianjin_receives_twelve_leads_in_the_year_and_catches_exactly_three_fugitives(
    year: DemoYear,
) -> None:
    qianjin = [lead for lead in lead_plans(CITY, year) if lead.station_code == station_code(CITY, QIANJIN)]
    assert len(qianjin) == 12 >= published.QIANJIN_LEADS_AT_LEAST
    assert all(year.first <= lead.received_on <= year.last for lead in qianjin)
    arrests = [o for lead in qianjin for o in lead.outcomes if o.outcome is LeadOutcome.FUGITIVE_ARRESTED]
    assert len(arrests) == published.QIANJIN_FUGITIVES_ARRESTED
    assert all(year.first <= o.outcome_on <= year.last for o in arrests)
    # The rest verified with a case or a hazard removed, or dismissed; at most one still open.
    assert sum(lead.dismissed_on is not None for lead in qianjin) >= 1
    assert sum(lead.closed_on is None for lead in qianjin) <= 1


def test_the_city_gets_a_modest_year_of_leads_from_every_channel_and_station(year: DemoYear) -> None:
    leads = lead_plans(CITY, year)
    assert 100 <= len(leads) <= 150
    assert {lead.station_code for lead in leads} == {s.code for s in CITY.stations}
    assert set(Counter(lead.channel for lead in leads)) == set(LeadChannel)
    outcomes = Counter(o.outcome for lead in leads for o in lead.outcomes)
    assert set(outcomes) == set(LeadOutcome)
    assert outcomes[LeadOutcome.FUGITIVE_ARRESTED] > published.QIANJIN_FUGITIVES_ARRESTED  # a few elsewhere
    assert 2 <= outcomes[LeadOutcome.REFERRED_TO_MEDIATION] <= 10
    assert sum(lead.informant_contact is None for lead in leads) > 0.7 * len(leads)  # most anonymous


def test_no_lead_is_referred_to_mediation_at_xihua_villages(year: DemoYear) -> None:
    xihua_villages = {v.code for v in CITY.villages_of(station_code(CITY, XIHUA))}
    referred = [
        lead
        for lead in lead_plans(CITY, year)
        if any(o.outcome is LeadOutcome.REFERRED_TO_MEDIATION for o in lead.outcomes)
    ]
    assert referred
    assert not [lead.key for lead in referred if lead.village_code in xihua_villages]


def test_every_lead_is_placed_in_a_village_of_its_station_and_handled_by_one_of_its_officers(
    year: DemoYear,
) -> None:
    villages = {v.code: v for v in CITY.villages}
    officers = {o.person_id: o for o in CITY.officers}
    for lead in lead_plans(CITY, year):
        village = villages[lead.village_code]
        assert village.station_code == lead.station_code, lead.key
        assert lead.place_code in (village.code, *village.grid_codes), lead.key
        assert officers[lead.officer_person_id].station_code == village.station_code, lead.key


def test_every_date_is_inside_the_year_and_in_the_order_the_service_requires(year: DemoYear) -> None:
    for lead in lead_plans(CITY, year):
        assert lead.received_at.utcoffset() == CHINA_STANDARD_TIME.utcoffset(None), lead.key
        assert year.first <= lead.received_on <= year.last, lead.key
        days = [lead.received_on]
        decision = decided_on(lead)
        if decision is not None:
            days.append(decision)
        days += sorted(o.outcome_on for o in lead.outcomes)
        if lead.closed_on is not None:
            days.append(lead.closed_on)
        assert days == sorted(days) and days[-1] <= year.last, lead.key
        # Triaged, then assigned, on the day of receipt: before any decision.
        assert lead.received_at < lead.triaged_at < lead.assigned_at, lead.key
        assert lead.assigned_at.date() == lead.received_on, lead.key
        assert not (lead.verified_on and lead.dismissed_on), lead.key
        assert not lead.outcomes or lead.verified_on is not None, lead.key  # outcomes only once verified
        if lead.closed_on is not None:  # closed once dismissed, or verified with an outcome
            assert lead.dismissed_on is not None or lead.outcomes, lead.key


def test_decisions_meet_their_deadline_and_only_two_leads_are_overdue_at_the_year_end(year: DemoYear) -> None:
    overdue = []
    for lead in lead_plans(CITY, year):
        due = DEADLINES.decision_due(lead.received_at, lead.priority)
        decision = decided_on(lead)
        if decision is not None:
            assert occurred_on(decision) <= due, lead.key
        elif due < end_of(year.last):
            overdue.append(lead.key)
    assert len(overdue) == 2


def test_joint_defence_directors_report_only_once_their_station_has_a_certified_director(
    year: DemoYear,
) -> None:
    certified = [p for p in appointment_plans(CITY, year) if p.kind == "joint_defence_director"]
    first_certificate = {
        s.code: min(p.issued_on for p in certified if p.organisation_code == s.code) for s in CITY.stations
    }
    reports = [lead for lead in lead_plans(CITY, year) if lead.channel is LeadChannel.JOINT_DEFENCE_DIRECTOR]
    assert reports
    for lead in reports:
        assert lead.received_on >= first_certificate[lead.station_code], lead.key


def test_every_command_passes_the_service_validation_and_keeps_contacts_out_of_free_text(
    year: DemoYear,
) -> None:
    outcome = TypeAdapter(c.RecordOutcome)
    after_receipt: dict[str, type[BaseModel]] = {
        "triage": c.TriageLead,
        "assign": c.AssignLead,
        "verify": c.VerifyLead,
        "dismiss": c.DismissLead,
        "close": c.CloseLead,
    }
    for lead in lead_plans(CITY, year):
        c.SubmitLead.model_validate(lead.submission())  # rejects a description repeating the contact
        assert personal_data_in(lead.description) is None, lead.key
        if lead.informant_contact is not None:
            assert not mentions_contact(lead.informant_contact, lead.description), lead.key
        for command in lead.after_receipt():
            if command.action == "outcomes":
                outcome.validate_python(command.body)  # rejects a summary with contact data
            else:
                after_receipt[command.action].model_validate(command.body)
    for group in contact_group_plans(CITY, year):
        c.RegisterContactGroup.model_validate(group.command())
    for notice in notice_plans(CITY, year):
        c.PublishSafetyNotice.model_validate(notice.command())


def test_case_numbers_are_unique_and_given_exactly_for_arrests_and_opened_cases(year: DemoYear) -> None:
    numbered = {LeadOutcome.FUGITIVE_ARRESTED, LeadOutcome.CASE_OPENED}
    outcomes = [o for lead in lead_plans(CITY, year) for o in lead.outcomes]
    assert all((o.case_number is not None) == (o.outcome in numbered) for o in outcomes)
    numbers = [o.case_number for o in outcomes if o.case_number is not None]
    assert len(numbers) == len(set(numbers))


def test_contact_groups_cover_every_qianjin_village_and_notices_reach_only_their_station(
    year: DemoYear,
) -> None:
    groups = contact_group_plans(CITY, year)
    assert len({g.group_id for g in groups}) == len(groups)
    kinds_by_village: dict[str, set[ContactGroupKind]] = {}
    for group in groups:
        kinds_by_village.setdefault(group.village_code, set()).add(group.kind)
    for village in CITY.villages_of(station_code(CITY, QIANJIN)):
        assert kinds_by_village[village.code] == set(ContactGroupKind)
    station_of = {v.code: v.station_code for v in CITY.villages}
    for notice in notice_plans(CITY, year):
        assert notice.village_codes
        assert (
            year.first <= notice.published_at.date() <= notice.delivered_at(len(notice.village_codes)).date()
        )
        assert notice.delivered_at(2 * len(notice.village_codes)).date() <= year.last
        assert all(
            station_of[v] == notice.station_code and v in kinds_by_village for v in notice.village_codes
        )


def test_the_load_stays_under_a_thousand_commands_and_is_the_same_every_run(year: DemoYear) -> None:
    leads = lead_plans(CITY, year)
    groups = contact_group_plans(CITY, year)
    notices = notice_plans(CITY, year)
    deliveries = sum(len([g for g in groups if g.village_code in notice.village_codes]) for notice in notices)
    assert sum(lead.commands for lead in leads) + len(groups) + len(notices) + deliveries < 1000
    assert lead_plans(CITY, year) == leads
