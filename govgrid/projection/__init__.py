"""Read-side helpers: apply an event once in effect; feed a table from a topic."""

from govgrid.projection.apply_once import MIGRATIONS, Applier, ApplyOnce
from govgrid.projection.feed import RetryLater, TopicFeed

__all__ = ["MIGRATIONS", "Applier", "ApplyOnce", "RetryLater", "TopicFeed"]
