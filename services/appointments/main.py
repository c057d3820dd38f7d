"""Organisation registry (grid hierarchy, station coverage), police officers and village cadres, and dual
appointments (双向兼职): nominated -> approved -> certificate issued -> ended."""

from __future__ import annotations

from govgrid.service import Entrypoint
from services.appointments.api import appointments
from services.appointments.api import org_units
from services.appointments.api import people
from services.appointments.bootstrap import start_service
from services.appointments.settings import AppointmentsSettings

# python -m services.appointments, or uvicorn --factory services.appointments.main:create_app
SERVICE = Entrypoint(
    AppointmentsSettings, start_service, __doc__, [org_units.router, people.router, appointments.router]
)
create_app = SERVICE.create_app
run = SERVICE.run
