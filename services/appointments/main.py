"""The appointments service's entrypoint: ``python -m services.appointments`` (or uvicorn
``services.appointments.main:app``)."""

from __future__ import annotations

from fastapi import FastAPI

from govgrid.service import service_app
from govgrid.web.app import serve
from services.appointments.api import appointments, org_units, people
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings


def create_app(settings: AppointmentsSettings | None = None) -> FastAPI:
    return service_app(
        settings or AppointmentsSettings(),
        start_service,
        title="govgrid appointments",
        description=(
            "Organisation registry (grid hierarchy, station coverage), police officers and village cadres, "
            "and dual appointments (双向兼职): nominated -> approved -> certificate issued -> ended."
        ),
        routers=[org_units.router, people.router, appointments.router],
    )


def run() -> None:
    serve(create_app, AppointmentsSettings())
