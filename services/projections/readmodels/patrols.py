"""Read model "patrols": patrols (巡逻) with who took part and the grids they visited, and clearance
operations (清查行动), for the leadership's questions per city / township / station / village over any
range of days. No names reach it: officers by person id, volunteers by their station's pseudonym."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import ClearanceOperationCancelled
from govgrid.catalogue.patrols import ClearanceOperationCarriedOut
from govgrid.catalogue.patrols import ClearanceOperationClosed
from govgrid.catalogue.patrols import ClearanceOperationPlanned
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolCompleted
from govgrid.catalogue.patrols import PatrolObservationRecorded
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import Union
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import keeping_registry

PATROLS_TABLE = Table("rm_patrols", ("patrol_id",), "patrol")
PARTICIPANTS = Table("rm_patrol_participants", ("patrol_id", "member_id"), "patrol participant")
CHECKPOINTS = Table("rm_patrol_checkpoints", ("event_id",), "patrol checkpoint")
OPERATIONS = Table("rm_clearance_operations", ("operation_id",), "clearance operation")


def codes_of(e: EventEnvelope) -> list[str]:
    return sorted(e.jurisdiction.codes())


def scheduled(c: Changes, e: EventEnvelope, event: PatrolScheduled) -> None:
    c.insert(
        PATROLS_TABLE,
        **fields_of(event, "patrol_id", "team_id", "station_code", "planned_start"),
        day=china_day(event.planned_start),
        codes=codes_of(e),
    )


def started(c: Changes, e: EventEnvelope, event: PatrolStarted) -> None:
    # The participations counted on the patrol too: the summaries need no join for them.
    volunteers = sum(1 for member in event.participants if isinstance(member, VolunteerMember))
    _update_patrol(
        c,
        e,
        event.patrol_id,
        started_at=event.started_at,
        day=china_day(event.started_at),
        officer_participations=len(event.participants) - volunteers,
        volunteer_participations=volunteers,
    )
    for member in event.participants:
        volunteer = member if isinstance(member, VolunteerMember) else None
        c.insert(
            PARTICIPANTS,
            patrol_id=event.patrol_id,
            member_id=member.member_id,
            kind=member.kind,
            affiliation=volunteer.affiliation.value if volunteer else None,  # volunteers only
            party_member=volunteer.party_member if volunteer else None,
        )


def checkpoint_visited(c: Changes, e: EventEnvelope, event: CheckpointVisited) -> None:
    _update_patrol(c, e, event.patrol_id)
    c.insert(
        CHECKPOINTS,
        event_id=e.event_id,
        **fields_of(event, "patrol_id", "grid_code", "visited_at", "latitude", "longitude"),
        day=china_day(event.visited_at),
    )


def observation_recorded(c: Changes, e: EventEnvelope, event: PatrolObservationRecorded) -> None:
    # Only where it was seen matters here: it shows the patrol to that grid's township and village.
    _update_patrol(c, e, event.patrol_id)


def completed(c: Changes, e: EventEnvelope, event: PatrolCompleted) -> None:
    _update_patrol(
        c,
        e,
        event.patrol_id,
        completed_at=event.completed_at,
        duration_minutes=event.duration_minutes,
        distance_km=Decimal(str(event.distance_km)),  # as entered: sums of kilometres stay exact
    )


def aborted(c: Changes, e: EventEnvelope, event: PatrolAborted) -> None:
    _update_patrol(c, e, event.patrol_id, aborted_at=event.aborted_at)


def _update_patrol(c: Changes, e: EventEnvelope, patrol_id: str, **columns: Any) -> None:
    """Set ``columns`` on the patrol and add the event's codes to it: whoever may see any of its
    events sees it."""
    c.update(PATROLS_TABLE, patrol_id, codes=Union(tuple(codes_of(e))), **columns)


def clearance_planned(c: Changes, e: EventEnvelope, event: ClearanceOperationPlanned) -> None:
    c.insert(
        OPERATIONS,
        **fields_of(event, "operation_id", "station_code", "focus", "planned_on"),
        area_codes=list(event.area_codes),
        status="planned",
        codes=codes_of(e),
    )


def clearance_carried_out(c: Changes, e: EventEnvelope, event: ClearanceOperationCarriedOut) -> None:
    c.update(
        OPERATIONS,
        event.operation_id,
        status="carried_out",
        **fields_of(
            event,
            "carried_out_on",
            "places_checked",
            "people_checked",
            "officers_deployed",
            "volunteers_deployed",
        ),
    )


def clearance_closed(c: Changes, e: EventEnvelope, event: ClearanceOperationClosed) -> None:
    c.update(OPERATIONS, event.operation_id, status="closed", closed_on=event.closed_on)


def clearance_cancelled(c: Changes, e: EventEnvelope, event: ClearanceOperationCancelled) -> None:
    c.update(OPERATIONS, event.operation_id, status="cancelled", cancelled_on=event.cancelled_on)


PATROLS = keeping_registry(
    "patrols",
    {"patrols"},
    by_event(
        scheduled,
        started,
        checkpoint_visited,
        observation_recorded,
        completed,
        aborted,
        clearance_planned,
        clearance_carried_out,
        clearance_closed,
        clearance_cancelled,
    ),
)
