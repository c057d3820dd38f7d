"""The read models: each one a name, the events it listens to, and how it applies each of them."""

from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.coverage import COVERAGE

READ_MODELS: tuple[ReadModel, ...] = (COVERAGE,)

__all__ = ["READ_MODELS", "ReadModel"]
