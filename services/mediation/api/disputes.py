"""Disputes (矛盾纠纷) and their mediation."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import Path
from fastapi import Query
from pydantic import BaseModel

from govgrid.auth import CurrentPrincipal
from govgrid.catalogue.mediation import DisputeCategory
from govgrid.catalogue.mediation import DisputeSource
from govgrid.catalogue.mediation import MediationLevel
from govgrid.china_time import today_in_china
from govgrid.service import Command
from govgrid.service import CurrentService
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import state_response
from govgrid.service.base import ServiceBase
from govgrid.web.errors import error_responses
from govgrid.web.parameters import OffsetParameter
from govgrid.web.parameters import day_parameter
from services.mediation.application import handlers as h
from services.mediation.application.index import indexed_due
from services.mediation.application.index import list_disputes
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import DisputeStatus
from services.mediation.domain.ladder import EscalationDue

# A dispute's state with when it is due to go up the escalation ladder (None: not due).
Answer = state_response(Dispute, escalation_due=EscalationDue | None)
ID = {"dispute_id": Path(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_-]+$")}


async def escalation_due(service: ServiceBase[Any, Any], dispute_id: str) -> dict[str, Any]:
    return {"escalation_due": await indexed_due(service.pool, dispute_id)}


router = command_router(
    "/disputes",
    ["disputes"],
    ID,
    [
        Command(
            "",
            h.register,
            "Register a dispute (walk-in, patrol, referral)",
        ),
        Command(
            "/{dispute_id}/parties",
            h.add_parties,
            "Add parties (a referred lead arrives without them)",
        ),
        Command(
            "/{dispute_id}/mediators",
            h.assign_mediators,
            "Assign the officer/cadre pair (the village's suggested pair is recorded beside it)",
        ),
        Command(
            "/{dispute_id}/sessions",
            h.record_session,
            "Record a mediation session",
        ),
        Command(
            "/{dispute_id}/agreement",
            h.record_agreement,
            "Record the agreement reached (a summary of its terms)",
        ),
        Command(
            "/{dispute_id}/failure",
            h.record_failure,
            "Record that mediation failed at the current level",
        ),
        Command(
            "/{dispute_id}/escalate",
            h.escalate,
            "Escalate a failed mediation (township, court)",
        ),
        Command(
            "/{dispute_id}/close",
            h.close,
            "Close a dispute (resolved, referred to court, withdrawn)",
        ),
        Command(
            "/{dispute_id}/follow-ups",
            h.record_follow_up,
            "Record a follow-up visit: does the agreement hold, are the parties satisfied",
        ),
    ],
    state=StateReads(h.DISPUTE, Answer, extra=escalation_due),
)


class DisputeRow(BaseModel):
    """One dispute of a list, as the dispute index holds it."""

    dispute_id: str
    village_code: str
    township_code: str | None
    station_code: str | None
    category: DisputeCategory
    source: DisputeSource
    status: DisputeStatus
    level: MediationLevel
    registered_on: date
    last_act_on: date
    overdue: bool
    age_days: int
    escalation_due: EscalationDue | None


class DisputePage(BaseModel):
    on: date
    total: int
    limit: int
    offset: int
    items: list[DisputeRow]


@router.get(
    "",
    response_model=DisputePage,
    responses=error_responses(401, 422, 503),
    summary="Disputes in the caller's jurisdiction, newest first; overdue=true: those due to go up the "
    "escalation ladder, most overdue first",
)
async def list_all(
    principal: CurrentPrincipal,
    service: CurrentService,
    overdue: Annotated[bool, Query(description="Only disputes whose escalation is due by `on`.")] = False,
    on: Annotated[date | None, day_parameter("The day to judge by (default: today in China).")] = None,
    status: DisputeStatus | None = None,
    level: MediationLevel | None = None,
    category: DisputeCategory | None = None,
    village_code: Annotated[
        str | None, Query(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: OffsetParameter = 0,
) -> dict[str, Any]:
    return await list_disputes(
        service.pool,
        principal,
        on=on or today_in_china(),
        overdue=overdue,
        status=status,
        level=level,
        category=category,
        village_code=village_code,
        limit=limit,
        offset=offset,
    )
