"""The service kit: what every write service is made of, written once.

- ``pipeline``: the one command pipeline (role -> target -> jurisdiction -> decide -> append -> answer);
- ``routes``: command and read endpoints declared as data, with their full OpenAPI document;
- ``base``: the service object (pool, command runner, background feeds), its lifespan and app;
- ``entrypoint``: its ``main`` (app, foreground run) and its command line of imports;
- ``lookups``: a service's own tables beside its events, where a unique key keeps a rule.
See docs/writing-a-service.md.
"""

from govgrid.service.base import CurrentService
from govgrid.service.base import ServiceBase
from govgrid.service.base import open_pool
from govgrid.service.base import running
from govgrid.service.base import service_app
from govgrid.service.entrypoint import Entrypoint
from govgrid.service.pipeline import Aggregate
from govgrid.service.pipeline import EventsOnly
from govgrid.service.pipeline import Recorded
from govgrid.service.pipeline import Target
from govgrid.service.pipeline import refused
from govgrid.service.routes import Command
from govgrid.service.routes import Import
from govgrid.service.routes import StateReads
from govgrid.service.routes import command_router
from govgrid.service.routes import record_id
from govgrid.service.routes import registry_code
from govgrid.service.routes import state_response

__all__ = [
    "Aggregate",
    "Command",
    "CurrentService",
    "Entrypoint",
    "EventsOnly",
    "Import",
    "Recorded",
    "ServiceBase",
    "StateReads",
    "Target",
    "command_router",
    "open_pool",
    "record_id",
    "refused",
    "registry_code",
    "running",
    "service_app",
    "state_response",
]
