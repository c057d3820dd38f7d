"""Leads (线索): submission, triage, assignment, verification or dismissal, outcomes, closing; and the
informant's contact, revealed to the lead's handler or a city admin only."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from govgrid.auth import CurrentPrincipal, Principal, Role
from govgrid.errors import Forbidden
from govgrid.web.commands import IdempotencyKey, execute
from govgrid.web.reads import read_history, read_state
from services.tips.api.dependencies import Service
from services.tips.application import commands as c
from services.tips.application import handlers, lead_index
from services.tips.domain import leads
from services.tips.domain.leads import LeadStatus

router = APIRouter(prefix="/leads", tags=["leads"])

LeadId = Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")

# Leads are police business: their details are read by the stations and the city, not by village
# cadres or township officers (who may submit them) nor by viewers (the dashboard has its read models).
LEAD_READERS = frozenset({Role.CITY_ADMIN, Role.STATION_OFFICER})
NO_STORE = {"Cache-Control": "no-store"}


def ensure_can_read_leads(principal: Principal) -> None:
    if principal.role not in LEAD_READERS:
        raise Forbidden(f"a {principal.role.value} cannot read leads")


@router.post("", status_code=201, summary="Submit a lead (the informant's contact is sealed at once)")
async def submit(
    body: c.SubmitLead, principal: CurrentPrincipal, service: Service, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    deadlines = service.settings.deadlines()
    return await execute(
        service.commands,
        principal,
        "POST /leads",
        service.sealer.fingerprint(body),  # a keyed digest: the contact never reaches the key table
        idempotency_key,
        lambda uow, ctx: handlers.submit_lead(uow, ctx, body, deadlines),
    )


@router.get("", summary="Leads in the caller's jurisdiction, newest first; overdue=true: most overdue first")
async def list_leads(
    principal: CurrentPrincipal,
    service: Service,
    overdue: Annotated[bool, Query(description="Only leads past the deadline they wait on.")] = False,
    status: LeadStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    ensure_can_read_leads(principal)
    query = lead_index.LeadQuery(overdue=overdue, status=status, limit=limit, offset=offset)
    return await lead_index.list_leads(service.pool, principal, query, handlers.now())


@router.get("/{lead_id}", summary="Current state of a lead (no informant data)")
async def get(principal: CurrentPrincipal, service: Service, lead_id: str = LeadId) -> dict[str, Any]:
    ensure_can_read_leads(principal)
    return await read_state(
        service.events, principal, leads.stream_id(lead_id), leads.evolve, "lead", lead_id
    )


@router.get("/{lead_id}/history", summary="Every event of a lead, reveals and refusals included (audit view)")
async def history(
    principal: CurrentPrincipal, service: Service, lead_id: str = LeadId
) -> list[dict[str, Any]]:
    ensure_can_read_leads(principal)
    return await read_history(service.events, principal, leads.stream_id(lead_id), "lead", lead_id)


@router.post("/{lead_id}/triage", summary="Give the lead a priority (or change it): sets its deadline")
async def triage(
    body: c.TriageLead,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    deadlines = service.settings.deadlines()
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/triage",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.triage_lead(uow, ctx, lead_id, body, deadlines),
    )


@router.post("/{lead_id}/assign", summary="Assign the lead to an officer of its station (or hand it over)")
async def assign(
    body: c.AssignLead,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/assign",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.assign_lead(uow, ctx, lead_id, body),
    )


@router.post("/{lead_id}/verify", summary="The lead checked out")
async def verify(
    body: c.VerifyLead,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/verify",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.verify_lead(uow, ctx, lead_id, body),
    )


@router.post("/{lead_id}/dismiss", summary="Dismiss the lead (unfounded, duplicate...)")
async def dismiss(
    body: c.DismissLead,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/dismiss",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.dismiss_lead(uow, ctx, lead_id, body),
    )


@router.post(
    "/{lead_id}/outcomes",
    summary="Record an outcome: fugitive arrested, case opened, hazard removed, referred to mediation",
)
async def record_outcome(
    body: c.RecordOutcome,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/outcomes",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.record_outcome(uow, ctx, lead_id, body),
    )


@router.post("/{lead_id}/close", summary="Close the lead: the informant contact's retention starts")
async def close(
    body: c.CloseLead,
    principal: CurrentPrincipal,
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    retention = service.settings.informant_retention
    return await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/close",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.close_lead(uow, ctx, lead_id, body, retention),
    )


@router.post(
    "/{lead_id}/informant-contact/reveal",
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
    service: Service,
    lead_id: str = LeadId,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    shown = handlers.RevealedContact()
    answer = await execute(
        service.commands,
        principal,
        f"POST /leads/{lead_id}/informant-contact/reveal",
        body,
        idempotency_key,
        lambda uow, ctx: handlers.reveal_contact(uow, ctx, lead_id, body, shown),
    )
    if shown.contact is None:  # refused, or a replay
        answer.headers.update(NO_STORE)
        return answer
    # The recorded answer (what a replay gets) plus the contact, shown this once.
    return JSONResponse({**json.loads(bytes(answer.body)), "contact": shown.contact}, headers=NO_STORE)
