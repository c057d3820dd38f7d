"""Read-side helpers: apply an event once in effect; feed a table from a topic."""

from govgrid.projection.apply_once import MIGRATIONS
from govgrid.projection.apply_once import Applier
from govgrid.projection.apply_once import ApplyOnce
from govgrid.projection.feed import RetryLater
from govgrid.projection.feed import TopicFeed

__all__ = ["MIGRATIONS", "Applier", "ApplyOnce", "RetryLater", "TopicFeed"]
