"""Dispute mediation events (矛盾纠纷调处), emitted by the mediation service on govgrid.mediation.events.

Parties appear only under pseudonyms (e.g. "party-A"): events are kept forever.
"""

from __future__ import annotations

from enum import StrEnum

SERVICE = "mediation"


class DisputeCategory(StrEnum):
    NEIGHBOUR = "neighbour"
    LAND_OR_HOUSE = "land_or_house"
    FAMILY = "family"
    DEBT = "debt"
    LABOUR = "labour"
    OTHER = "other"
