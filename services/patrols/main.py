"""Patrol teams of officers and party-member volunteers, patrols (scheduled -> started -> checkpoints and
observations -> completed or aborted), clearance operations (清查行动) and the daily police activity of each
station (接处警, criminal and public-security cases)."""

from __future__ import annotations

from govgrid.service import Entrypoint
from services.patrols.api import clearance
from services.patrols.api import patrols
from services.patrols.api import police_activity
from services.patrols.api import teams
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings

# python -m services.patrols, or uvicorn --factory services.patrols.main:create_app
SERVICE = Entrypoint(
    PatrolsSettings,
    start_service,
    __doc__,
    [teams.router, patrols.router, clearance.router, police_activity.router],
)
create_app = SERVICE.create_app
run = SERVICE.run
