"""Dispute mediation (矛盾纠纷调处) by officer/cadre pairs: registered -> mediators assigned -> sessions ->
agreement, or failure -> escalation (township, court) -> closed; follow-up visits; an escalation ladder
with overdue disputes. Leads referred by the tips service open disputes by themselves."""

from __future__ import annotations

from govgrid.service import Entrypoint
from services.mediation.api import clocks
from services.mediation.api import disputes
from services.mediation.api import villages
from services.mediation.bootstrap import start_service
from services.mediation.settings import MediationSettings

# python -m services.mediation, or uvicorn --factory services.mediation.main:create_app
SERVICE = Entrypoint(
    MediationSettings, start_service, __doc__, [disputes.router, clocks.router, villages.router]
)
create_app = SERVICE.create_app
run = SERVICE.run
