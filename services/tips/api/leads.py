"""Leads (线索): submission, triage, assignment, verification or dismissal, outcomes, closing; and the
informant's contact, revealed to the lead's handler or a city admin only."""

from __future__ import annotations

import json
from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Any

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import Field

from govgrid.auth import CurrentPrincipal
from govgrid.auth import Role
from govgrid.catalogue.tips import LeadCategory
from govgrid.catalogue.tips import LeadChannel
from govgrid.catalogue.tips import LeadPriority
from govgrid.service import Command
from govgrid.service import CurrentService
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from govgrid.web.commands import IdempotencyKey
from govgrid.web.commands import execute
from govgrid.web.errors import error_responses
from govgrid.web.parameters import OffsetParameter
from services.tips.application import commands as c
from services.tips.application import handlers as h
from services.tips.application import lead_index
from services.tips.domain.leads import Lead
from services.tips.domain.leads import LeadStatus

# Leads are police business: their details are read by the stations and the city, not by village
# cadres or township officers (who may submit them) nor by viewers (the dashboard has its read models).
LEAD_READERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
NO_STORE = {"Cache-Control": "no-store"}

Answer = state_response(Lead)
READS = StateReads(
    h.LEAD, Answer, readers=LEAD_READERS, summary="Current state of a lead (no informant data)"
)

router = command_router(
    "/leads",
    ["leads"],
    {"lead_id": record_id()},
    [
        Command(
            "",
            h.submit_lead,
            "Submit a lead (the informant's contact is sealed at once)",
            # A keyed digest: the contact never reaches the idempotency table.
            digest=lambda service, body: service.sealer.fingerprint(body),
        ),
        Command(
            "/{lead_id}/triage",
            h.triage_lead,
            "Give the lead a priority (or change it): sets its deadline",
        ),
        Command(
            "/{lead_id}/assign",
            h.assign_lead,
            "Assign the lead to an officer of its station (or hand it over)",
        ),
        Command(
            "/{lead_id}/verify",
            h.verify_lead,
            "The lead checked out",
        ),
        Command(
            "/{lead_id}/dismiss",
            h.dismiss_lead,
            "Dismiss the lead (unfounded, duplicate...)",
        ),
        Command(
            "/{lead_id}/outcomes",
            h.record_outcome,
            "Record an outcome: fugitive arrested, case opened, hazard removed, referred to mediation",
        ),
        Command(
            "/{lead_id}/close",
            h.close_lead,
            "Close the lead: the informant contact's retention starts",
        ),
    ],
    state=READS,
)


class LeadRow(BaseModel):
    """One lead of a list, as the lead index holds it (no informant data)."""

    lead_id: str
    status: LeadStatus
    channel: LeadChannel
    category: LeadCategory
    priority: LeadPriority | None
    village_code: str
    grid_code: str | None
    station_code: str
    handler: str | None
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    closed_on: date | None
    version: int


class LeadPage(BaseModel):
    items: list[LeadRow]
    total: int
    limit: int
    offset: int


@router.get(
    "",
    response_model=LeadPage,
    responses=error_responses(401, 403, 422, 503),
    summary="Leads in the caller's jurisdiction, newest first; overdue=true: most overdue first",
)
async def list_leads(
    principal: CurrentPrincipal,
    service: CurrentService,
    overdue: Annotated[bool, Query(description="Only leads past the deadline they wait on.")] = False,
    status: LeadStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: OffsetParameter = 0,
) -> dict[str, Any]:
    READS.ensure_can_read(principal)
    query = lead_index.LeadQuery(overdue=overdue, status=status, limit=limit, offset=offset)
    return await lead_index.list_leads(service.pool, principal, query, h.now())


class Reveal(BaseModel):
    lead_id: str
    revealed_to: str
    reason: str
    contact: str | None = Field(default=None, description="Shown once: absent from a replayed answer.")


@router.post(
    "/{lead_id}/informant-contact/reveal",
    response_model=Reveal,
    responses=error_responses(400, 401, 403, 404, 409, 422, 503),
    summary="Reveal the informant's contact to the lead's handler or a city admin (recorded either way)",
    description=(
        "200 with `contact` for the handler (a station officer whose token subject is the handler's "
        "person id) or a city admin; 403 for anyone else. Both the reveal and the refusal are recorded "
        "on the lead with who and why. A replayed Idempotency-Key answers without the contact: each "
        "showing of the contact is a recorded reveal."
    ),
)
async def reveal_informant_contact(
    body: c.RevealInformantContact,
    principal: CurrentPrincipal,
    service: CurrentService,
    lead_id: Annotated[str, record_id()],
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    shown = h.RevealedContact()
    answer = await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/informant-contact/reveal",
        body,
        idempotency_key,
        lambda uow, ctx: h.reveal_contact(uow, ctx, lead_id, body, shown),
    )
    if shown.contact is None:  # refused, or a replay
        answer.headers.update(NO_STORE)
        return answer
    # The recorded answer (what a replay gets) plus the contact, shown this once.
    return JSONResponse({**json.loads(bytes(answer.body)), "contact": shown.contact}, headers=NO_STORE)
