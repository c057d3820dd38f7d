"""A police officer as a rule about today sees them (pure: no I/O).

A patrol team's members and a lead's handler are checked against the officer's station now and whether
they still serve, not against their past; ``govgrid.reference.PeopleReference.current_officer`` reads
it from the appointments registry's reference table.
"""

from __future__ import annotations

from dataclasses import dataclass

from govgrid.rules import MustBeRegistered


@dataclass(frozen=True)
class Officer:
    person_id: str
    station_code: str  # where they serve now
    active: bool  # False once they left the service

    def serves_at(self, station_code: str) -> bool:
        """Still serving, and at ``station_code``: who may act for a station now."""
        return self.active and self.station_code == station_code


class OfficerMustBeKnown(MustBeRegistered):
    """A police officer a command names (a lead's handler, a visiting officer) is in the registry."""

    code = "unknown_officer"
    record = "police officer"
