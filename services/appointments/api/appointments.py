"""Dual appointments (双向兼职) and their certificates (任命证书)."""

from __future__ import annotations

from govgrid.service import Command, StateReads, command_router, record_id, state_response
from services.appointments.application import commands as c
from services.appointments.application import handlers as h
from services.appointments.domain.appointments import Appointment

Answer = state_response(Appointment)
ID = {"appointment_id": record_id()}

router = command_router(
    "/appointments",
    ["appointments"],
    ID,
    [
        Command(
            "",
            c.NominateAppointment,
            h.nominate,
            "Nominate an officer or a village cadre for a dual appointment",
            Answer,
            201,
        ),
        Command(
            "/{appointment_id}/approve",
            c.ApproveAppointment,
            h.approve,
            "Approve a nominated appointment",
            Answer,
        ),
        Command(
            "/{appointment_id}/certificate",
            c.IssueCertificate,
            h.issue_certificate,
            "Issue the appointment certificate (numbered per year)",
            Answer,
        ),
        Command(
            "/{appointment_id}/end",
            c.EndAppointment,
            h.end_appointment,
            "End an appointment (term ended, transferred, revoked)",
            Answer,
        ),
    ],
    state=StateReads(h.APPOINTMENT, Answer),
)
