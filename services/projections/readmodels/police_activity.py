"""Read model "police_activity": each station's calls for service (接处警), criminal cases (刑事案件)
and public-security cases (治安案件) per day, for totals and year-on-year change per city / township /
station. A township's figures are those of the stations covering its villages, so the model keeps the
organisation registry too."""

from __future__ import annotations

from govgrid.catalogue.patrols import PoliceActivityCorrected
from govgrid.catalogue.patrols import PoliceActivityRecorded
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import by_event
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.organisation import keeping_registry

POLICE_ACTIVITY_DAYS = Table("rm_police_activity", ("station_code", "day"), "police activity of")


def recorded(c: Changes, e: EventEnvelope, event: PoliceActivityRecorded) -> None:
    # The first figures of a station-day (its stream begins with them): a row already there is an
    # inconsistency to park, not to overwrite.
    c.insert(POLICE_ACTIVITY_DAYS, **_figures(event))


def corrected(c: Changes, e: EventEnvelope, event: PoliceActivityCorrected) -> None:
    # The complete new figures, not a difference: they replace the day's row and need nothing before them.
    c.replace(POLICE_ACTIVITY_DAYS, **_figures(event))


def _figures(event: PoliceActivityRecorded | PoliceActivityCorrected) -> dict[str, object]:
    return fields_of(
        event, "station_code", "day", "calls_for_service", "criminal_cases", "public_security_cases"
    )


POLICE_ACTIVITY = keeping_registry("police_activity", {"patrols"}, by_event(recorded, corrected))
