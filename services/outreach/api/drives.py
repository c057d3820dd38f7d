"""School household-registration drives (户籍窗口进校园)."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.outreach.api.reads import drive_visible
from services.outreach.application import handlers as h
from services.outreach.domain.drives import Drive

Answer = state_response(Drive)

router = command_router(
    "/registration-drives",
    ["registration drives"],
    {"drive_id": record_id()},
    [
        Command(
            "",
            h.launch_drive,
            "A station launches a drive: its window moves into target schools",
        ),
        Command(
            "/{drive_id}/targets",
            h.add_drive_targets,
            "Add target schools to an open drive",
        ),
        Command(
            "/{drive_id}/visits",
            h.record_school_visit,
            "Record a day of the window at a school and what it processed",
        ),
        Command(
            "/{drive_id}/visits/correct",
            h.correct_school_visit,
            "Replace a recorded school day's figures with the corrected ones",
        ),
        Command(
            "/{drive_id}/close",
            h.close_drive,
            "Close a drive (nothing changes afterwards)",
        ),
    ],
    state=StateReads(
        h.DRIVE, Answer, visible=drive_visible, summary="A drive with its visits and its completion figure"
    ),
)
