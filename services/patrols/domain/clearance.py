"""Clearance operations (清查行动): planned -> carried out (places and people checked, findings) ->
closed; or cancelled while only planned.

An operation is a station's: the area it checks (villages, communities or grids) must be covered by
that station on the planned day.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.patrols import ClearanceFinding
from govgrid.catalogue.patrols import ClearanceOperationCancelled
from govgrid.catalogue.patrols import ClearanceOperationCarriedOut
from govgrid.catalogue.patrols import ClearanceOperationClosed
from govgrid.catalogue.patrols import ClearanceOperationPlanned
from govgrid.envelope import StreamNaming
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from govgrid.telling import updated_by
from services.patrols.domain.rules import MustBeInStationCoverage
from services.patrols.domain.rules import Place
from services.patrols.domain.rules import TimeMustNotGoBackwards


class ClearanceStatus(StrEnum):
    PLANNED = "planned"
    CARRIED_OUT = "carried_out"
    CLOSED = "closed"
    CANCELLED = "cancelled"


stream_id = StreamNaming("clearance")


@dataclass(frozen=True)
class Results:
    """What a clearance operation found, as the station reports it."""

    places_checked: int
    people_checked: int
    officers_deployed: int
    volunteers_deployed: int
    findings: tuple[ClearanceFinding, ...] = ()


@dataclass(frozen=True)
class ClearanceOperation:
    """A station's clearance operation: what it checks where, and how far it has come (carried out
    with its results, closed, or cancelled)."""

    operation_id: str
    station_code: str
    focus: str
    planned_on: date
    area_codes: tuple[str, ...]
    status: ClearanceStatus = ClearanceStatus.PLANNED
    carried_out_on: date | None = None
    results: Results | None = None
    closed_on: date | None = None
    summary: str | None = None
    cancelled_on: date | None = None
    cancel_reason: str | None = None

    @property
    def is_over(self) -> bool:
        return self.status in (ClearanceStatus.CLOSED, ClearanceStatus.CANCELLED)


def evolve(state: ClearanceOperation | None, event: DomainEvent) -> ClearanceOperation:
    match event:
        case ClearanceOperationPlanned():
            return told_by(ClearanceOperation, event)
        case ClearanceOperationCarriedOut() if state is not None:
            results = told_by(Results, event)
            return updated_by(state, event, status=ClearanceStatus.CARRIED_OUT, results=results)
        case ClearanceOperationClosed() if state is not None:
            return updated_by(state, event, status=ClearanceStatus.CLOSED)
        case ClearanceOperationCancelled() if state is not None:
            return updated_by(state, event, status=ClearanceStatus.CANCELLED, cancel_reason=event.reason)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if(
    "clearance_operation_closed",
    "clearance operation {operation.operation_id} is {operation.status.value}: nothing changes",
)
def NothingChangesAfterClosure(operation: ClearanceOperation) -> bool:
    return operation.is_over


@broken_if(
    "clearance_already_carried_out",
    "clearance operation {operation.operation_id} was carried out on {operation.carried_out_on}",
)
def MustNotBeCarriedOutYet(operation: ClearanceOperation) -> bool:
    return operation.status is not ClearanceStatus.PLANNED


@broken_if(
    "clearance_not_carried_out",
    "clearance operation {operation.operation_id} has not been carried out (cancel it instead)",
)
def MustBeCarriedOut(operation: ClearanceOperation) -> bool:
    """Closing files the results: there must be some."""
    return operation.status is ClearanceStatus.PLANNED


# ---------------------------------------------------------------- decisions


def plan(
    *, operation_id: str, station_code: str, focus: str, planned_on: date, area: list[Place]
) -> list[DomainEvent]:
    """``area``: each place with the station covering it on ``planned_on``."""
    check(*(MustBeInStationCoverage(place, station_code, planned_on) for place in area))
    return [
        ClearanceOperationPlanned(
            operation_id=operation_id,
            station_code=station_code,
            focus=focus,
            planned_on=planned_on,
            area_codes=[place.code for place in area],
        )
    ]


def carry_out(operation: ClearanceOperation, *, carried_out_on: date, results: Results) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosure(operation),
        MustNotBeCarriedOutYet(operation),
        TimeMustNotGoBackwards("carrying out", carried_out_on, operation.planned_on),
    )
    return [
        ClearanceOperationCarriedOut(
            operation_id=operation.operation_id,
            carried_out_on=carried_out_on,
            **asdict(results),
        )
    ]


def close(operation: ClearanceOperation, *, closed_on: date, summary: str = "") -> list[DomainEvent]:
    check(
        NothingChangesAfterClosure(operation),
        MustBeCarriedOut(operation),
        TimeMustNotGoBackwards("closing", closed_on, operation.carried_out_on),
    )
    return [
        ClearanceOperationClosed(operation_id=operation.operation_id, closed_on=closed_on, summary=summary)
    ]


def cancel(operation: ClearanceOperation, *, cancelled_on: date, reason: str) -> list[DomainEvent]:
    check(NothingChangesAfterClosure(operation), MustNotBeCarriedOutYet(operation))
    return [
        ClearanceOperationCancelled(
            operation_id=operation.operation_id, cancelled_on=cancelled_on, reason=reason
        )
    ]
