"""The event catalogue: every event type and version, its payload model, and its upcasters."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import TypeVar

from pydantic import BaseModel
from pydantic import ConfigDict

from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.china_time import china_day
from govgrid.envelope import EventEnvelope


class DomainEvent(BaseModel):
    """Base of every event payload: frozen, strict about unknown fields, named in the past tense."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int]


def event_types(*models: type[DomainEvent]) -> frozenset[str]:
    """The event types of ``models``: what a reader that applies only these events filters its topics
    on, before decoding anything."""
    return frozenset(model.event_type for model in models)


E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
# An upcaster that also reads the stored envelope: a field a new version adds may be known only from
# it (a business date an old command did not take was the day the event was recorded).
EnvelopeUpcaster = Callable[[dict[str, Any], EventEnvelope], dict[str, Any]]


def dated_when_recorded(field: str, *, moment: bool = False) -> EnvelopeUpcaster:
    """The upcaster of a version that adds the business date ``field`` (a day, or a ``moment``) to an
    event whose command took none: the act is taken to have happened when it was recorded, the only
    date anyone has for it (its China day, or the moment in China time)."""

    def upcast(payload: dict[str, Any], envelope: EventEnvelope) -> dict[str, Any]:
        at = envelope.recorded_at
        value = at.astimezone(CHINA_STANDARD_TIME) if moment else china_day(at)
        return {**payload, field: value.isoformat()}

    return upcast


# The service of an event type that every write service emits on its own topic (the event log's own).
EVERY_SERVICE = "every-service"


class UnknownEventType(LookupError):
    pass


@dataclass(frozen=True)
class CatalogueEntry:
    service: str
    event_type: str
    schema_version: int
    model: type[DomainEvent]


class Catalogue:
    """Registry of payload models by (event_type, schema_version).

    Stored events are never rewritten: reading an old version runs its upcasters one version at a
    time (v1 -> v2 -> ... -> latest) on the raw payload, then validates it with the latest model.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], CatalogueEntry] = {}
        self._upcasters: dict[tuple[str, int], EnvelopeUpcaster] = {}
        self._latest: dict[str, int] = {}  # by event type: asked for every event a projection decodes

    def event(
        self,
        service: str,
        event_type: str | None = None,
        version: int = 1,
        *,
        upcast: EnvelopeUpcaster | None = None,
    ) -> Callable[[E], E]:
        """Register ``model`` as an event of ``service``, version ``version``. Its event type is the
        model's name; only an old version's model names the event it is a version of
        (``@catalogue.event(SERVICE, "LeadAssigned", 1)`` on ``class LeadAssignedV1``). ``upcast``: how
        a payload of the version before is read as this one (else register it with ``upcaster``). A new
        version is usually the old model plus its new field: ``class LeadAssigned(LeadAssignedV1)``
        with ``assigned_at``."""

        def register(model: E) -> E:
            name = event_type or model.__name__
            key = (name, version)
            if key in self._entries:
                raise ValueError(f"{name} v{version} is already in the catalogue")
            if model.__name__ != name and "title" not in model.model_config:
                # An old version's model (LeadAssignedV1) publishes its schema under the event's name.
                model.model_config = {**model.model_config, "title": name}
                model.model_rebuild(force=True)
            model.event_type = name
            model.schema_version = version
            self._entries[key] = CatalogueEntry(service, name, version, model)
            self._latest[name] = max(version, self._latest.get(name, 0))
            if upcast is not None:
                self._upcasters[(name, version - 1)] = upcast
            return model

        return register

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register the function that turns a ``from_version`` payload into ``from_version + 1``."""

        def register(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = lambda payload, _envelope: fn(payload)
            return fn

        return register

    def upcaster_from_envelope(
        self, event_type: str, from_version: int
    ) -> Callable[[EnvelopeUpcaster], EnvelopeUpcaster]:
        """As ``upcaster``, for a function that also reads the stored envelope (its ``recorded_at``...)."""

        def register(fn: EnvelopeUpcaster) -> EnvelopeUpcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return register

    def latest_version(self, event_type: str) -> int:
        try:
            return self._latest[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def model(self, event_type: str, version: int) -> type[DomainEvent]:
        try:
            return self._entries[(event_type, version)].model
        except KeyError:
            raise UnknownEventType(f"{event_type} v{version}") from None

    def upcast(self, envelope: EventEnvelope) -> tuple[int, dict[str, Any]]:
        """The envelope's payload brought up to the latest version of its event type."""
        event_type, version, payload = envelope.event_type, envelope.schema_version, envelope.payload
        latest = self.latest_version(event_type)
        while version < latest:
            try:
                step = self._upcasters[(event_type, version)]
            except KeyError:
                raise UnknownEventType(f"no upcaster for {event_type} v{version}") from None
            payload = step(dict(payload), envelope)
            version += 1
        return version, payload

    def decode(self, envelope: EventEnvelope) -> DomainEvent:
        """The envelope's payload as the latest model of its event type."""
        version, payload = self.upcast(envelope)
        return self.model(envelope.event_type, version).model_validate(payload)

    def decode_if(self, envelope: EventEnvelope, event_types: frozenset[str]) -> DomainEvent | None:
        """The envelope's payload if its event type is one of ``event_types``, else None. The type is
        compared before decoding: a topic also carries events a reader's catalogue may not know."""
        return self.decode(envelope) if envelope.event_type in event_types else None

    def entries(self) -> Iterator[CatalogueEntry]:
        yield from sorted(self._entries.values(), key=lambda e: (e.service, e.event_type, e.schema_version))

    def check_complete(self) -> None:
        """Every old version needs an upcaster to the next one, or its events could not be read."""
        for entry in self.entries():
            latest = self.latest_version(entry.event_type)
            if (
                entry.schema_version < latest
                and (entry.event_type, entry.schema_version) not in self._upcasters
            ):
                raise ValueError(f"{entry.event_type} v{entry.schema_version} has no upcaster")
