"""Read-side helper: apply an event to a read model exactly once in effect."""

from govgrid.projection.apply_once import MIGRATIONS, ApplyOnce, Applier

__all__ = ["MIGRATIONS", "ApplyOnce", "Applier"]
