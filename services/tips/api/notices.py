"""Safety notices (安全提示): published by a station to its villages' contact groups, delivered group
by group."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.tips.application import handlers as h
from services.tips.domain.notices import SafetyNotice

Answer = state_response(SafetyNotice)

router = command_router(
    "/notices",
    ["safety notices"],
    {"notice_id": record_id()},
    [
        Command(
            "",
            h.publish_notice,
            "Publish a safety notice to the contact groups of the station's villages",
        ),
        Command(
            "/{notice_id}/deliveries",
            h.record_delivery,
            "Record that the notice was posted in one of its groups",
        ),
    ],
    state=StateReads(h.NOTICE, Answer, summary="A safety notice and its deliveries"),
)
