"""Dispute mediation events (矛盾纠纷调处), emitted by the mediation service on govgrid.mediation.events.

Parties appear only under pseudonyms (e.g. "party-A"): events are kept forever. No name, phone
number or address of a party enters an event; officials appear by their person id.

One stream per dispute, ``dispute-{dispute_id}``: registered -> parties added -> mediators assigned
-> sessions held -> agreement reached, or mediation failed -> escalated (township, court) -> closed;
follow-up visits after an agreement.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import GridCode
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import PersonId
from govgrid.catalogue.registry import DomainEvent
from govgrid.catalogue.registry import dated_when_recorded

SERVICE = "mediation"


class DisputeCategory(StrEnum):
    NEIGHBOUR = "neighbour"
    LAND_OR_HOUSE = "land_or_house"
    FAMILY = "family"
    DEBT = "debt"
    LABOUR = "labour"
    OTHER = "other"


class DisputeSource(StrEnum):
    WALK_IN = "walk_in"  # the parties came to the village committee or the station
    TIPS_LEAD = "tips_lead"  # a lead the tips service referred to mediation (source_reference = lead id)
    PATROL = "patrol"  # seen on a patrol (source_reference = the patrol, when known)
    REFERRAL = "referral"  # passed on by another body, e.g. 司法所 or 信访 (source_reference = which)


class PartyRole(StrEnum):
    CLAIMANT = "claimant"  # 申请人
    RESPONDENT = "respondent"  # 被申请人
    THIRD_PARTY = "third_party"  # 第三人


class MediationLevel(StrEnum):
    """The escalation ladder, lowest first: the village's pair, the township, then the court."""

    VILLAGE = "village"
    TOWNSHIP = "township"
    COURT = "court"


class CloseOutcome(StrEnum):
    RESOLVED = "resolved"  # closed on an agreement
    REFERRED_TO_COURT = "referred_to_court"  # escalated to the court: out of mediation's hands
    WITHDRAWN = "withdrawn"  # the parties withdrew before any outcome


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    PARTLY_SATISFIED = "partly_satisfied"
    DISSATISFIED = "dissatisfied"


DisputeId = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_-]+$")]
# A party's pseudonym: "party-A", "party-B"...; an official's person id (as the appointments service's).
PartyLabel = Annotated[str, StringConstraints(pattern=r"^party-[A-Z]{1,2}$")]
PersonRef = PersonId
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Note = Annotated[str, Field(max_length=1000)]  # a field of this type defaults to ""


class Party(BaseModel):
    """A party to a dispute, by pseudonym only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: PartyLabel
    role: PartyRole


class PartySatisfaction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: PartyLabel
    satisfaction: Satisfaction


@catalogue.event(SERVICE)
class DisputeRegistered(DomainEvent):
    dispute_id: DisputeId
    source: DisputeSource
    source_reference: str | None = Field(
        default=None, min_length=1, max_length=100, description="The lead id of a tips lead, the patrol..."
    )
    village_code: OrgCode
    # As the tips service sends it (LeadReferredToMediation.grid_code).
    grid_code: GridCode | None = None
    category: DisputeCategory
    parties: tuple[Party, ...] = Field(max_length=20, description="Empty when a referral named none.")
    running_since: date | None = Field(default=None, description="When the dispute began, as far as known.")
    description: Text
    registered_on: date


@catalogue.event(SERVICE, "DisputePartiesAdded", 1)
class DisputePartiesAddedV1(DomainEvent):
    dispute_id: DisputeId
    parties: tuple[Party, ...] = Field(min_length=1, max_length=20)


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("added_on"))
class DisputePartiesAdded(DisputePartiesAddedV1):
    """Parties joined the dispute (or became known) on ``added_on``."""

    added_on: date


@catalogue.event(SERVICE)
class MediatorsAssigned(DomainEvent):
    """The officer/cadre pair taking the dispute on. The pair the service suggested (the village's
    current dual-appointment holders) is recorded beside it: assigning another pair is allowed."""

    dispute_id: DisputeId
    officer_person_id: PersonRef
    cadre_person_id: PersonRef
    assigned_on: date
    suggested_officer_person_id: PersonRef | None = None
    suggested_cadre_person_id: PersonRef | None = None


@catalogue.event(SERVICE)
class MediationSessionHeld(DomainEvent):
    dispute_id: DisputeId
    session_number: int = Field(ge=1, description="1, 2, ... over the dispute's life, all levels together.")
    level: MediationLevel
    held_on: date
    parties_present: tuple[PartyLabel, ...] = Field(min_length=1, max_length=20)
    officials_present: tuple[PersonRef, ...] = Field(min_length=1, max_length=20)
    others_present: int = Field(default=0, ge=0, le=500, description="Relatives, witnesses... (a count).")
    summary: Text


@catalogue.event(SERVICE)
class AgreementReached(DomainEvent):
    dispute_id: DisputeId
    level: MediationLevel
    reached_on: date
    terms: str = Field(min_length=1, max_length=2000, description="A summary of the agreed terms.")


@catalogue.event(SERVICE)
class MediationFailed(DomainEvent):
    dispute_id: DisputeId
    level: MediationLevel
    failed_on: date
    reason: str = Field(min_length=1, max_length=1000)


@catalogue.event(SERVICE)
class DisputeEscalated(DomainEvent):
    dispute_id: DisputeId
    from_level: MediationLevel
    to_level: MediationLevel
    escalated_on: date
    note: Note = ""


@catalogue.event(SERVICE)
class DisputeClosed(DomainEvent):
    dispute_id: DisputeId
    outcome: CloseOutcome
    closed_on: date
    note: Note = ""


@catalogue.event(SERVICE)
class FollowUpVisitRecorded(DomainEvent):
    """A visit after an agreement: does it hold, and how satisfied is each party."""

    dispute_id: DisputeId
    visited_on: date
    agreement_holds: bool
    satisfaction: tuple[PartySatisfaction, ...] = Field(min_length=1, max_length=20)
    note: Note = ""
