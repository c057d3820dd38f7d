"""Rules about when things happen, shared by the aggregates of this service."""

from __future__ import annotations

from datetime import timedelta

# A client's clock may run a little ahead of ours: a moment this far ahead is still "now".
CLOCK_SKEW = timedelta(minutes=5)
