"""The patrols service's entrypoint: ``python -m services.patrols`` (or uvicorn
``services.patrols.main:app``)."""

from __future__ import annotations

from fastapi import FastAPI

from govgrid.service import service_app
from govgrid.web.app import serve
from services.patrols.api import clearance, patrols, police_activity, teams
from services.patrols.bootstrap import start_service
from services.patrols.settings import PatrolsSettings


def create_app(settings: PatrolsSettings | None = None) -> FastAPI:
    return service_app(
        settings or PatrolsSettings(),
        start_service,
        title="govgrid patrols",
        description=(
            "Patrol teams of officers and party-member volunteers, patrols (scheduled -> started -> "
            "checkpoints and observations -> completed or aborted), clearance operations (清查行动) and "
            "the daily police activity of each station (接处警, criminal and public-security cases)."
        ),
        routers=[teams.router, patrols.router, clearance.router, police_activity.router],
    )


def run() -> None:
    serve(create_app, PatrolsSettings())
