"""Read model "clocks" through real Kafka into PostgreSQL, and its API: "what was overdue on 30 June
2025, and why", asked in December once July's events are in (a lead closed late, another carried
over): the end of 30 June still answers as it stood then; per station and village; paused, due within
24 hours, carried over, time per stage; scoping and replay safety.

The clock events are decided by the kernel's clock domain (govgrid.clocks), as the services do."""

from __future__ import annotations

from typing import Any

import httpx

from govgrid import clocks
from govgrid.auth import Role
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import DisputeClockCarriedOver
from govgrid.catalogue.clocks import DisputeClockExtended
from govgrid.catalogue.clocks import DisputeClockPaused
from govgrid.catalogue.clocks import DisputeClockResumed
from govgrid.catalogue.clocks import DisputeClockStarted
from govgrid.catalogue.clocks import DisputeClockStopped
from govgrid.catalogue.clocks import LeadClockCarriedOver
from govgrid.catalogue.clocks import LeadClockExtended
from govgrid.catalogue.clocks import LeadClockPaused
from govgrid.catalogue.clocks import LeadClockResumed
from govgrid.catalogue.clocks import LeadClockStarted
from govgrid.catalogue.clocks import LeadClockStopped
from govgrid.catalogue.clocks import PauseReason
from govgrid.clocks import NO_CLOCKS
from govgrid.clocks import ClockEventTypes
from govgrid.clocks import Clocks
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.working_days import china_working_days
from services.projections.generations import Generations
from services.projections.tests.integration.conftest import KafkaLog
from services.projections.tests.integration.conftest import Stream
from services.projections.tests.integration.conftest import bearer
from services.projections.tests.integration.test_patrols_read import ADMIN
from services.projections.tests.integration.test_patrols_read import GRIDS
from services.projections.tests.integration.test_patrols_read import VILLAGES
from services.projections.tests.integration.test_patrols_read import cst
from services.projections.tests.integration.test_patrols_read import get
from services.projections.tests.integration.test_patrols_read import organisation

LEAD = ClockEventTypes(
    started=LeadClockStarted,
    paused=LeadClockPaused,
    resumed=LeadClockResumed,
    extended=LeadClockExtended,
    carried_over=LeadClockCarriedOver,
    stopped=LeadClockStopped,
)
DISPUTE = ClockEventTypes(
    started=DisputeClockStarted,
    paused=DisputeClockPaused,
    resumed=DisputeClockResumed,
    extended=DisputeClockExtended,
    carried_over=DisputeClockCarriedOver,
    stopped=DisputeClockStopped,
)
CALENDAR = china_working_days()
NOW = cst("2025-12-15T10:00:00+08:00")  # when the question is asked


class ClockStream:
    """One record's clock stream, its events decided by govgrid.clocks as the services decide them."""

    def __init__(self, prefix: str, record_id: str, village: str, types: ClockEventTypes) -> None:
        township, station = VILLAGES[village]
        self.stream = Stream(
            f"{prefix}-{record_id}", Jurisdiction(township=township, station=station, village=village)
        )
        self.types = types
        self.clocks: Clocks = NO_CLOCKS
        self.envelopes: list[EventEnvelope] = []

    def add(self, events: list[ClockChanged]) -> ClockStream:
        for event in events:
            self.clocks = self.clocks.evolve(event)
            self.envelopes.append(self.stream.next(event, event.at))
        return self

    def start(
        self, stage: str, at: str, working_days: int, owner: Role = Role.STATION_OFFICER
    ) -> ClockStream:
        return self.add([clocks.start(self.types, stage, owner, cst(at), working_days, CALENDAR)])

    def stop(self, stage: str, at: str) -> ClockStream:
        clock = self.clocks.get(stage)
        assert clock is not None
        return self.add([clocks.stop(self.types, clock, cst(at))])


def scenario() -> list[EventEnvelope]:
    # L1 (S01, V1): received Friday 20 June at 10:00, never triaged (due Monday 23); carried over on
    # Monday 30 June at 17:00: due by 31 July.
    l1 = ClockStream("leadclock", "L1", "V1", LEAD).start("triage", "2025-06-20T10:00:00+08:00", 1)
    l1.add(
        clocks.carry_over(
            LEAD, l1.clocks, "triage", at=cst("2025-06-30T17:00:00+08:00"), reason="报案人联系不上", now=NOW
        )
    )
    # L2 (S01, V1): triaged Tuesday 24 June at 09:00, 3 working days (due Friday 27); decided Thursday
    # 3 July at 12:00, late.
    l2 = ClockStream("leadclock", "L2", "V1", LEAD).start("decision", "2025-06-24T09:00:00+08:00", 3)
    l2.stop("decision", "2025-07-03T12:00:00+08:00")
    # L3 (S01, V2): triaged Wednesday 25 June, 3 working days: due Monday 30 June.
    l3 = ClockStream("leadclock", "L3", "V2", LEAD).start("decision", "2025-06-25T15:00:00+08:00", 3)
    # D1 (S02, V3): mediation from Monday 2 June, paused on the 10th waiting for a party, not resumed.
    d1 = ClockStream("disputeclock", "D1", "V3", DISPUTE).start(
        "village_mediation", "2025-06-02T00:00:00+08:00", 20
    )
    d1.add(
        clocks.pause(
            DISPUTE,
            d1.clocks,
            "village_mediation",
            at=cst("2025-06-10T09:00:00+08:00"),
            reason=PauseReason.WAITING_FOR_PARTY,
            note="",
            now=NOW,
        )
    )
    # D2 (S02, V3): registered Monday 16 June (a pair due Thursday 19), extended by the township on the
    # 18th by 5 working days (due Thursday 26), still without a pair.
    d2 = ClockStream("disputeclock", "D2", "V3", DISPUTE).start("assignment", "2025-06-16T00:00:00+08:00", 3)
    d2.add(
        clocks.extend(
            DISPUTE,
            d2.clocks,
            "assignment",
            at=cst("2025-06-18T10:00:00+08:00"),
            working_days=5,
            role=Role.TOWNSHIP_OFFICER,
            reason="当事人在外地",
            now=NOW,
            calendar=CALENDAR,
        )
    )
    return [e for s in (l1, l2, l3, d1, d2) for e in s.envelopes]


def figures(answer: dict[str, Any]) -> tuple[int, ...]:
    keys = ("open", "paused", "overdue", "due_within_24_hours", "carried_over")
    return tuple(answer[k] for k in keys)


async def test_what_was_overdue_on_30_june_and_why_asked_in_december(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    await kafka_log.feed(generations, organisation(VILLAGES, GRIDS) + scenario())

    june = await get(read_api, "/clocks/summary?from=2025-06-01&to=2025-06-30")
    # Open: L1 (carried over), L2, L3, D1 (paused), D2; overdue: L2, L3 (its last day ended), D2.
    assert figures(june) == (5, 1, 3, 0, 1)
    assert june["time_per_stage"] == []  # nothing stopped in June

    overdue = await get(read_api, "/clocks/overdue?as_of=2025-06-30")
    assert overdue["total"] == 3
    why = [
        (
            c["record_kind"],
            c["record_id"],
            c["stage"],
            c["station_code"],
            c["due_on"],
            c["days_late"],
            c["extended_by"],
        )
        for c in overdue["items"]
    ]
    assert why == [
        ("dispute", "D2", "assignment", "S02", "2025-06-26", 4, "township_officer"),
        ("lead", "L2", "decision", "S01", "2025-06-27", 3, None),
        ("lead", "L3", "decision", "S01", "2025-06-30", 0, None),
    ]
    assert {c["owner_role"] for c in overdue["items"]} == {"station_officer"}

    # The day before: L1 was overdue (not carried over yet) and L3 was due within 24 hours.
    assert figures(await get(read_api, "/clocks/summary?from=2025-06-01&to=2025-06-29")) == (5, 1, 3, 1, 0)
    day_before = await get(read_api, "/clocks/overdue?as_of=2025-06-29")
    assert [(c["record_id"], c["carried_over_into"]) for c in day_before["items"]] == [
        ("L1", None),
        ("D2", None),
        ("L2", None),
    ]

    stations = await get(read_api, "/clocks/by-station?as_of=2025-06-30")
    assert [(s["code"], s["name_zh"], *figures(s)) for s in stations] == [
        ("S01", "S01名", 3, 0, 2, 0, 1),
        ("S02", "S02名", 2, 1, 1, 0, 0),
    ]
    villages = await get(read_api, "/clocks/by-village?as_of=2025-06-30")
    assert [(v["code"], *figures(v)) for v in villages] == [
        ("V1", 2, 0, 1, 0, 1),
        ("V2", 1, 0, 1, 0, 0),
        ("V3", 2, 1, 1, 0, 0),
    ]

    # July: L2 decided on the 3rd, late: 9 days and 3 hours on the clock.
    july = await get(read_api, "/clocks/summary?from=2025-07-01&to=2025-07-31")
    # L3 and D2 still overdue, and L1 again: carried into July, it was not closed by its end.
    assert figures(july) == (4, 1, 3, 0, 1)
    assert july["time_per_stage"] == [
        {"record_kind": "lead", "stage": "decision", "stopped": 1, "average_hours": 219.0, "stopped_late": 1}
    ]


async def test_a_station_sees_its_own_clocks_and_a_replay_changes_nothing(
    generations: Generations, read_api: httpx.AsyncClient, kafka_log: KafkaLog
) -> None:
    events = organisation(VILLAGES, GRIDS) + scenario()
    await kafka_log.feed(generations, events)
    s02 = bearer(Role.STATION_OFFICER, "S02")
    own = await get(read_api, "/clocks/overdue?as_of=2025-06-30", s02)
    assert (own["total"], [c["record_id"] for c in own["items"]]) == (1, ["D2"])
    assert figures(await get(read_api, "/clocks/summary?to=2025-06-30", s02)) == (2, 1, 1, 0, 0)
    outside = await get(read_api, "/clocks/overdue?as_of=2025-06-30&station=S01", s02)
    assert (outside["total"], outside["items"]) == (0, [])
    # Leads are police business: a village cadre of V1 is neither listed nor counted its two lead clocks
    # (a count of a village's leads below 3 is what the small-count rule hides below station level).
    cadre = bearer(Role.VILLAGE_CADRE, "V1")
    assert figures(await get(read_api, "/clocks/summary?to=2025-06-30", cadre)) == (0, 0, 0, 0, 0)
    assert await get(read_api, "/clocks/by-village?as_of=2025-06-30", cadre) == []
    listed = await get(read_api, "/clocks/open?as_of=2025-06-30", cadre)
    assert (listed["total"], listed["items"]) == (0, [])
    # V3's cadre counts and is listed its disputes' clocks, D1 and D2.
    v3 = bearer(Role.VILLAGE_CADRE, "V3")
    assert figures(await get(read_api, "/clocks/summary?to=2025-06-30", v3)) == (2, 1, 1, 0, 0)
    listed = await get(read_api, "/clocks/open?as_of=2025-06-30", v3)
    assert (listed["total"], sorted(c["record_id"] for c in listed["items"])) == (2, ["D1", "D2"])

    # A worker's deadlines on 29 June, the soonest first: D1 is due on the 30th too, but paused.
    open_ = await get(read_api, "/clocks/open?as_of=2025-06-29")
    flags = [(c["record_id"], c["overdue"], c["due_within_24_hours"], c["paused"]) for c in open_["items"]]
    assert (open_["total"], flags) == (
        5,
        [
            ("L1", True, False, False),
            ("D2", True, False, False),
            ("L2", True, False, False),
            ("D1", False, False, True),
            ("L3", False, True, False),
        ],
    )

    await kafka_log.feed(generations, events)  # delivered again
    assert figures(await get(read_api, "/clocks/summary?from=2025-06-01&to=2025-06-30")) == (5, 1, 3, 0, 1)
    page = await get(read_api, "/clocks/overdue?as_of=2025-06-30&page=2&page_size=2")
    assert (page["total"], [c["record_id"] for c in page["items"]]) == (3, ["L3"])
    too_far = await read_api.get("/clocks/overdue?as_of=9999-01-01", headers=ADMIN)
    assert too_far.status_code == 422
