"""Read model "clocks": the deadline clocks of leads (tips) and disputes (mediation), one row per
change, so that "what was overdue on 30 June, and why" is answered from the changes up to that day,
whenever it is asked (services/projections/queries/clocks.py).

Each clock event says the last day allowed after it (``due_on``): the read model needs no calendar.
"""

from __future__ import annotations

from typing import Any

from govgrid.catalogue import catalogue
from govgrid.catalogue.clocks import ClockCarriedOver
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import ClockExtended
from govgrid.catalogue.clocks import ClockPaused
from govgrid.catalogue.clocks import ClockResumed
from govgrid.catalogue.clocks import ClockStarted
from govgrid.catalogue.clocks import ClockStopped
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Fold
from services.projections.readmodels.base import Table
from services.projections.readmodels.base import fields_of
from services.projections.readmodels.base import place
from services.projections.readmodels.organisation import keeping_registry

CLOCK_CHANGES = Table("rm_clock_changes", ("event_id",), "clock change")

# The clock stream's prefix (govgrid.service.clocks.RecordClocks) names the kind of record.
RECORD_KINDS = {"leadclock": "lead", "disputeclock": "dispute"}


def _details(event: ClockChanged) -> tuple[str, dict[str, Any]]:
    match event:
        case ClockStarted():
            return "started", fields_of(event, "owner_role", "working_days")
        case ClockPaused():
            return "paused", {"pause_reason": event.reason.value}
        case ClockResumed():
            return "resumed", {}
        case ClockExtended():
            return "extended", fields_of(event, "working_days", "approved_by_role")
        case ClockCarriedOver():
            return "carried_over", fields_of(event, "from_period", "to_period")
        case ClockStopped():
            return "stopped", fields_of(event, "running_seconds")
    raise TypeError(f"{type(event).__name__} is no clock change")


def changed(c: Changes, e: EventEnvelope, event: ClockChanged) -> None:
    prefix, record_id = e.stream_id.split("-", 1)
    change, details = _details(event)
    c.insert(
        CLOCK_CHANGES,
        event_id=e.event_id,
        stream_id=e.stream_id,
        stream_version=e.stream_version,
        record_kind=RECORD_KINDS[prefix],
        record_id=record_id,
        stage=event.stage,
        change=change,
        at=event.at,
        due_on=event.due_on,
        **place(e),
        **details,
    )


# Every service's clock events (govgrid.catalogue.clocks): one fold for them all.
CLOCK_EVENT_TYPES = sorted(e.event_type for e in catalogue.entries() if issubclass(e.model, ClockChanged))
CLOCK_FOLDS: dict[str, Fold] = dict.fromkeys(CLOCK_EVENT_TYPES, changed)

CLOCKS = keeping_registry("clocks", {"tips", "mediation"}, CLOCK_FOLDS)
