"""The mediation service's entrypoint: ``python -m services.mediation`` (or uvicorn
``services.mediation.main:app``)."""

from __future__ import annotations

from fastapi import FastAPI

from govgrid.service import service_app
from govgrid.web.app import serve
from services.mediation.api import clocks, disputes, villages
from services.mediation.bootstrap import start_service
from services.mediation.settings import MediationSettings


def create_app(settings: MediationSettings | None = None) -> FastAPI:
    return service_app(
        settings or MediationSettings(),
        start_service,
        title="govgrid mediation",
        description=(
            "Dispute mediation (矛盾纠纷调处) by officer/cadre pairs: registered -> mediators assigned -> "
            "sessions -> agreement, or failure -> escalation (township, court) -> closed; follow-up "
            "visits; an escalation ladder with overdue disputes. Leads referred by the tips service open "
            "disputes by themselves."
        ),
        routers=[disputes.router, clocks.router, villages.router],
    )


def run() -> None:
    serve(create_app, MediationSettings())
