"""The one envelope every event travels in, on the event store, the outbox and Kafka."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from uuid import UUID
from uuid import uuid4

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

if TYPE_CHECKING:
    from govgrid.catalogue import DomainEvent


class Jurisdiction(BaseModel):
    """Where an event happened in the grid: the org unit codes it falls under.

    Access control compares these codes with the caller's token (govgrid.auth).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    township: str | None = Field(default=None, description="Township or subdistrict-office code.")
    station: str | None = Field(default=None, description="Police-station code.")
    village: str | None = Field(default=None, description="Village or community code.")

    def codes(self) -> frozenset[str]:
        return frozenset(code for code in (self.township, self.station, self.village) if code)


class EventEnvelope(BaseModel):
    """An immutable, stored event. ``payload`` is the catalogue model dumped to JSON types."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID
    event_type: str = Field(min_length=1)
    schema_version: int = Field(ge=1)
    stream_id: str = Field(min_length=1)
    stream_version: int = Field(ge=1, description="1 for the first event of a stream, then +1 each.")
    occurred_at: AwareDatetime = Field(description="When it happened in the world.")
    recorded_at: AwareDatetime = Field(description="When the system stored it.")
    actor: str = Field(min_length=1, description="Who caused it: token subject or service name.")
    correlation_id: UUID = Field(description="Shared by everything one request set off.")
    causation_id: UUID | None = Field(default=None, description="The event or command that caused it.")
    jurisdiction: Jurisdiction
    payload: dict[str, Any]

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_json_bytes(cls, raw: bytes | str) -> EventEnvelope:
        return cls.model_validate_json(raw)


@dataclass(frozen=True)
class StreamNaming:
    """How a kind of record names its stream: the kind, a hyphen, the record's id (``patrol-P1``). The
    names are stored in every event and read models match on them: a kind's prefix never changes."""

    kind: str

    def __call__(self, record_id: str) -> str:
        return f"{self.kind}-{record_id}"


# How every envelope written by ``to_json_bytes`` begins (pydantic writes the fields in their order).
_HEAD = re.compile(rb'\{"event_id":"([0-9a-f-]{36})","event_type":"([A-Za-z0-9_]+)"')


def event_type_of(raw: bytes) -> str | None:
    """The event type of an envelope as ``to_json_bytes`` wrote it, read without decoding it (a
    rebuild reads every record of its topics and wants only some types); None when the record does
    not begin that way: decode it to know."""
    head = _HEAD.match(raw)
    return head.group(2).decode() if head else None


def event_id_of(raw: bytes) -> UUID | None:
    """The event id of an envelope as ``to_json_bytes`` wrote it, read without decoding it (a worker
    reading a partition's last records back to know their ids); None as for ``event_type_of``."""
    head = _HEAD.match(raw)
    return UUID(head.group(1).decode()) if head else None


@dataclass(frozen=True)
class EventDraft:
    """An event decided by the domain but not yet stored: the store gives it a version and a time."""

    payload: DomainEvent
    occurred_at: datetime
    jurisdiction: Jurisdiction
    actor: str
    correlation_id: UUID
    causation_id: UUID | None = None
    event_id: UUID = field(default_factory=uuid4)

    def seal(self, stream_id: str, stream_version: int, recorded_at: datetime) -> EventEnvelope:
        return EventEnvelope(
            event_id=self.event_id,
            event_type=self.payload.event_type,
            schema_version=self.payload.schema_version,
            stream_id=stream_id,
            stream_version=stream_version,
            occurred_at=self.occurred_at,
            recorded_at=recorded_at,
            actor=self.actor,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            jurisdiction=self.jurisdiction,
            payload=self.payload.model_dump(mode="json"),
        )
