"""Leads (线索), contact groups and safety notices (安全提示), emitted by the tips service on
govgrid.tips.events.

No event carries an informant's identity or contact. A lead with a contact carries only
``informant_ref``: a random reference to the sealed store of the tips service (never derived from the
contact, so it cannot be used to test a guess). Free text is kept to what the domain needs.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime
from pydantic import Field
from pydantic import model_validator

from govgrid.catalogue import catalogue
from govgrid.catalogue.fields import GridCode
from govgrid.catalogue.fields import OrgCode
from govgrid.catalogue.fields import PersonId
from govgrid.catalogue.fields import Reason
from govgrid.catalogue.fields import RecordId
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.registry import DomainEvent
from govgrid.catalogue.registry import dated_when_recorded

SERVICE = "tips"

InformantRef = Annotated[
    str,
    Field(
        min_length=32,
        max_length=32,
        pattern=r"^[0-9a-f]{32}$",
        description="Opaque, random reference to the sealed informant contact; says nothing about it.",
    ),
]
Subject = Annotated[str, Field(min_length=1, max_length=200, description="The token subject of the caller.")]
CaseNumber = Field(min_length=1, max_length=40, description="The police case number (案件编号).")


class LeadChannel(StrEnum):
    WECHAT_GROUP = "wechat_group"  # 警民微信联络群 / 村居安全防范群
    HOTLINE = "hotline"
    IN_PERSON = "in_person"
    JOINT_DEFENCE_DIRECTOR = "joint_defence_director"  # 联防主任
    APP = "app"


class LeadCategory(StrEnum):
    FUGITIVE = "fugitive"  # 在逃人员
    DRUGS = "drugs"
    FRAUD = "fraud"
    THEFT = "theft"
    SAFETY_HAZARD = "safety_hazard"
    DISPUTE = "dispute"
    OTHER = "other"


class LeadPriority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class DismissalReason(StrEnum):
    UNFOUNDED = "unfounded"
    DUPLICATE = "duplicate"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NOT_A_POLICE_MATTER = "not_a_police_matter"
    OTHER = "other"


class LeadOutcome(StrEnum):
    FUGITIVE_ARRESTED = "fugitive_arrested"
    CASE_OPENED = "case_opened"
    HAZARD_REMOVED = "hazard_removed"
    REFERRED_TO_MEDIATION = "referred_to_mediation"


OUTCOMES_WITH_CASE_NUMBER = frozenset({LeadOutcome.FUGITIVE_ARRESTED, LeadOutcome.CASE_OPENED})


class RevealRefusal(StrEnum):
    """Why a reveal of an informant's contact was refused."""

    ROLE_NOT_ALLOWED = "role_not_allowed"  # neither a station officer nor a city admin
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    NOT_THE_HANDLER = "not_the_handler"  # a station officer, but not the lead's assigned handler
    HANDLER_LEFT_STATION = "handler_left_station"  # the handler was transferred or left service since


class ContactGroupKind(StrEnum):
    POLICE_RESIDENT = "police_resident"  # 警民微信联络群
    VILLAGE_SAFETY = "village_safety"  # 村居安全防范群


# ---------------------------------------------------------------- leads


@catalogue.event(SERVICE)
class LeadReceived(DomainEvent):
    """A resident's lead arrived. Anonymous exactly when no contact was given (``informant_ref`` None)."""

    lead_id: RecordId
    channel: LeadChannel
    category: LeadCategory
    village_code: OrgCode
    grid_code: GridCode | None = None
    station_code: OrgCode  # the police station covering the place on that day: it handles the lead
    description: str = Field(min_length=1, max_length=2000)
    informant_ref: InformantRef | None
    anonymous: bool
    received_at: AwareDatetime
    triage_due_at: AwareDatetime = Field(description="By when the lead must be triaged.")

    @model_validator(mode="after")
    def _anonymous_iff_no_contact(self) -> LeadReceived:
        if self.anonymous != (self.informant_ref is None):
            raise ValueError("anonymous must be true exactly when there is no informant_ref")
        return self


@catalogue.event(SERVICE, "LeadTriaged", 1)
class LeadTriagedV1(DomainEvent):
    """Given (or given again) a priority; ``due_at``: by when it must be verified or dismissed."""

    lead_id: RecordId
    priority: LeadPriority
    due_at: AwareDatetime


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("triaged_at", moment=True))
class LeadTriaged(LeadTriagedV1):
    """Given (or given again) a priority at ``triaged_at``; ``due_at``: by when it must be verified or
    dismissed."""

    triaged_at: AwareDatetime


@catalogue.event(SERVICE, "LeadAssigned", 1)
class LeadAssignedV1(DomainEvent):
    """The lead's handler is this police officer (a person id of the appointments registry)."""

    lead_id: RecordId
    officer_person_id: PersonId


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("assigned_at", moment=True))
class LeadAssigned(LeadAssignedV1):
    """The lead's handler is this police officer (a person id of the appointments registry) from
    ``assigned_at`` on."""

    assigned_at: AwareDatetime


@catalogue.event(SERVICE)
class LeadVerified(DomainEvent):
    lead_id: RecordId
    verified_on: date


@catalogue.event(SERVICE)
class LeadDismissed(DomainEvent):
    lead_id: RecordId
    reason: DismissalReason
    dismissed_on: date


@catalogue.event(SERVICE)
class LeadOutcomeRecorded(DomainEvent):
    """What came of a verified lead; a lead may have several outcomes (an arrest and a case...).
    A referral to mediation is followed by ``LeadReferredToMediation`` with the dispute's details."""

    lead_id: RecordId
    outcome: LeadOutcome
    case_number: str | None = CaseNumber
    outcome_on: date

    @model_validator(mode="after")
    def _case_number_iff_a_case(self) -> LeadOutcomeRecorded:
        if (self.case_number is not None) != (self.outcome in OUTCOMES_WITH_CASE_NUMBER):
            raise ValueError("a case number goes with an arrest or an opened case, and only with them")
        return self


@catalogue.event(SERVICE)
class LeadReferredToMediation(DomainEvent):
    """A lead's outcome: it is a dispute for the village's mediators. The mediation service opens one
    dispute per referral (service-to-service flow by events, not calls)."""

    lead_id: RecordId
    village_code: OrgCode
    grid_code: GridCode | None = None
    dispute_category: DisputeCategory
    summary: str = Field(
        min_length=1, max_length=1000, description="What the dispute is about; no informant data."
    )
    referred_on: date


@catalogue.event(SERVICE)
class LeadClosed(DomainEvent):
    """Closed. A sealed informant contact is destroyed on ``informant_contact_shred_on`` (or the first
    retention run after it); None when the lead has no contact."""

    lead_id: RecordId
    closed_on: date
    informant_contact_shred_on: date | None


# ---------------------------------------------------------------- informant protection


@catalogue.event(SERVICE)
class InformantContactRevealed(DomainEvent):
    """The sealed contact was shown to ``by`` (the lead's handler or a city admin), for ``reason``."""

    lead_id: RecordId
    informant_ref: InformantRef
    by: Subject
    role: str = Field(min_length=1, max_length=40)
    reason: Reason


@catalogue.event(SERVICE)
class InformantRevealRefused(DomainEvent):
    """Someone asked to see the informant's contact and was refused; nothing was shown."""

    lead_id: RecordId
    by: Subject
    role: str = Field(min_length=1, max_length=40)
    reason: Reason
    refusal: RevealRefusal


@catalogue.event(SERVICE)
class InformantContactShredded(DomainEvent):
    """The lead's key was destroyed once its retention ended: the contact is gone for good."""

    lead_id: RecordId
    informant_ref: InformantRef
    shredded_on: date


# ---------------------------------------------------------------- contact groups and safety notices


@catalogue.event(SERVICE, "ContactGroupRegistered", 1)
class ContactGroupRegisteredV1(DomainEvent):
    """A village's WeChat contact group, which safety notices are posted to (no member data)."""

    group_id: RecordId
    village_code: OrgCode
    kind: ContactGroupKind
    name: str = Field(min_length=1, max_length=100)


@catalogue.event(SERVICE, version=2, upcast=dated_when_recorded("registered_on"))
class ContactGroupRegistered(ContactGroupRegisteredV1):
    """A village's WeChat contact group, which safety notices are posted to (no member data), set up
    on ``registered_on``."""

    registered_on: date


@catalogue.event(SERVICE)
class SafetyNoticePublished(DomainEvent):
    """A station publishes a safety notice (安全提示) to the contact groups of some of its villages."""

    notice_id: RecordId
    station_code: OrgCode
    village_codes: list[str] = Field(min_length=1, max_length=200)
    group_ids: list[str] = Field(min_length=1, max_length=1000)
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=2000)
    published_at: AwareDatetime


@catalogue.event(SERVICE)
class SafetyNoticeDelivered(DomainEvent):
    """The notice was posted in one of its contact groups."""

    notice_id: RecordId
    group_id: RecordId
    delivered_at: AwareDatetime
