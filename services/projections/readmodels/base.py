"""What a read model is to the projection worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from govgrid.envelope import EventEnvelope

# (connection in the apply transaction, the envelope, its payload decoded and upcast to the latest model)
EventApplier = Callable[[asyncpg.Connection, EventEnvelope, Any], Awaitable[None]]


@dataclass(frozen=True)
class ReadModel:
    name: str  # lower-case letters and _: it names the schemas of its generations
    services: frozenset[str]  # whose topics it reads
    appliers: Mapping[str, EventApplier]  # by event type; other events are not its business

    @property
    def sql(self) -> Path:
        """Its tables: readmodels/sql/<name>/NNNN_<name>_*.sql, applied to each new generation."""
        return Path(__file__).parent / "sql" / self.name
