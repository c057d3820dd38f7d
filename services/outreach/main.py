"""Services to residents and enterprises: school household-registration drives (274 schools, 85,000+
students), enterprise visits (百警进百企) with follow-up actions, enterprise-related cases until handled, and
job referrals of people in difficulty."""

from __future__ import annotations

from govgrid.service import Entrypoint
from services.outreach.api import cases
from services.outreach.api import drives
from services.outreach.api import enterprise_visits
from services.outreach.api import enterprises
from services.outreach.api import referrals
from services.outreach.api import schools
from services.outreach.bootstrap import start_service
from services.outreach.settings import OutreachSettings

# python -m services.outreach, or uvicorn --factory services.outreach.main:create_app
SERVICE = Entrypoint(
    OutreachSettings,
    start_service,
    __doc__,
    [
        schools.router,
        enterprises.router,
        drives.router,
        enterprise_visits.router,
        cases.router,
        referrals.router,
    ],
)
create_app = SERVICE.create_app
run = SERVICE.run
