"""Leads (线索) from residents with informant protection: received -> triaged -> assigned -> verified or
dismissed -> outcome recorded -> closed. The informant's contact is sealed (AES-GCM, a key per lead),
revealed only to the handler or a city admin, every reveal and refusal recorded, and destroyed after a
retention period. Safety notices (安全提示) to the villages' contact groups."""

from __future__ import annotations

from govgrid.service import Entrypoint
from services.tips.api import clocks
from services.tips.api import contact_groups
from services.tips.api import leads
from services.tips.api import notices
from services.tips.bootstrap import start_service
from services.tips.settings import TipsSettings

# python -m services.tips, or uvicorn --factory services.tips.main:create_app
SERVICE = Entrypoint(
    TipsSettings, start_service, __doc__, [leads.router, clocks.router, contact_groups.router, notices.router]
)
create_app = SERVICE.create_app
run = SERVICE.run
