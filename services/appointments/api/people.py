"""Police officers and village cadres."""

from __future__ import annotations

from govgrid.service import Command, Import, StateReads, command_router, record_id, state_response
from services.appointments.application import commands as c
from services.appointments.application import handlers as h
from services.appointments.application import imports
from services.appointments.domain.people import Person

Answer = state_response(Person)
ID = {"person_id": record_id()}

router = command_router(
    "/people",
    ["people"],
    ID,
    [
        Command(
            "/officers", c.RegisterPoliceOfficer, h.register_officer, "Register a police officer", Answer, 201
        ),
        Command("/cadres", c.RegisterVillageCadre, h.register_cadre, "Register a village cadre", Answer, 201),
        Import(
            "/import",
            imports.PersonRow,
            imports.import_people,
            "Import police officers and village cadres from CSV or JSON (all rows or none)",
        ),
        Command(
            "/{person_id}/transfer",
            c.TransferPoliceOfficer,
            h.transfer_officer,
            "Transfer a police officer to another station",
            Answer,
        ),
        Command(
            "/{person_id}/leave",
            c.RecordLeavingService,
            h.record_leaving,
            "Record that a person left service (ends their appointments)",
            Answer,
        ),
    ],
    state=StateReads(h.PERSON, Answer),
)
