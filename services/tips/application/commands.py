"""The service's commands: also the request bodies of its POST endpoints.

The informant's contact is a ``SecretStr``: it prints as ``**********`` in a repr, a log line or a
``model_dump(mode="json")``, and the idempotency check sees it only through a keyed digest
(``Sealer.fingerprint``). Its validation errors name the field and the rule, never the value.
"""

from __future__ import annotations

from typing import Annotated
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import SecretStr
from pydantic import ValidationInfo
from pydantic import field_validator

from govgrid.bounds import Day
from govgrid.bounds import Moment
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.tips import ContactGroupKind
from govgrid.catalogue.tips import DismissalReason
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadPriority
from govgrid.privacy import FreeText
from services.tips.domain.informant import mentions_contact

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
PersonId = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
CaseNumber = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9()（）_-]+$")


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class SubmitLead(Command):
    channel: LeadChannel
    category: LeadCategory
    place_code: str = Field(
        min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="A village, community or grid."
    )
    # Declared before the description, which is checked against it.
    informant_contact: SecretStr | None = Field(
        default=None,
        min_length=3,
        max_length=500,
        description="How to reach the informant (name, phone, WeChat...); sealed before anything is "
        "stored. Leave it out for an anonymous lead.",
    )
    description: FreeText = Field(
        min_length=1, max_length=2000, description="What the lead is about; must not repeat the contact."
    )
    received_at: Moment | None = Field(
        default=None,
        description="When the lead arrived (a call at night, entered the next morning); now if left out.",
    )

    @field_validator("description")
    @classmethod
    def _description_keeps_the_contact_out(cls, description: str, info: ValidationInfo) -> str:
        contact = info.data.get("informant_contact")
        if isinstance(contact, SecretStr) and mentions_contact(contact.get_secret_value(), description):
            raise ValueError("must not contain the informant's contact: put it in informant_contact only")
        return description


class TriageLead(Command):
    priority: LeadPriority
    triaged_at: Moment | None = Field(
        default=None,
        description="When the lead was triaged (entered later from the duty log); now if left out.",
    )


class AssignLead(Command):
    officer_person_id: str = PersonId
    assigned_at: Moment | None = Field(
        default=None, description="When the lead was handed to the officer; now if left out."
    )


class VerifyLead(Command):
    verified_on: Day


class DismissLead(Command):
    reason: DismissalReason
    dismissed_on: Day


class FugitiveArrested(Command):
    outcome: Literal["fugitive_arrested"]
    case_number: str = CaseNumber
    outcome_on: Day


class CaseOpened(Command):
    outcome: Literal["case_opened"]
    case_number: str = CaseNumber
    outcome_on: Day


class HazardRemoved(Command):
    outcome: Literal["hazard_removed"]
    outcome_on: Day


class ReferredToMediation(Command):
    outcome: Literal["referred_to_mediation"]
    outcome_on: Day
    dispute_category: DisputeCategory
    summary: FreeText = Field(
        min_length=1,
        max_length=1000,
        description="What the dispute is about, for the mediators; parties by role, no contact data.",
    )


RecordOutcome = Annotated[
    FugitiveArrested | CaseOpened | HazardRemoved | ReferredToMediation, Field(discriminator="outcome")
]


class CloseLead(Command):
    closed_on: Day


class RevealInformantContact(Command):
    reason: FreeText = Field(
        min_length=10,
        max_length=500,
        description="Why the contact is needed (recorded with the reveal, or with the refusal).",
    )


class RegisterContactGroup(Command):
    group_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    village_code: str = Code
    kind: ContactGroupKind
    name: FreeText = Field(min_length=1, max_length=100, description="e.g. 干冲村警民联络群")
    registered_on: Day = Field(description="The day the group was set up.")


class PublishSafetyNotice(Command):
    station_code: str = Code
    village_codes: list[Annotated[str, Code]] | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Villages of the station to reach; every village it covers today if left out.",
    )
    title: FreeText = Field(min_length=1, max_length=100)
    body: FreeText = Field(min_length=1, max_length=2000)
    published_at: Moment | None = Field(
        default=None, description="When the station issued the notice; now if left out."
    )


class RecordDelivery(Command):
    group_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    delivered_at: Moment | None = Field(default=None, description="When it was posted; now if left out.")
