"""The read models: each one a name, the events it listens to, and how it applies each of them."""

from services.projections.readmodels.activity import ACTIVITY
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.clocks import CLOCKS
from services.projections.readmodels.coverage import COVERAGE
from services.projections.readmodels.disputes import DISPUTES
from services.projections.readmodels.leads import LEADS
from services.projections.readmodels.outreach import OUTREACH
from services.projections.readmodels.patrols import PATROLS
from services.projections.readmodels.police_activity import POLICE_ACTIVITY

READ_MODELS: tuple[ReadModel, ...] = (
    COVERAGE,
    PATROLS,
    POLICE_ACTIVITY,
    OUTREACH,
    DISPUTES,
    LEADS,
    ACTIVITY,
    CLOCKS,
)

__all__ = ["READ_MODELS", "ReadModel"]
