"""Patrol teams, patrols, clearance operations (清查行动) and daily police activity (接处警, cases),
emitted by the patrols service on govgrid.patrols.events."""

from __future__ import annotations

SERVICE = "patrols"
