"""Who is calling, and the access rules that decide what they may see and change.

Every jurisdiction and role check in the system goes through the methods here, so the rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from govgrid.envelope import Jurisdiction
from govgrid.errors import Forbidden


class Role(StrEnum):
    """The roles, highest on the ladder first."""

    CITY_ADMIN = "city_admin"
    TOWNSHIP_OFFICER = "township_officer"
    STATION_OFFICER = "station_officer"
    VILLAGE_CADRE = "village_cadre"
    VIEWER = "viewer"

    def outranks(self, other: Role) -> bool:
        """Higher on the ladder: what "approved by a role above" (a deadline's extension) asks."""
        ladder = list(Role)
        return ladder.index(self) < ladder.index(other)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: ``jurisdiction`` holds the org unit codes they are responsible for."""

    subject: str
    role: Role
    jurisdiction: frozenset[str]

    def can_see(self, j: Jurisdiction) -> bool:
        if self.role is Role.CITY_ADMIN:
            return True
        # A resource with no codes intersects nothing, so only the city admin sees it.
        return not self.jurisdiction.isdisjoint(j.codes())

    @property
    def can_write(self) -> bool:
        return self.role is not Role.VIEWER

    def can_change(self, j: Jurisdiction) -> bool:
        return self.can_write and self.can_see(j)

    def ensure_can_see(self, j: Jurisdiction) -> None:
        if not self.can_see(j):
            # The resource's codes are not echoed: they would tell an outsider where a record lives.
            raise Forbidden(f"{self.subject!r} ({self.role}) has no jurisdiction over this resource")

    def ensure_can_change(self, j: Jurisdiction) -> None:
        if not self.can_write:
            raise Forbidden(f"{self.subject!r} ({self.role}) has read-only access")
        self.ensure_can_see(j)
