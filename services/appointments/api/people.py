"""Police officers and village cadres."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import Import
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.appointments.application import handlers as h
from services.appointments.application import imports
from services.appointments.domain.people import Person

Answer = state_response(Person)

router = command_router(
    "/people",
    ["people"],
    {"person_id": record_id()},
    [
        Command(
            "/officers",
            h.register_officer,
            "Register a police officer",
        ),
        Command(
            "/cadres",
            h.register_cadre,
            "Register a village cadre",
        ),
        Import(
            "/import",
            imports.PersonRow,
            imports.import_people,
            "Import police officers and village cadres from CSV or JSON (all rows or none)",
        ),
        Command(
            "/{person_id}/transfer",
            h.transfer_officer,
            "Transfer a police officer to another station",
        ),
        Command(
            "/{person_id}/leave",
            h.record_leaving,
            "Record that a person left service (ends their appointments)",
        ),
    ],
    state=StateReads(h.PERSON, Answer),
)
