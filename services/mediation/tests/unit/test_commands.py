"""The commands as request bodies: what is refused before any rule runs (422)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.mediation.application import commands as c

REGISTRATION: dict[str, Any] = {
    "source": "walk_in",
    "village_code": "V01",
    "category": "land_or_house",
    "parties": [{"label": "party-A", "role": "claimant"}, {"label": "party-B", "role": "respondent"}],
    "running_since": "2014-05-01",
    "description": "party-A says party-B's new wall stands on party-A's homestead land.",
    "registered_on": "2024-03-01",
}


def refused(model: type[c.Command], body: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return [(".".join(str(part) for part in e["loc"]), e["msg"]) for e in raised.value.errors()]


def test_a_registration_is_accepted_with_its_text_stripped() -> None:
    command = c.RegisterDispute.model_validate({**REGISTRATION, "description": "  宅基地纠纷  "})
    assert command.description == "宅基地纠纷"


@pytest.mark.parametrize(
    "text",
    [
        "party-A's phone is 13812345678",
        "call 0898-23881234",
        "ID 46000319800101123X",
        "身份证460003198001011248，住址",
    ],
    ids=["mobile", "landline", "ID card with X", "ID card"],
)
def test_contact_details_never_enter_an_event(text: str) -> None:
    [(field, message)] = refused(c.RegisterDispute, {**REGISTRATION, "description": text})
    assert field == "description" and "looks like a" in message


@pytest.mark.parametrize(
    "text", ["party-B owes 12000 yuan since 20190301", "wall of 138 cm", "account 1381234567890123"]
)
def test_amounts_and_dates_are_not_contact_details(text: str) -> None:
    assert c.RegisterDispute.model_validate({**REGISTRATION, "description": text}).description == text


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (
            c.RecordSession,
            {
                "held_on": "2024-03-10",
                "parties_present": ["party-A"],
                "officials_present": ["P1"],
                "summary": "reach me on 13912345678",
            },
            "summary",
        ),
        (c.RecordAgreement, {"reached_on": "2024-03-20", "terms": "pay to 13912345678"}, "terms"),
        (c.RecordFailure, {"failed_on": "2024-03-20", "reason": "13912345678 refused"}, "reason"),
        (c.CloseDispute, {"outcome": "withdrawn", "closed_on": "2024-03-20", "note": "13912345678"}, "note"),
        (c.RegisterDispute, {**REGISTRATION, "source_reference": "13912345678"}, "source_reference"),
    ],
    ids=["session summary", "agreement terms", "failure reason", "closing note", "source reference"],
)
def test_every_free_text_is_guarded(model: type[c.Command], body: dict[str, Any], field: str) -> None:
    assert [f for f, _ in refused(model, body)] == [field]


def test_tips_leads_are_not_posted() -> None:
    [(field, message)] = refused(c.RegisterDispute, {**REGISTRATION, "source": "tips_lead"})
    assert field == "source" and "tips service" in message


def test_a_dispute_has_two_sides() -> None:
    one = {**REGISTRATION, "parties": REGISTRATION["parties"][:1]}
    assert [f for f, _ in refused(c.RegisterDispute, one)] == ["parties"]


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (
            c.RegisterDispute,
            {**REGISTRATION, "parties": [{"label": "party-A", "role": "claimant"}] * 2},
            "parties",
        ),
        (
            c.AddParties,
            {"parties": [{"label": "party-C", "role": "third_party"}] * 2, "added_on": "2024-03-02"},
            "parties",
        ),
        (
            c.RecordSession,
            {
                "held_on": "2024-03-10",
                "parties_present": ["party-A", "party-A"],
                "officials_present": ["P1"],
                "summary": "heard",
            },
            "parties_present",
        ),
        (
            c.RecordFollowUp,
            {
                "visited_on": "2024-06-01",
                "agreement_holds": True,
                "satisfaction": [{"label": "party-A", "satisfaction": "satisfied"}] * 2,
            },
            "satisfaction",
        ),
    ],
    ids=["registered parties", "added parties", "attendees", "satisfaction"],
)
def test_each_party_appears_once(model: type[c.Command], body: dict[str, Any], field: str) -> None:
    [(found, message)] = refused(model, body)
    assert found == field and "twice" in message


def test_a_party_label_is_a_pseudonym() -> None:
    named = {**REGISTRATION, "parties": [{"label": "王大明", "role": "claimant"}, REGISTRATION["parties"][1]]}
    assert "parties.0.label" in [f for f, _ in refused(c.RegisterDispute, named)]


def test_unknown_fields_are_refused() -> None:
    assert [f for f, _ in refused(c.RegisterDispute, {**REGISTRATION, "party_name": "王大明"})] == [
        "party_name"
    ]
