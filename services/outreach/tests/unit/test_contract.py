"""What the events and commands accept: figures never negative, no personal data in a referral, the
fields that go together; and the inventory of the rule codes callers may receive."""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from govgrid.catalogue.outreach import JobReferralMade
from govgrid.catalogue.outreach import JobReferralOutcomeRecorded
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.rules import BusinessRule
from govgrid.rules import KeyMustBeFree
from govgrid.rules import MustBeRegistered
from govgrid.rules import RuleOf
from services.outreach.application import commands as c
from services.outreach.domain import cases
from services.outreach.domain import drives
from services.outreach.domain import enterprise_visits
from services.outreach.domain import enterprises
from services.outreach.domain import referrals
from services.outreach.domain import schools

FIGURES = {"students_processed": 120, "id_cards": 80, "household_changes": 15}
VISIT_EVENT = {"drive_id": "d1", "school_code": "4646001201", "visited_on": date(2023, 9, 5), **FIGURES}
VISIT_COMMAND = {"school_code": "4646001201", "visited_on": date(2023, 9, 5), **FIGURES}


def refused(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    """The fields ``model`` refuses in ``data``."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [".".join(str(p) for p in e["loc"]) for e in raised.value.errors()]


@pytest.mark.parametrize("figure", list(FIGURES))
@pytest.mark.parametrize(
    ("model", "data"), [(SchoolVisitRecorded, VISIT_EVENT), (c.RecordSchoolVisit, VISIT_COMMAND)]
)
def test_figures_are_never_negative(model: type[BaseModel], data: dict[str, Any], figure: str) -> None:
    assert refused(model, {**data, figure: -1}) == [figure]
    assert getattr(model.model_validate({**data, figure: 0}), figure) == 0


REFERRAL = {
    "referral_id": "r1",
    "enterprise_code": "91469003MA5T0001X",
    "position": "包装工",
    "referred_on": date(2023, 10, 12),
}


@pytest.mark.parametrize(
    "person_ref",
    [
        "460003199001011234",  # an ID-card number
        "X460003199001011234",  # one behind a letter
        "R13800138000",  # a mobile number behind a letter
        "王小明",  # a name
        "Wang Xiaoming",  # a name with a space
        "R1",  # too short to be a file reference
    ],
)
def test_a_referral_carries_no_personal_data(person_ref: str) -> None:
    assert refused(JobReferralMade, {**REFERRAL, "person_ref": person_ref}) == ["person_ref"]
    command = {k: v for k, v in REFERRAL.items() if k != "referral_id"}  # the service names referrals
    assert refused(c.MakeJobReferral, {**command, "person_ref": person_ref}) == ["person_ref"]


@pytest.mark.parametrize("person_ref", ["DF-2023-017", "case_0042", "a1b2c3d4e5f6a7b8"])
def test_an_opaque_reference_is_accepted(person_ref: str) -> None:
    assert JobReferralMade.model_validate({**REFERRAL, "person_ref": person_ref}).person_ref == person_ref


@pytest.mark.parametrize(
    "model", [JobReferralOutcomeRecorded, c.RecordReferralOutcome], ids=["event", "command"]
)
def test_a_reason_goes_with_not_hired_only(model: type[BaseModel]) -> None:
    outcome = {"referral_id": "r1"} if model is JobReferralOutcomeRecorded else {}
    hired = {**outcome, "outcome": "hired", "decided_on": "2023-10-20", "not_hired_reason": "position_filled"}
    with pytest.raises(ValidationError, match="only for a referral that ended not hired"):
        model.model_validate(hired)
    model.model_validate({**hired, "outcome": "not_hired"})


LAUNCH = {
    "station_code": "DONGFENG",
    "title": "秋季",
    "period_start": "2023-09-01",
    "period_end": "2023-10-31",
    "launched_on": "2023-08-22",
}


def test_a_drive_targets_each_school_once() -> None:
    assert refused(c.LaunchRegistrationDrive, {**LAUNCH, "target_school_codes": ["A1", "B2", "A1"]}) == [
        "target_school_codes"
    ]
    assert refused(c.LaunchRegistrationDrive, {**LAUNCH, "target_school_codes": []}) == [
        "target_school_codes"
    ]
    assert refused(c.AddDriveTargets, {"school_codes": ["A1", "A1"], "added_on": "2023-09-15"}) == [
        "school_codes"
    ]


VISIT = {"enterprise_code": "E1", "officer_person_id": "P1", "visited_on": "2023-10-10"}


def test_a_case_id_goes_with_a_case_follow_up_only() -> None:
    with pytest.raises(ValidationError, match="case_id is required"):
        c.RecordEnterpriseVisit.model_validate({**VISIT, "kind": "case_follow_up"})
    with pytest.raises(ValidationError, match="case_id is required"):
        c.RecordEnterpriseVisit.model_validate({**VISIT, "kind": "service_visit", "case_id": "c1"})
    assert c.RecordEnterpriseVisit.model_validate(
        {**VISIT, "kind": "case_follow_up", "case_id": "c1"}
    ).case_id


def test_findings_are_short_texts() -> None:
    assert refused(c.RecordEnterpriseVisit, {**VISIT, "kind": "service_visit", "findings": ["ok", " "]}) == [
        "findings.1"
    ]
    assert refused(c.RecordEnterpriseVisit, {**VISIT, "kind": "service_visit", "findings": ["x" * 501]}) == [
        "findings.0"
    ]


# Written out on purpose: a new or renamed code is a change of the API (docs/services/outreach.md).
RULE_CODES = {
    "school_already_registered",
    "unknown_school",
    "enterprise_already_registered",
    "unknown_enterprise",
    "school_outside_station_area",
    "school_not_targeted",
    "visit_outside_drive_period",
    "school_visit_already_recorded",
    "school_visit_not_recorded",
    "documents_exceed_students",
    "drive_closed",
    "unknown_officer",
    "officer_not_active",
    "unknown_enterprise_case",
    "case_of_another_enterprise",
    "follow_up_due_not_after_visit",
    "follow_up_already_completed",
    "enterprise_case_already_handled",
    "referral_already_pending",
    "referral_outcome_already_recorded",
    "dates_incoherent",
    "date_in_future",
}


def test_the_rule_codes_are_the_documented_ones() -> None:
    modules = (schools, enterprises, drives, enterprise_visits, cases, referrals)
    classes = {
        rule
        for module in modules
        for _, rule in inspect.getmembers(module, inspect.isclass)
        # The kernel's bases carry no code: each service's subclass of them does.
        if issubclass(rule, BusinessRule) and rule not in (BusinessRule, KeyMustBeFree, MustBeRegistered)
    }
    declared = {rule for module in modules for _, rule in inspect.getmembers(module, _declared)}
    assert {rule.code for rule in classes} | {rule.code for rule in declared} == RULE_CODES


def _declared(member: object) -> bool:
    return isinstance(member, RuleOf)
