"""The escalation ladder: how long a dispute may stay at a level before it is due to go up.

For example three sessions or thirty days at village level, then thirty days at the township; the
court is the top and has no limit (the dispute has left mediation). A dispute whose mediation failed
is due for escalation at once. "Overdue" = its due date has come and it is still at that level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum

from govgrid.catalogue.mediation import MediationLevel
from services.mediation.domain.disputes import OPEN
from services.mediation.domain.disputes import Dispute
from services.mediation.domain.disputes import DisputeStatus


@dataclass(frozen=True)
class LevelLimit:
    """At most ``max_sessions`` sessions without agreement, at most ``max_days`` days (None: no limit)."""

    max_sessions: int | None = None
    max_days: int | None = None

    def __post_init__(self) -> None:
        for name, value in (("max_sessions", self.max_sessions), ("max_days", self.max_days)):
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")


class DueReason(StrEnum):
    SESSIONS = "sessions"  # the level's session limit was reached without agreement
    DAYS = "days"  # the level's time limit ran out
    MEDIATION_FAILED = "mediation_failed"


@dataclass(frozen=True)
class EscalationDue:
    due_on: date
    reason: DueReason


@dataclass(frozen=True)
class EscalationLadder:
    limits: Mapping[MediationLevel, LevelLimit]

    def __post_init__(self) -> None:
        if MediationLevel.COURT in self.limits:
            raise ValueError("the court is the top of the ladder: it takes no limit")

    def due(self, dispute: Dispute) -> EscalationDue | None:
        """When ``dispute`` is due to go up the ladder, and why; None while nothing is due."""
        if dispute.status is DisputeStatus.MEDIATION_FAILED:
            return EscalationDue(dispute.failures[-1].failed_on, DueReason.MEDIATION_FAILED)
        limit = self.limits.get(dispute.level)
        if dispute.status not in OPEN or limit is None:
            return None
        candidates: list[EscalationDue] = []
        sessions = dispute.sessions_at_level
        if limit.max_sessions is not None and len(sessions) >= limit.max_sessions:
            candidates.append(EscalationDue(sessions[limit.max_sessions - 1].held_on, DueReason.SESSIONS))
        if limit.max_days is not None:
            candidates.append(
                EscalationDue(dispute.level_started_on + timedelta(days=limit.max_days), DueReason.DAYS)
            )
        return min(candidates, key=lambda d: d.due_on, default=None)
