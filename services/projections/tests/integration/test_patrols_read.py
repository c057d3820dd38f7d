"""Read model "patrols" and its API: exact figures of a small scenario by China days, the share of
grids visited as of the range's last day, scoping to the caller, replay safety and parking."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from govgrid.auth import Role
from govgrid.catalogue import DomainEvent
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.catalogue.patrols import CheckpointVisited
from govgrid.catalogue.patrols import ClearanceOperationCancelled
from govgrid.catalogue.patrols import ClearanceOperationCarriedOut
from govgrid.catalogue.patrols import ClearanceOperationClosed
from govgrid.catalogue.patrols import ClearanceOperationPlanned
from govgrid.catalogue.patrols import ObservationCategory
from govgrid.catalogue.patrols import OfficerMember
from govgrid.catalogue.patrols import PatrolAborted
from govgrid.catalogue.patrols import PatrolCompleted
from govgrid.catalogue.patrols import PatrolObservationRecorded
from govgrid.catalogue.patrols import PatrolScheduled
from govgrid.catalogue.patrols import PatrolStarted
from govgrid.catalogue.patrols import TeamMember
from govgrid.catalogue.patrols import VolunteerAffiliation
from govgrid.catalogue.patrols import VolunteerMember
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from services.projections.dispatch import Retried
from services.projections.dispatch import project
from services.projections.dispatch import retry_parked
from services.projections.generations import Generations
from services.projections.queries import patrols
from services.projections.queries.months import whole_months
from services.projections.readmodels import READ_MODELS
from services.projections.readmodels.patrols import PATROLS
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer

ADMIN = bearer(Role.CITY_ADMIN)
DAY0 = date(2023, 1, 1)
NOVEMBER = "from=2023-11-01&to=2023-11-30"
DECEMBER = "from=2023-12-01&to=2023-12-31"

# Villages and communities: township and the station covering them from DAY0.
VILLAGES = {"V1": ("T01", "S01"), "V2": ("T02", "S01"), "V3": ("T02", "S02")}
GRIDS = {"G11": "V1", "G12": "V1", "G21": "V2", "G22": "V2", "G31": "V3"}


def organisation(villages: dict[str, tuple[str, str]], grids: dict[str, str]) -> list[EventEnvelope]:
    """The city, townships, stations, villages covered from DAY0 and their grids, as registered."""
    events: list[EventEnvelope] = []

    def register(code: str, kind: OrgUnitKind, parent: str | None, j: Jurisdiction) -> Stream:
        stream = Stream(f"orgunit-{code}", j)
        registered = OrganisationUnitRegistered(
            code=code, kind=kind, name_zh=f"{code}名", name_en=f"{code} name", parent_code=parent
        )
        events.append(stream.next(registered, DAY0))
        return stream

    register("C", OrgUnitKind.CITY, None, Jurisdiction())
    for township in sorted({t for t, _ in villages.values()}):
        register(township, OrgUnitKind.TOWNSHIP, "C", Jurisdiction(township=township))
    for station in sorted({s for _, s in villages.values()}):
        register(station, OrgUnitKind.POLICE_STATION, "C", Jurisdiction(station=station))
    for village, (township, station) in villages.items():
        j = Jurisdiction(township=township, station=station, village=village)
        stream = register(village, OrgUnitKind.VILLAGE, township, j)
        assigned = VillageCoverageAssigned(station_code=station, village_code=village, effective_from=DAY0)
        events.append(stream.next(assigned, DAY0))
    for grid, village in grids.items():
        township, station = villages[village]
        register(
            grid, OrgUnitKind.GRID, village, Jurisdiction(township=township, station=station, village=village)
        )
    return events


def v2_moves_to_s02() -> list[EventEnvelope]:
    """From 15 December V2 (and so G21, G22) is S02's (the village's stream: registered, covered, ...)."""
    stream = Stream("orgunit-V2", Jurisdiction(township="T02", station="S02", village="V2"))
    stream.version = 2
    moved = date(2023, 12, 15)
    return [
        stream.next(
            VillageCoverageEnded(
                station_code="S01", village_code="V2", effective_until=moved - timedelta(days=1)
            ),
            moved,
        ),
        stream.next(
            VillageCoverageAssigned(station_code="S02", village_code="V2", effective_from=moved), moved
        ),
    ]


class Patrol:
    """The events of one patrol as the patrols service files them: a checkpoint under its grid's
    township, station and village; everything else under the station."""

    def __init__(self, patrol_id: str, station: str, planned: datetime) -> None:
        self.patrol_id = patrol_id
        self.station = station
        self.stream = Stream(f"patrol-{patrol_id}", Jurisdiction(station=station))
        self.events: list[EventEnvelope] = []
        self._add(
            PatrolScheduled(
                patrol_id=patrol_id,
                team_id=f"team-{station}",
                station_code=station,
                planned_start=planned,
                planned_end=planned + timedelta(hours=3),
            ),
            planned,
        )

    def _add(self, payload: DomainEvent, at: datetime, j: Jurisdiction | None = None) -> Patrol:
        self.stream.jurisdiction = j or Jurisdiction(station=self.station)
        self.events.append(self.stream.next(payload, at))
        return self

    def start(self, at: datetime, *members: TeamMember) -> Patrol:
        return self._add(
            PatrolStarted(patrol_id=self.patrol_id, started_at=at, participants=list(members)), at
        )

    def visit(self, grid: str, at: datetime) -> Patrol:
        village = GRIDS[grid]
        township, station = VILLAGES[village]
        j = Jurisdiction(township=township, station=station, village=village)
        return self._add(CheckpointVisited(patrol_id=self.patrol_id, grid_code=grid, visited_at=at), at, j)

    def observe(self, grid: str, at: datetime) -> Patrol:
        village = GRIDS[grid]
        township, station = VILLAGES[village]
        observed = PatrolObservationRecorded(
            patrol_id=self.patrol_id,
            category=ObservationCategory.SAFETY_HAZARD,
            note="loose power line",
            observed_at=at,
            grid_code=grid,
        )
        return self._add(observed, at, Jurisdiction(township=township, station=station, village=village))

    def complete(self, at: datetime, minutes: int, km: float) -> Patrol:
        completed = PatrolCompleted(
            patrol_id=self.patrol_id, completed_at=at, duration_minutes=minutes, distance_km=km
        )
        return self._add(completed, at)

    def abort(self, at: datetime) -> Patrol:
        return self._add(PatrolAborted(patrol_id=self.patrol_id, aborted_at=at, reason="typhoon warning"), at)


def clearance(
    operation_id: str, areas: list[str], planned_on: date, j: Jurisdiction, *later: DomainEvent
) -> list[EventEnvelope]:
    """An operation of S01 and what became of it; all its events keep the plan's jurisdiction."""
    stream = Stream(f"clearance-{operation_id}", j)
    planned = ClearanceOperationPlanned(
        operation_id=operation_id, station_code="S01", focus="出租屋", planned_on=planned_on, area_codes=areas
    )
    return [stream.next(planned, planned_on), *(stream.next(payload, planned_on) for payload in later)]


def carried_out(
    operation_id: str, on: date, places: int, people: int, officers: int, volunteers: int
) -> DomainEvent:
    return ClearanceOperationCarriedOut(
        operation_id=operation_id,
        carried_out_on=on,
        places_checked=places,
        people_checked=people,
        officers_deployed=officers,
        volunteers_deployed=volunteers,
    )


def cst(text: str) -> datetime:
    return datetime.fromisoformat(text)


OFFICER = OfficerMember(person_id="P001")
FISHERMAN = VolunteerMember(
    volunteer_id="GC-V01", affiliation=VolunteerAffiliation.FISHERMAN, party_member=True
)
SWEEPER = VolunteerMember(
    volunteer_id="GC-V02", affiliation=VolunteerAffiliation.SANITATION_WORKER, party_member=False
)
COMMUNITY = VolunteerMember(
    volunteer_id="GC-V03", affiliation=VolunteerAffiliation.COMMUNITY_PARTY_MEMBER, party_member=True
)
# Another station chose the same pseudonym for someone else.
S02_VOLUNTEER = VolunteerMember(
    volunteer_id="GC-V01", affiliation=VolunteerAffiliation.OTHER, party_member=False
)

P1 = (  # S01, through T01 and T02, completed: 150 minutes, 6.4 km
    Patrol("P1", "S01", cst("2023-11-20T19:00+08:00"))
    .start(cst("2023-11-20T19:05+08:00"), OFFICER, FISHERMAN, SWEEPER)
    .visit("G11", cst("2023-11-20T19:30+08:00"))
    .visit("G21", cst("2023-11-20T20:10+08:00"))
    .visit("G11", cst("2023-11-20T20:40+08:00"))
    .complete(cst("2023-11-20T21:35+08:00"), 150, 6.4)
)
P2 = (  # S01, in T01 only, broken off on the way
    Patrol("P2", "S01", cst("2023-11-22T19:00+08:00"))
    .start(cst("2023-11-22T19:00+08:00"), OFFICER, FISHERMAN, COMMUNITY)
    .visit("G12", cst("2023-11-22T19:20+08:00"))
    .abort(cst("2023-11-22T19:50+08:00"))
)
P3 = (  # S01: 30 November in UTC, 1 December in China
    Patrol("P3", "S01", cst("2023-11-30T16:00+00:00"))
    .start(cst("2023-11-30T16:30+00:00"), OFFICER, SWEEPER)
    .visit("G22", cst("2023-11-30T17:00+00:00"))
    .complete(cst("2023-11-30T18:30+00:00"), 120, 3.0)
)
P4 = (  # S02, in T02: 60 minutes, 2.5 km
    Patrol("P4", "S02", cst("2023-11-21T09:00+08:00"))
    .start(cst("2023-11-21T09:00+08:00"), OfficerMember(person_id="P101"), S02_VOLUNTEER)
    .visit("G31", cst("2023-11-21T09:30+08:00"))
    .complete(cst("2023-11-21T10:00+08:00"), 60, 2.5)
)
P5 = Patrol("P5", "S01", cst("2023-11-25T19:00+08:00")).abort(cst("2023-11-24T12:00+08:00"))  # called off

T01_S01_V1 = Jurisdiction(township="T01", station="S01", village="V1")
OPERATIONS = [
    *clearance(
        "O1",
        ["V1"],
        date(2023, 11, 10),
        T01_S01_V1,
        carried_out("O1", date(2023, 11, 12), 40, 120, 6, 10),
        ClearanceOperationClosed(operation_id="O1", closed_on=date(2023, 11, 13)),
    ),
    # Its area spans two townships: filed under the station only.
    *clearance(
        "O2",
        ["G11", "G21"],
        date(2023, 11, 15),
        Jurisdiction(station="S01"),
        carried_out("O2", date(2023, 11, 16), 25, 60, 4, 8),
    ),
    *clearance(
        "O3",
        ["V2"],
        date(2023, 11, 25),
        Jurisdiction(township="T02", station="S01", village="V2"),
        ClearanceOperationCancelled(operation_id="O3", cancelled_on=date(2023, 11, 20), reason="台风"),
    ),
    # Planned for November, carried out in December: a December operation.
    *clearance(
        "O4", ["V1"], date(2023, 11, 28), T01_S01_V1, carried_out("O4", date(2023, 12, 2), 10, 30, 2, 3)
    ),
]

HISTORY = [
    *organisation(VILLAGES, GRIDS),
    *v2_moves_to_s02(),
    *(e for patrol in (P1, P2, P3, P4, P5) for e in patrol.events),
    *OPERATIONS,
]


async def feed(generations: Generations, events: list[EventEnvelope]) -> None:
    for envelope in events:
        await project(generations, READ_MODELS, envelope)


async def get(api: httpx.AsyncClient, path: str, headers: dict[str, str] = ADMIN) -> Any:
    answer = await api.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def pick(figures: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: figures[k] for k in keys}


PATROL_KEYS = ("patrols_completed", "patrols_aborted", "patrol_hours", "patrol_distance_km")
PEOPLE_KEYS = ("officer_participations", "volunteer_participations", "volunteers", "party_member_volunteers")
CLEARANCE_KEYS = (
    "clearance_operations_carried_out",
    "clearance_operations_cancelled",
    "places_checked",
    "people_checked",
    "officers_deployed",
    "volunteers_deployed",
)
GRID_KEYS = ("grids", "grids_visited", "grids_visited_percent")


async def test_city_summary_of_november_by_china_days(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    november = await get(read_api, f"/patrols/summary?{NOVEMBER}")
    assert (november["from"], november["to"]) == ("2023-11-01", "2023-11-30")
    # P3 started on 30 November in UTC but 1 December in China: not November's. P5 was called off.
    assert pick(november, *PATROL_KEYS) == {
        "patrols_completed": 2,
        "patrols_aborted": 2,
        "patrol_hours": 3.5,
        "patrol_distance_km": 8.9,
    }
    # GC-V01 of S01 twice; GC-V01 of S02 is someone else.
    assert pick(november, *PEOPLE_KEYS) == {
        "officer_participations": 3,
        "volunteer_participations": 5,
        "volunteers": 4,
        "party_member_volunteers": 2,
    }
    assert november["volunteers_by_affiliation"] == {
        "fisherman": {"participations": 2, "volunteers": 1},
        "sanitation_worker": {"participations": 1, "volunteers": 1},
        "community_party_member": {"participations": 1, "volunteers": 1},
        "other": {"participations": 1, "volunteers": 1},
    }
    assert pick(november, *CLEARANCE_KEYS) == {
        "clearance_operations_carried_out": 2,
        "clearance_operations_cancelled": 1,
        "places_checked": 65,
        "people_checked": 180,
        "officers_deployed": 10,
        "volunteers_deployed": 18,
    }
    # G11, G12, G21, G31 of five grids; G22 was visited on 1 December (China).
    assert pick(november, *GRID_KEYS) == {"grids": 5, "grids_visited": 4, "grids_visited_percent": 80.0}

    december = await get(read_api, f"/patrols/summary?{DECEMBER}")
    assert pick(december, *PATROL_KEYS, "volunteer_participations", "clearance_operations_carried_out") == {
        "patrols_completed": 1,
        "patrols_aborted": 0,
        "patrol_hours": 2.0,
        "patrol_distance_km": 3.0,
        "volunteer_participations": 1,
        "clearance_operations_carried_out": 1,
    }
    assert pick(december, *GRID_KEYS) == {"grids": 5, "grids_visited": 1, "grids_visited_percent": 20.0}

    year_to_date = await get(read_api, "/patrols/summary?to=2023-11-30")  # from: 1 January of that year
    assert year_to_date["from"] == "2023-01-01" and year_to_date["patrols_completed"] == 2


async def test_grids_are_placed_by_the_coverage_of_the_last_day(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    s01_november = await get(read_api, f"/patrols/summary?{NOVEMBER}&station=S01")
    assert pick(s01_november, *GRID_KEYS) == {"grids": 4, "grids_visited": 3, "grids_visited_percent": 75.0}
    # V2 is S02's from 15 December: its grids, and P3's visit of G22, count for S02 as of 31 December.
    s01_december = await get(read_api, f"/patrols/summary?{DECEMBER}&station=S01")
    assert pick(s01_december, *GRID_KEYS) == {"grids": 2, "grids_visited": 0, "grids_visited_percent": 0.0}
    assert s01_december["patrols_completed"] == 1  # P3 is still S01's patrol
    s02_december = await get(read_api, f"/patrols/summary?{DECEMBER}&station=S02")
    assert pick(s02_december, *GRID_KEYS) == {"grids": 3, "grids_visited": 1, "grids_visited_percent": 33.3}
    nowhere = await get(read_api, f"/patrols/summary?{NOVEMBER}&village=V9")
    assert pick(nowhere, "patrols_completed", *GRID_KEYS) == {
        "patrols_completed": 0,
        "grids": 0,
        "grids_visited": 0,
        "grids_visited_percent": None,
    }


async def test_rows_per_station(generations: Generations, read_api: httpx.AsyncClient) -> None:
    await feed(generations, HISTORY)
    rows = await get(read_api, f"/patrols/by-station?{NOVEMBER}")
    assert [(r["station_code"], r["name_zh"], r["name_en"]) for r in rows] == [
        ("S01", "S01名", "S01 name"),
        ("S02", "S02名", "S02 name"),
    ]
    s01, s02 = rows
    assert pick(s01, *PATROL_KEYS, *PEOPLE_KEYS, *CLEARANCE_KEYS, *GRID_KEYS) == {
        "patrols_completed": 1,
        "patrols_aborted": 2,
        "patrol_hours": 2.5,
        "patrol_distance_km": 6.4,
        "officer_participations": 2,
        "volunteer_participations": 4,
        "volunteers": 3,
        "party_member_volunteers": 2,
        "clearance_operations_carried_out": 2,
        "clearance_operations_cancelled": 1,
        "places_checked": 65,
        "people_checked": 180,
        "officers_deployed": 10,
        "volunteers_deployed": 18,
        "grids": 4,
        "grids_visited": 3,
        "grids_visited_percent": 75.0,
    }
    assert pick(s02, *PATROL_KEYS, *PEOPLE_KEYS, "clearance_operations_carried_out", *GRID_KEYS) == {
        "patrols_completed": 1,
        "patrols_aborted": 0,
        "patrol_hours": 1.0,
        "patrol_distance_km": 2.5,
        "officer_participations": 1,
        "volunteer_participations": 1,
        "volunteers": 1,
        "party_member_volunteers": 0,
        "clearance_operations_carried_out": 0,
        "grids": 1,
        "grids_visited": 1,
        "grids_visited_percent": 100.0,
    }


async def test_a_township_officer_sees_what_passed_through_their_township(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    t01 = await get(read_api, f"/patrols/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    # P1 and P2 had checkpoints in T01; P4 did not, P5 never went out. O1's area lies in T01; O2's
    # spans two townships and O3's lies in T02.
    assert pick(t01, *PATROL_KEYS, *PEOPLE_KEYS, *CLEARANCE_KEYS, *GRID_KEYS) == {
        "patrols_completed": 1,
        "patrols_aborted": 1,
        "patrol_hours": 2.5,
        "patrol_distance_km": 6.4,
        "officer_participations": 2,
        "volunteer_participations": 4,
        "volunteers": 3,
        "party_member_volunteers": 2,
        "clearance_operations_carried_out": 1,
        "clearance_operations_cancelled": 0,
        "places_checked": 40,
        "people_checked": 120,
        "officers_deployed": 6,
        "volunteers_deployed": 10,
        "grids": 2,
        "grids_visited": 2,
        "grids_visited_percent": 100.0,
    }
    t02 = await get(read_api, f"/patrols/summary?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T02"))
    assert pick(
        t02, "patrols_completed", "patrols_aborted", "volunteers", "clearance_operations_cancelled"
    ) == {
        "patrols_completed": 2,
        "patrols_aborted": 0,
        "volunteers": 3,
        "clearance_operations_cancelled": 1,
    }
    assert pick(t02, *GRID_KEYS) == {"grids": 3, "grids_visited": 2, "grids_visited_percent": 66.7}
    # A city admin asking for T01 gets what the T01 officer gets.
    assert await get(read_api, f"/patrols/summary?{NOVEMBER}&township=T01") == t01

    stations = await get(read_api, f"/patrols/by-station?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01"))
    assert [(r["station_code"], r["patrols_completed"], r["grids"]) for r in stations] == [("S01", 1, 2)]


async def test_an_observation_shows_a_patrol_to_the_township_where_it_was_made(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    october = (
        Patrol("P6", "S01", cst("2023-10-05T19:00+08:00"))
        .start(cst("2023-10-05T19:00+08:00"), OFFICER)
        .visit("G21", cst("2023-10-05T19:20+08:00"))  # T02
        .observe("G11", cst("2023-10-05T19:40+08:00"))  # T01
        .complete(cst("2023-10-05T20:00+08:00"), 60, 2.0)
    )
    await feed(generations, [*organisation(VILLAGES, GRIDS), *october.events])
    t01 = await get(
        read_api, "/patrols/summary?from=2023-10-01&to=2023-10-31", bearer(Role.TOWNSHIP_OFFICER, "T01")
    )
    # Visible there, but an observation is no checkpoint: no T01 grid was visited.
    assert pick(t01, "patrols_completed", "grids_visited") == {"patrols_completed": 1, "grids_visited": 0}


async def test_clearance_operations_are_listed_by_page(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    first = await get(read_api, f"/patrols/clearance-operations?{NOVEMBER}&page_size=2")
    assert (first["total"], [o["operation_id"] for o in first["items"]]) == (3, ["O3", "O2"])
    second = await get(read_api, f"/patrols/clearance-operations?{NOVEMBER}&page_size=2&page=2")
    assert second["items"] == [
        {
            "operation_id": "O1",
            "station_code": "S01",
            "focus": "出租屋",
            "area_codes": ["V1"],
            "status": "closed",
            "day": "2023-11-12",
            "planned_on": "2023-11-10",
            "carried_out_on": "2023-11-12",
            "closed_on": "2023-11-13",
            "cancelled_on": None,
            "places_checked": 40,
            "people_checked": 120,
            "officers_deployed": 6,
            "volunteers_deployed": 10,
        }
    ]
    beyond = await get(read_api, f"/patrols/clearance-operations?{NOVEMBER}&page_size=2&page=3")
    assert (beyond["total"], beyond["items"]) == (3, [])
    cancelled = await get(read_api, f"/patrols/clearance-operations?{NOVEMBER}&status=cancelled")
    assert [o["operation_id"] for o in cancelled["items"]] == ["O3"]
    t01 = await get(
        read_api, f"/patrols/clearance-operations?{NOVEMBER}", bearer(Role.TOWNSHIP_OFFICER, "T01")
    )
    assert (t01["total"], [o["operation_id"] for o in t01["items"]]) == (1, ["O1"])
    december = await get(read_api, f"/patrols/clearance-operations?{DECEMBER}")
    assert [(o["operation_id"], o["status"]) for o in december["items"]] == [("O4", "carried_out")]


async def test_replaying_every_event_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient
) -> None:
    await feed(generations, HISTORY)
    paths = [
        f"/patrols/summary?{NOVEMBER}",
        f"/patrols/by-station?{NOVEMBER}",
        "/patrols/clearance-operations",
    ]
    before = [await get(read_api, path) for path in paths]
    await feed(generations, HISTORY)
    assert [await get(read_api, path) for path in paths] == before


# Planned for the evening of 30 November, started the next morning: a December patrol, which moves
# from November's sums to December's when it starts.
P6 = (
    Patrol("P6", "S02", cst("2023-11-30T20:00+08:00"))
    .start(cst("2023-12-01T09:00+08:00"), OfficerMember(person_id="P101"))
    .visit("G31", cst("2023-12-01T09:20+08:00"))
    .complete(cst("2023-12-01T09:45+08:00"), 45, 1.2)
)
# The monthly sums with figures, and the patrols with figures added up the same way: each must hold
# the other (a patrol not started yet has none).
SUMS = """
SELECT month, station_code, codes, patrols_completed, patrols_aborted, duration_minutes, distance_km,
       officer_participations, volunteer_participations
  FROM rm_patrols_by_month
 WHERE (patrols_completed, patrols_aborted, duration_minutes, distance_km, officer_participations,
        volunteer_participations) <> (0, 0, 0, 0, 0, 0)
"""
PATROLS_ADDED_UP = """
SELECT date_trunc('month', day)::date, station_code, codes,
       count(*) FILTER (WHERE completed_at IS NOT NULL), count(*) FILTER (WHERE aborted_at IS NOT NULL),
       coalesce(sum(duration_minutes), 0), coalesce(sum(distance_km), 0), sum(officer_participations),
       sum(volunteer_participations)
  FROM rm_patrols GROUP BY 1, 2, 3
HAVING (count(*) FILTER (WHERE completed_at IS NOT NULL), count(*) FILTER (WHERE aborted_at IS NOT NULL),
        coalesce(sum(duration_minutes), 0), coalesce(sum(distance_km), 0), sum(officer_participations),
        sum(volunteer_participations)) <> (0, 0, 0, 0, 0, 0)
"""


async def same_rows(pool: asyncpg.Pool, one: str, other: str) -> None:
    assert await pool.fetch(f"{one} EXCEPT {other}") == []
    assert await pool.fetch(f"{other} EXCEPT {one}") == []


async def test_the_monthly_sums_are_the_patrols_and_every_range_adds_up_the_same(
    generations: Generations, kafka_log: KafkaLog
) -> None:
    pool = await generations.active_pool(PATROLS)
    # One event at a time (each its own statements), then P6's others as a batch from Kafka: it is
    # scheduled for November, then starts in December.
    await feed(generations, [*HISTORY, *P6.events[:1]])
    await same_rows(pool, SUMS, PATROLS_ADDED_UP)
    await kafka_log.feed(generations, P6.events[1:])
    completed = await pool.fetch(
        "SELECT month, sum(patrols_completed) AS n FROM rm_patrols_by_month GROUP BY 1 ORDER BY 1"
    )
    assert [(r["month"], r["n"]) for r in completed] == [(date(2023, 11, 1), 2), (date(2023, 12, 1), 2)]
    await same_rows(pool, SUMS, PATROLS_ADDED_UP)

    ranges = [
        (date(2023, 11, 1), date(2023, 11, 30)),  # a whole month
        (date(2023, 11, 20), date(2023, 12, 1)),  # days of two months
        (date(2023, 11, 21), date(2023, 11, 22)),  # days of one
        (date(2023, 10, 15), date(2024, 1, 10)),  # two whole months and days around them
        (date(2023, 12, 1), date(2023, 12, 1)),
    ]
    await same_rows(
        pool,
        "SELECT month, grid_code, visits FROM rm_patrol_checkpoints_by_month WHERE visits > 0",
        "SELECT date_trunc('month', day)::date, grid_code, count(*) FROM rm_patrol_checkpoints GROUP BY 1, 2",
    )
    for query in patrols.SUMMED:
        by_station = query.format(key=patrols.BY_STATION)
        for first, last in ranges:
            args = (first, last, None, None, None, None)
            summed = await pool.fetch(by_station, *args, *whole_months(first, last))
            counted = await pool.fetch(by_station, *args, first, first)  # no whole month: the rows read
            assert summed, (first, last)
            assert sorted(map(tuple, summed)) == sorted(map(tuple, counted)), (first, last)


async def test_a_patrol_whose_scheduling_is_missing_is_parked_until_it_arrives(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    scheduling, *rest = P1.events
    await kafka_log.feed(generations, [e for e in HISTORY if e is not scheduling])
    pool = await generations.active_pool(PATROLS)
    parked = await pool.fetch("SELECT event_id, reason FROM parked_events ORDER BY stream_version")
    assert [r["event_id"] for r in parked] == [e.event_id for e in rest]
    assert "patrol P1 is not in the read model" in parked[0]["reason"]
    assert all("waiting behind" in r["reason"] for r in parked[1:])
    # Other patrols were not held up.
    assert (await get(read_api, f"/patrols/summary?{NOVEMBER}"))["patrols_completed"] == 1

    await kafka_log.feed(generations, [scheduling])
    retried = await retry_parked(pool, PATROLS, kafka_log.bootstrap_servers)
    assert retried == Retried(applied=len(rest), still_parked=0)
    november = await get(read_api, f"/patrols/summary?{NOVEMBER}")
    assert pick(november, "patrols_completed", "volunteer_participations", "grids_visited") == {
        "patrols_completed": 2,
        "volunteer_participations": 5,
        "grids_visited": 4,
    }


@pytest.mark.parametrize(
    "query",
    [
        "summary?from=2023-02-30",
        "summary?from=2023-12-01&to=2023-11-30",
        "summary?to=1999-12-31",
        "by-station?township=bad%20code",
        "clearance-operations?page=0",
        "clearance-operations?page_size=501",
        "clearance-operations?status=lost",
    ],
)
async def test_bad_query_is_422(read_api: httpx.AsyncClient, query: str) -> None:
    answer = await read_api.get(f"/patrols/{query}", headers=ADMIN)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"].startswith("query.")


async def test_no_token_is_401(read_api: httpx.AsyncClient) -> None:
    assert (await read_api.get("/patrols/summary")).status_code == 401
