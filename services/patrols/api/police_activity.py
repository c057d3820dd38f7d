"""Daily police activity of each station (接处警, criminal and public-security cases), imported in
bulk from the station's own system."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from govgrid.auth import CurrentPrincipal
from govgrid.envelope import EventEnvelope
from govgrid.service import CurrentService
from govgrid.service import Import
from govgrid.service import command_router
from govgrid.service import registry_code
from govgrid.service import state_response
from govgrid.web.errors import error_responses
from govgrid.web.parameters import day_parameter
from govgrid.web.reads import read_history
from govgrid.web.reads import read_state
from services.patrols.application import imports
from services.patrols.application.commands import PoliceActivityRow
from services.patrols.domain import police_activity
from services.patrols.domain.police_activity import PoliceActivity

StationDay = Annotated[date, day_parameter("The day (China time).", in_path=True)]

router = command_router(
    "/police-activity",
    ["police activity"],
    {},
    [
        Import(
            "/import",
            PoliceActivityRow,
            imports.import_police_activity,
            "Import stations' daily figures from CSV or JSON (all rows or none; a re-import changes nothing)",
        )
    ],
)

StationCode = registry_code()
READ_ERRORS = error_responses(401, 403, 404, 422, 503)


@router.get(
    "/{station_code}/{day}",
    response_model=state_response(PoliceActivity),
    responses=READ_ERRORS,
    summary="A station's figures of one day, as last imported",
)
async def get(
    principal: CurrentPrincipal, service: CurrentService, day: StationDay, station_code: str = StationCode
) -> dict[str, Any]:
    return await read_state(
        service.events,
        principal,
        police_activity.stream_id(station_code, day),
        police_activity.evolve,
        "police activity",
        f"{station_code}/{day}",
    )


@router.get(
    "/{station_code}/{day}/history",
    response_model=list[EventEnvelope],
    responses=READ_ERRORS,
    summary="Every import and correction of a station-day",
)
async def history(
    principal: CurrentPrincipal, service: CurrentService, day: StationDay, station_code: str = StationCode
) -> list[dict[str, Any]]:
    return await read_history(
        service.events,
        principal,
        police_activity.stream_id(station_code, day),
        "police activity",
        f"{station_code}/{day}",
    )
