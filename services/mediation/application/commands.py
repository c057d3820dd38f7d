"""The service's commands: also the request bodies of its POST endpoints.

Events are kept forever, so free text is refused (422) when it carries what looks like a phone
number or an ID-card number: parties are named party-A, party-B... and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from govgrid.catalogue.mediation import (
    CloseOutcome,
    DisputeCategory,
    DisputeSource,
    MediationLevel,
    Party,
    PartyLabel,
    PartySatisfaction,
    PersonRef,
)

# 11-digit mobile numbers, landlines with an area code, 18-character ID-card numbers; not inside longer
# runs of digits (amounts of money, dates written as numbers).
CONTACT_DETAILS = re.compile(r"(?<![\dA-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8}|\d{17}[\dXx])(?![\dA-Za-z])")


def no_contact_details(text: str) -> str:
    if CONTACT_DETAILS.search(text):
        raise ValueError(
            "looks like a phone or ID-card number: events are kept forever, "
            "refer to the parties as party-A, party-B... only"
        )
    return text


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(no_contact_details),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1000),
    AfterValidator(no_contact_details),
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=1000), AfterValidator(no_contact_details)
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_contact_details),
]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def distinct(labels: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise ValueError(f"{what} {label} appears twice")
        seen.add(label)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterDispute(Command):
    source: DisputeSource = Field(description="walk_in, patrol or referral; tips leads arrive by event.")
    source_reference: Reference | None = Field(
        default=None, description="The patrol, or the body that referred it (e.g. 那大镇司法所)."
    )
    village_code: Code
    grid_code: Code | None = None
    category: DisputeCategory
    parties: tuple[Party, ...] = Field(min_length=2, max_length=20)
    running_since: date | None = Field(default=None, description="When the dispute began, as far as known.")
    description: Text
    registered_on: date

    @field_validator("source")
    @classmethod
    def _not_a_tips_lead(cls, source: DisputeSource) -> DisputeSource:
        if source is DisputeSource.TIPS_LEAD:
            raise ValueError("leads are referred by the tips service (LeadReferredToMediation), not posted")
        return source

    @field_validator("parties")
    @classmethod
    def _distinct_parties(cls, parties: tuple[Party, ...]) -> tuple[Party, ...]:
        distinct([p.label for p in parties], "party")
        return parties


class AddParties(Command):
    parties: tuple[Party, ...] = Field(min_length=1, max_length=20)

    @field_validator("parties")
    @classmethod
    def _distinct_parties(cls, parties: tuple[Party, ...]) -> tuple[Party, ...]:
        distinct([p.label for p in parties], "party")
        return parties


class AssignMediators(Command):
    officer_person_id: PersonRef = Field(
        description="A police officer (usually the village's deputy secretary)."
    )
    cadre_person_id: PersonRef = Field(description="A village cadre (usually a joint-defence director).")
    assigned_on: date


class RecordSession(Command):
    held_on: date
    parties_present: tuple[PartyLabel, ...] = Field(min_length=1, max_length=20)
    officials_present: tuple[PersonRef, ...] = Field(
        min_length=1, max_length=20, description="Person ids of the mediators and officials present."
    )
    others_present: int = Field(default=0, ge=0, le=500, description="Relatives, witnesses... (a count).")
    summary: Text

    @field_validator("parties_present", "officials_present")
    @classmethod
    def _distinct_attendees(cls, attendees: tuple[str, ...]) -> tuple[str, ...]:
        distinct(attendees, "attendee")
        return attendees


class RecordAgreement(Command):
    reached_on: date
    terms: Text = Field(description="A summary of the agreed terms.")


class RecordFailure(Command):
    failed_on: date
    reason: Reason


class EscalateDispute(Command):
    to_level: MediationLevel
    escalated_on: date
    note: Note = ""


class CloseDispute(Command):
    outcome: CloseOutcome
    closed_on: date
    note: Note = ""


class RecordFollowUp(Command):
    visited_on: date
    agreement_holds: bool
    satisfaction: tuple[PartySatisfaction, ...] = Field(min_length=1, max_length=20)
    note: Note = ""

    @field_validator("satisfaction")
    @classmethod
    def _one_answer_per_party(cls, answers: tuple[PartySatisfaction, ...]) -> tuple[PartySatisfaction, ...]:
        distinct([a.label for a in answers], "party")
        return answers
