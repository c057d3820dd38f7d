"""Dual appointments (双向兼职) and their certificates (任命证书)."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.appointments.application import handlers as h
from services.appointments.domain.appointments import Appointment

Answer = state_response(Appointment)

router = command_router(
    "/appointments",
    ["appointments"],
    {"appointment_id": record_id()},
    [
        Command(
            "",
            h.nominate,
            "Nominate an officer or a village cadre for a dual appointment",
        ),
        Command(
            "/{appointment_id}/approve",
            h.approve,
            "Approve a nominated appointment",
        ),
        Command(
            "/{appointment_id}/certificate",
            h.issue_certificate,
            "Issue the appointment certificate (numbered per year)",
        ),
        Command(
            "/{appointment_id}/end",
            h.end_appointment,
            "End an appointment (term ended, transferred, revoked)",
        ),
    ],
    state=StateReads(h.APPOINTMENT, Answer),
)
