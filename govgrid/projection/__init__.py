"""Read-side helper: apply an event to a read model exactly once in effect."""

from govgrid.projection.apply_once import MIGRATIONS, Applier, ApplyOnce

__all__ = ["MIGRATIONS", "Applier", "ApplyOnce"]
