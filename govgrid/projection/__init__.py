"""Read-side helpers: apply an event once in effect; feed a table from a topic."""

from govgrid.projection.apply_once import MIGRATIONS, Applier, ApplyOnce, record_applied_many
from govgrid.projection.feed import RetryLater, TopicFeed

__all__ = ["MIGRATIONS", "Applier", "ApplyOnce", "RetryLater", "TopicFeed", "record_applied_many"]
