"""FastAPI dependencies of this service (Annotated aliases, as in full-stack-fastapi-template)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.appointments.bootstrap import AppointmentsService


def get_service(request: Request) -> AppointmentsService:
    service: AppointmentsService = request.app.state.service
    return service


Service = Annotated[AppointmentsService, Depends(get_service)]
