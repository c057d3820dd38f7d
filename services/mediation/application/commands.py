"""The service's commands: also the request bodies of its POST endpoints.

Events are kept forever, so free text is refused (422) when it carries personal data (govgrid.privacy):
parties are named party-A, party-B... and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from typing import TypeVar

from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints
from pydantic import field_validator

from govgrid.bounds import Day
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyLabel
from govgrid.catalogue.mediation import PartySatisfaction
from govgrid.catalogue.mediation import PersonRef
from govgrid.privacy import FreeText

Text = Annotated[FreeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[FreeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Note = Annotated[FreeText, StringConstraints(strip_whitespace=True, max_length=1000)]
Reference = Annotated[FreeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def distinct(labels: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise ValueError(f"{what} {label} appears twice")
        seen.add(label)


P = TypeVar("P", Party, PartySatisfaction)


def _each_party_once(items: tuple[P, ...]) -> tuple[P, ...]:
    distinct([item.label for item in items], "party")
    return items


# Parties, or what each party said: each party once, by its label (party-A, party-B...).
Parties = Annotated[tuple[Party, ...], AfterValidator(_each_party_once)]
Satisfaction = Annotated[tuple[PartySatisfaction, ...], AfterValidator(_each_party_once)]


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
    parties: Parties = Field(min_length=2, max_length=20)
    running_since: Day | None = Field(default=None, description="When the dispute began, as far as known.")
    description: Text
    registered_on: Day

    @field_validator("source")
    @classmethod
    def _not_a_tips_lead(cls, source: DisputeSource) -> DisputeSource:
        if source is DisputeSource.TIPS_LEAD:
            raise ValueError("leads are referred by the tips service (LeadReferredToMediation), not posted")
        return source


class AddParties(Command):
    parties: Parties = Field(min_length=1, max_length=20)
    added_on: Day = Field(description="The day the parties joined the dispute (or became known).")


class AssignMediators(Command):
    officer_person_id: PersonRef = Field(
        description="A police officer (usually the village's deputy secretary)."
    )
    cadre_person_id: PersonRef = Field(description="A village cadre (usually a joint-defence director).")
    assigned_on: Day


class RecordSession(Command):
    held_on: Day
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
    reached_on: Day
    terms: Text = Field(description="A summary of the agreed terms.")


class RecordFailure(Command):
    failed_on: Day
    reason: Reason


class EscalateDispute(Command):
    to_level: MediationLevel
    escalated_on: Day
    note: Note = ""


class CloseDispute(Command):
    outcome: CloseOutcome
    closed_on: Day
    note: Note = ""


class RecordFollowUp(Command):
    visited_on: Day
    agreement_holds: bool
    satisfaction: Satisfaction = Field(min_length=1, max_length=20)
    note: Note = ""
