"""Read model "police_activity": each station's calls for service (接处警), criminal cases (刑事案件)
and public-security cases (治安案件) per day, for totals and year-on-year change per city / township /
station. A township's figures are those of the stations covering its villages, so the model keeps the
organisation registry too."""

from __future__ import annotations

import asyncpg

from govgrid.catalogue.patrols import PoliceActivityCorrected, PoliceActivityRecorded
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.patrols import ORGANISATION

_FIGURES = "station_code, day, calls_for_service, criminal_cases, public_security_cases"


async def recorded(conn: asyncpg.Connection, e: EventEnvelope, event: PoliceActivityRecorded) -> None:
    # The first figures of a station-day (its stream begins with them): a row already there is an
    # inconsistency to park, not to overwrite.
    await conn.execute(
        f"INSERT INTO rm_police_activity ({_FIGURES}) VALUES ($1, $2, $3, $4, $5)", *_row(event)
    )


async def corrected(conn: asyncpg.Connection, e: EventEnvelope, event: PoliceActivityCorrected) -> None:
    # The complete new figures, not a difference: they replace the day's row and need nothing before them.
    await conn.execute(
        f"INSERT INTO rm_police_activity ({_FIGURES}) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (station_code, day) DO UPDATE SET calls_for_service = EXCLUDED.calls_for_service,"
        " criminal_cases = EXCLUDED.criminal_cases, public_security_cases = EXCLUDED.public_security_cases",
        *_row(event),
    )


def _row(event: PoliceActivityRecorded | PoliceActivityCorrected) -> tuple[object, ...]:
    return (
        event.station_code,
        event.day,
        event.calls_for_service,
        event.criminal_cases,
        event.public_security_cases,
    )


POLICE_ACTIVITY = ReadModel(
    name="police_activity",
    services=frozenset({"patrols", "appointments"}),
    appliers={
        **ORGANISATION,
        "PoliceActivityRecorded": recorded,
        "PoliceActivityCorrected": corrected,
    },
)
