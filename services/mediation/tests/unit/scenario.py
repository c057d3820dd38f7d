"""The dispute the domain's unit tests are about: a ten-year quarrel between neighbours in 干冲村
over a house wall. ``dispute(*history)`` folds a registration and ``history`` into the state a
decision takes (given); every builder returns an event, so a test reads as the dispute's history.
The when/then helpers are the kernel's (``govgrid.testing.scenario``).
"""

from __future__ import annotations

from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import CloseOutcome
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeClosed
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputePartiesAdded
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import FollowUpVisitRecorded
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.mediation import MediationLevel
from govgrid.catalogue.mediation import MediationSessionHeld
from govgrid.catalogue.mediation import MediatorsAssigned
from govgrid.catalogue.mediation import Party
from govgrid.catalogue.mediation import PartyRole
from govgrid.catalogue.mediation import PartySatisfaction
from govgrid.catalogue.mediation import Satisfaction
from govgrid.testing.scenario import given
from services.mediation.domain import disputes
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import KnownPerson
from services.mediation.domain.disputes import PersonRole


def dispute(*history: DomainEvent, registration: DomainEvent | None = None) -> Dispute:
    """The dispute after its registration (the walk-in one unless given) and ``history``."""
    return given(disputes.evolve, registration or registered(), *history)


# ---------------------------------------------------------------- the dispute

DISPUTE = "d-2024-001"
VILLAGE = "GANCHONG"  # 干冲村
GRID = "GANCHONG-G1"
OFFICER = "P-WANGHAI"  # 王海, deputy party secretary of 干冲村
CADRE = "P-FUCHUNHUA"  # 符春花, joint-defence director at 西华派出所
OTHER_OFFICER = "P-LIMING"
RUNNING_SINCE = date(2014, 5, 1)
REGISTERED_ON = date(2024, 3, 1)
TODAY = date(2024, 12, 31)

PARTY_A = Party(label="party-A", role=PartyRole.CLAIMANT)
PARTY_B = Party(label="party-B", role=PartyRole.RESPONDENT)
PARTY_C = Party(label="party-C", role=PartyRole.THIRD_PARTY)

OFFICER_KNOWN = KnownPerson(OFFICER, PersonRole.POLICE_OFFICER, active=True)
CADRE_KNOWN = KnownPerson(CADRE, PersonRole.VILLAGE_CADRE, active=True)


def registered(
    *,
    parties: tuple[Party, ...] = (PARTY_A, PARTY_B),
    source: DisputeSource = DisputeSource.WALK_IN,
    source_reference: str | None = None,
    dispute_id: str = DISPUTE,
) -> DisputeRegistered:
    return DisputeRegistered(
        dispute_id=dispute_id,
        source=source,
        source_reference=source_reference,
        village_code=VILLAGE,
        grid_code=GRID,
        category=DisputeCategory.LAND_OR_HOUSE,
        parties=parties,
        running_since=RUNNING_SINCE,
        description="party-A says party-B's new wall stands on party-A's homestead land.",
        registered_on=REGISTERED_ON,
    )


def referred() -> DisputeRegistered:
    """A lead referred by the tips service: no parties named."""
    return DisputeRegistered(
        dispute_id="lead-L1",
        source=DisputeSource.TIPS_LEAD,
        source_reference="L1",
        village_code=VILLAGE,
        category=DisputeCategory.NEIGHBOUR,
        parties=(),
        description="Neighbours quarrel over a drainage ditch.",
        registered_on=REGISTERED_ON,
    )


def parties_added(*parties: Party) -> DisputePartiesAdded:
    return DisputePartiesAdded(dispute_id=DISPUTE, parties=parties, added_on=REGISTERED_ON)


def mediators_assigned(
    assigned_on: date = date(2024, 3, 2),
    officer: str = OFFICER,
    suggested: tuple[str | None, str | None] = (OFFICER, CADRE),
) -> MediatorsAssigned:
    return MediatorsAssigned(
        dispute_id=DISPUTE,
        officer_person_id=officer,
        cadre_person_id=CADRE,
        assigned_on=assigned_on,
        suggested_officer_person_id=suggested[0],
        suggested_cadre_person_id=suggested[1],
    )


def session_held(
    number: int, held_on: date, level: MediationLevel = MediationLevel.VILLAGE
) -> MediationSessionHeld:
    return MediationSessionHeld(
        dispute_id=DISPUTE,
        session_number=number,
        level=level,
        held_on=held_on,
        parties_present=("party-A", "party-B"),
        officials_present=(OFFICER, CADRE),
        others_present=2,
        summary="Both sides heard; the land certificate was read out.",
    )


def agreement_reached(
    reached_on: date = date(2024, 3, 20), level: MediationLevel = MediationLevel.VILLAGE
) -> AgreementReached:
    return AgreementReached(
        dispute_id=DISPUTE, level=level, reached_on=reached_on, terms="The wall moves back 0.5 m by May."
    )


def failed(
    failed_on: date = date(2024, 3, 25), level: MediationLevel = MediationLevel.VILLAGE
) -> MediationFailed:
    return MediationFailed(dispute_id=DISPUTE, level=level, failed_on=failed_on, reason="party-B refuses.")


def escalated(
    escalated_on: date = date(2024, 3, 26),
    to_level: MediationLevel = MediationLevel.TOWNSHIP,
    from_level: MediationLevel = MediationLevel.VILLAGE,
) -> DisputeEscalated:
    return DisputeEscalated(
        dispute_id=DISPUTE, from_level=from_level, to_level=to_level, escalated_on=escalated_on, note=""
    )


def closed(
    closed_on: date = date(2024, 4, 1), outcome: CloseOutcome = CloseOutcome.RESOLVED
) -> DisputeClosed:
    return DisputeClosed(dispute_id=DISPUTE, outcome=outcome, closed_on=closed_on, note="")


def satisfaction(
    a: Satisfaction = Satisfaction.SATISFIED, b: Satisfaction = Satisfaction.PARTLY_SATISFIED
) -> tuple[PartySatisfaction, ...]:
    return (
        PartySatisfaction(label="party-A", satisfaction=a),
        PartySatisfaction(label="party-B", satisfaction=b),
    )


def followed_up(visited_on: date = date(2024, 6, 1), holds: bool = True) -> FollowUpVisitRecorded:
    return FollowUpVisitRecorded(
        dispute_id=DISPUTE, visited_on=visited_on, agreement_holds=holds, satisfaction=satisfaction(), note=""
    )


def in_mediation(*history: DomainEvent) -> Dispute:
    """Registered, the pair assigned on 2 March, then ``history``."""
    return dispute(mediators_assigned(), *history)


def agreed(*history: DomainEvent) -> Dispute:
    """Mediated at one session on 10 March, agreed on 20 March, then ``history``."""
    return in_mediation(session_held(1, date(2024, 3, 10)), agreement_reached(), *history)
