"""The organisation registry as any service sees it: local tables fed from the appointments
service's topic, so checking an org code never needs a call to another service.

Wire it into a service's bootstrap (``stopping`` is the service's shutdown event)::

    from govgrid import projection, reference
    from govgrid.catalogue.organisation import OrgUnitKind
    from govgrid.db import apply_migrations, create_pool

    pool = await create_pool(settings.database_url, schema="patrols")
    await apply_migrations(pool, projection.MIGRATIONS, reference.MIGRATIONS)
    feed = reference.ReferenceFeed(pool, settings.kafka_bootstrap_servers, "patrols", [reference.ORG_TABLES])
    feed_task = asyncio.create_task(feed.run(stopping))

    orgs = reference.OrgReference(pool)  # in a command handler:
    village = await orgs.require(code, OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)
    jurisdiction = await orgs.jurisdiction_of(village.code, on=day)
    # or both at once, when a new record is placed there (see govgrid.service.pipeline):
    t = await RECORD.create(uow, ctx, record_id, roles, orgs.placement(code, *VILLAGE_KINDS, on=day))
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

import asyncpg

from govgrid.catalogue import DomainEvent
from govgrid.catalogue import catalogue
from govgrid.catalogue import event_types
from govgrid.catalogue.organisation import OrganisationUnitRegistered
from govgrid.catalogue.organisation import OrganisationUnitRenamed
from govgrid.catalogue.organisation import OrgUnitKind
from govgrid.catalogue.organisation import VillageCoverageAssigned
from govgrid.catalogue.organisation import VillageCoverageEnded
from govgrid.envelope import EventEnvelope
from govgrid.envelope import Jurisdiction
from govgrid.errors import RuleBroken
from govgrid.reference.feed import ReferenceTable

log = logging.getLogger("govgrid.reference")

PROJECTION = "org_reference"  # its name in applied_events
ORG_EVENT_TYPES = event_types(
    OrganisationUnitRegistered, OrganisationUnitRenamed, VillageCoverageAssigned, VillageCoverageEnded
)
TOWNSHIP_KINDS = (OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT_OFFICE)
VILLAGE_KINDS = (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY)
# The hierarchy is four levels deep; the bound only stops a parent cycle in bad data.
MAX_DEPTH = 10


@dataclass(frozen=True)
class OrgUnitRef:
    code: str
    kind: OrgUnitKind
    name_zh: str
    name_en: str
    parent_code: str | None


async def apply_org_event(conn: asyncpg.Connection, envelope: EventEnvelope) -> None:
    """Update the reference tables for an organisation event; ignore any other event of the topic.

    Run it under ``ApplyOnce`` (once per event). No foreign keys: a unit may arrive before its
    parent, a coverage before its station, since different streams are not ordered on Kafka.
    """
    event = catalogue.decode_if(envelope, ORG_EVENT_TYPES)
    if isinstance(event, OrganisationUnitRegistered):
        await conn.execute(
            "INSERT INTO ref_org_units (code, kind, name_zh, name_en, parent_code)"
            " VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh,"
            " name_en = EXCLUDED.name_en, parent_code = EXCLUDED.parent_code",
            event.code,
            event.kind.value,
            event.name_zh,
            event.name_en,
            event.parent_code,
        )
    elif isinstance(event, OrganisationUnitRenamed):
        status = await conn.execute(
            "UPDATE ref_org_units SET name_zh = $2, name_en = $3 WHERE code = $1",
            event.code,
            event.name_zh,
            event.name_en,
        )
        if status == "UPDATE 0":
            log.warning("rename of unknown org unit %s ignored (event %s)", event.code, envelope.event_id)
    elif isinstance(event, VillageCoverageAssigned):
        # The latest statement wins: re-assigning a period that was ended opens it again.
        await conn.execute(
            "INSERT INTO ref_village_coverage (village_code, station_code, effective_from)"
            " VALUES ($1, $2, $3)"
            " ON CONFLICT (village_code, station_code, effective_from) DO UPDATE SET effective_until = NULL",
            event.village_code,
            event.station_code,
            event.effective_from,
        )
    elif isinstance(event, VillageCoverageEnded):
        status = await conn.execute(
            "UPDATE ref_village_coverage SET effective_until = $3"
            " WHERE village_code = $1 AND station_code = $2 AND effective_until IS NULL",
            event.village_code,
            event.station_code,
            event.effective_until,
        )
        if status == "UPDATE 0":
            log.warning(
                "end of coverage %s by %s ignored: none is open (event %s)",
                event.village_code,
                event.station_code,
                envelope.event_id,
            )


_REGISTERED = OrganisationUnitRegistered.event_type


async def apply_org_events(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
    """A feed's batch in topic order: each run of registrations in one statement (an import or a
    busy registry sends hundreds together), every other event as ``apply_org_event``."""
    for registrations, run in groupby(envelopes, key=lambda e: e.event_type == _REGISTERED):
        events = list(run)
        if registrations and len(events) > 1:
            await _register_units(conn, [catalogue.decode(e) for e in events])
        else:
            for envelope in events:
                await apply_org_event(conn, envelope)


async def _register_units(conn: asyncpg.Connection, events: Sequence[DomainEvent]) -> None:
    units = [e for e in events if isinstance(e, OrganisationUnitRegistered)]
    # A statement may not upsert one row twice; a unit is registered once (its stream's version 1),
    # so only bad data would repeat a code: the later one wins, as one by one.
    latest = {unit.code: unit for unit in units}
    await conn.execute(
        "INSERT INTO ref_org_units (code, kind, name_zh, name_en, parent_code)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
        " ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh,"
        " name_en = EXCLUDED.name_en, parent_code = EXCLUDED.parent_code",
        list(latest),
        [u.kind.value for u in latest.values()],
        [u.name_zh for u in latest.values()],
        [u.name_en for u in latest.values()],
        [u.parent_code for u in latest.values()],
    )


# A coverage period includes both its first and its last day.
_COVERS_DAY = "effective_from <= $2 AND (effective_until IS NULL OR $2 <= effective_until)"


class OrgReference:
    """Read-only queries on the local reference tables, on a pool or on a command's connection."""

    def __init__(self, db: asyncpg.Pool | asyncpg.Connection) -> None:
        self._db = db

    async def unit(self, code: str) -> OrgUnitRef | None:
        row = await self._db.fetchrow(
            "SELECT code, kind, name_zh, name_en, parent_code FROM ref_org_units WHERE code = $1", code
        )
        return _unit(row) if row is not None else None

    async def require(self, code: str, *kinds: OrgUnitKind) -> OrgUnitRef:
        """The unit ``code``, which must be of one of ``kinds`` (of any kind when none is given)."""
        unit = await self.unit(code)
        if unit is None:
            raise RuleBroken("unknown_org_unit", f"no organisation unit {code!r}")
        if kinds and unit.kind not in kinds:
            raise RuleBroken(
                "wrong_org_unit_kind", f"{code!r} is a {unit.kind}, expected a {' or '.join(kinds)}"
            )
        return unit

    async def station_covering(self, village_code: str, on: date) -> str | None:
        # At most one station covers a village on a day; should periods overlap anyway, the later wins.
        station: str | None = await self._db.fetchval(
            f"SELECT station_code FROM ref_village_coverage WHERE village_code = $1 AND {_COVERS_DAY}"
            " ORDER BY effective_from DESC LIMIT 1",
            village_code,
            on,
        )
        return station

    async def villages_covered_by(self, station_code: str, on: date) -> list[str]:
        rows = await self._db.fetch(
            f"SELECT village_code FROM ref_village_coverage WHERE station_code = $1 AND {_COVERS_DAY}"
            " ORDER BY village_code",
            station_code,
            on,
        )
        return [r["village_code"] for r in rows]

    async def ancestors(self, code: str) -> list[OrgUnitRef]:
        """The parent, its parent, ... up to the city or the first parent not known yet."""
        return (await self._lineage(code))[1:]

    async def jurisdiction_of(self, code: str, on: date) -> Jurisdiction:
        """The jurisdiction of something placed at unit ``code`` on day ``on``.

        township and village: the nearest unit of that level, the unit itself included. station: the
        unit itself if it is a police station, else the station covering the village on that day.
        """
        lineage = await self._lineage(code)
        if not lineage:
            raise RuleBroken("unknown_org_unit", f"no organisation unit {code!r}")
        village = _nearest(lineage, VILLAGE_KINDS)
        if lineage[0].kind is OrgUnitKind.POLICE_STATION:
            station: str | None = lineage[0].code
        elif village is not None:
            station = await self.station_covering(village, on)
        else:
            station = None
        return Jurisdiction(township=_nearest(lineage, TOWNSHIP_KINDS), station=station, village=village)

    async def jurisdiction_at(self, code: str, *kinds: OrgUnitKind, on: date) -> Jurisdiction:
        """``jurisdiction_of`` a unit named in a command, which must be of one of ``kinds`` (409 if not)."""
        unit = await self.require(code, *kinds)
        return await self.jurisdiction_of(unit.code, on)

    def placement(self, code: str, *kinds: OrgUnitKind, on: date) -> Callable[[], Awaitable[Jurisdiction]]:
        """Where a new record placed at unit ``code`` belongs (``jurisdiction_at``), as the pipeline's
        ``Aggregate.create`` asks it: only once the caller's role may create the record at all."""
        return lambda: self.jurisdiction_at(code, *kinds, on=on)

    def station_placement(self, code: str) -> Callable[[], Awaitable[Jurisdiction]]:
        """Where a new record of the police station ``code`` alone belongs (a patrol team, a
        registration drive): the station, which must be one (409 if not)."""

        async def at_station() -> Jurisdiction:
            station = await self.require(code, OrgUnitKind.POLICE_STATION)
            return Jurisdiction(station=station.code)

        return at_station

    async def _lineage(self, code: str) -> list[OrgUnitRef]:
        """The unit itself, then its ancestors nearest first; empty for an unknown code."""
        rows = await self._db.fetch(
            "WITH RECURSIVE lineage AS ("
            " SELECT code, kind, name_zh, name_en, parent_code, 0 AS depth FROM ref_org_units WHERE code = $1"
            " UNION ALL"
            " SELECT u.code, u.kind, u.name_zh, u.name_en, u.parent_code, l.depth + 1"
            " FROM ref_org_units u JOIN lineage l ON u.code = l.parent_code WHERE l.depth < $2)"
            " SELECT code, kind, name_zh, name_en, parent_code FROM lineage ORDER BY depth",
            code,
            MAX_DEPTH,
        )
        return [_unit(r) for r in rows]


def _unit(row: asyncpg.Record) -> OrgUnitRef:
    return OrgUnitRef(
        code=row["code"],
        kind=OrgUnitKind(row["kind"]),
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        parent_code=row["parent_code"],
    )


def _nearest(lineage: Sequence[OrgUnitRef], kinds: Sequence[OrgUnitKind]) -> str | None:
    return next((u.code for u in lineage if u.kind in kinds), None)


# The units and coverage tables, for a ReferenceFeed.
ORG_TABLES = ReferenceTable(PROJECTION, apply_org_event, ORG_EVENT_TYPES, apply_org_events)
