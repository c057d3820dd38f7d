"""One catalogue of every event of every service. Services import their payload models from here.

Add an event: define a frozen ``DomainEvent`` subclass with a past-tense name in the module of the
service that emits it, decorate it with ``@catalogue.event(service)`` (the class's name is the event
type; a later version: ``@catalogue.event(service, version=2, upcast=...)``), then regenerate the
checked-in schemas: ``python -m govgrid.catalogue.export``. A class renamed renames its event: the
schemas' check fails until the schemas are regenerated, so a rename is never silent.
"""

from govgrid.catalogue.registry import Catalogue
from govgrid.catalogue.registry import CatalogueEntry
from govgrid.catalogue.registry import DomainEvent
from govgrid.catalogue.registry import UnknownEventType
from govgrid.catalogue.registry import event_types

catalogue = Catalogue()

# Importing the modules registers their events in `catalogue`.
from govgrid.catalogue import appointments  # noqa: E402
from govgrid.catalogue import clocks  # noqa: E402
from govgrid.catalogue import eventlog  # noqa: E402
from govgrid.catalogue import mediation  # noqa: E402
from govgrid.catalogue import organisation  # noqa: E402
from govgrid.catalogue import outreach  # noqa: E402
from govgrid.catalogue import patrols  # noqa: E402
from govgrid.catalogue import tips  # noqa: E402

catalogue.check_complete()

__all__ = [
    "Catalogue",
    "CatalogueEntry",
    "DomainEvent",
    "UnknownEventType",
    "appointments",
    "catalogue",
    "clocks",
    "event_types",
    "eventlog",
    "mediation",
    "organisation",
    "outreach",
    "patrols",
    "tips",
]
