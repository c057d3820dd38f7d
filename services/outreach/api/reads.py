"""Reads of schools, enterprises and drives, whose readers are decided by where they are today.

A school or an enterprise belongs to whoever is responsible for its village or community today
(township, covering station, village), even after the station covering it changed: its own stream
has a single event, filed under the station of the day it was registered. A drive is readable by its
station and by whoever can see one of its target schools (a township reads the drives that serve its
schools). Visits, cases and referrals use the kernel's reads (govgrid.web.reads).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from govgrid.aggregate import Evolve, Loaded, load, state_body
from govgrid.auth import Principal
from govgrid.china_time import today_in_china
from govgrid.envelope import Jurisdiction
from services.outreach.bootstrap import OutreachService
from services.outreach.domain import drives, schools
from services.outreach.domain.drives import Drive


class Placed(Protocol):
    @property
    def village_code(self) -> str: ...


P = TypeVar("P", bound=Placed)


async def load_placed(
    service: OutreachService, principal: Principal, stream_id: str, evolve: Evolve[P], kind: str, ident: str
) -> Loaded[P]:
    loaded = await load(service.events, stream_id, evolve)
    state = loaded.require(kind, ident)
    principal.ensure_can_see(await service.orgs.jurisdiction_of(state.village_code, today_in_china()))
    return loaded


async def load_drive(service: OutreachService, principal: Principal, drive_id: str) -> Loaded[Drive]:
    loaded = await load(service.events, drives.stream_id(drive_id), drives.evolve)
    drive = loaded.require("registration drive", drive_id)
    station = Jurisdiction(station=drive.station_code)
    if not principal.can_see(station) and not await _targets_a_visible_school(service, principal, drive):
        principal.ensure_can_see(station)  # refuses, as every other read does
    return loaded


async def _targets_a_visible_school(service: OutreachService, principal: Principal, drive: Drive) -> bool:
    today = today_in_china()
    for code in drive.target_school_codes:
        school = (await load(service.events, schools.stream_id(code), schools.evolve)).state
        if school and principal.can_see(await service.orgs.jurisdiction_of(school.village_code, today)):
            return True
    return False


def state_of(loaded: Loaded[Any]) -> dict[str, Any]:
    return state_body(loaded.state, loaded.version)


def history_of(loaded: Loaded[Any]) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in loaded.history]
