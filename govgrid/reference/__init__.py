"""Organisation reference data every service keeps locally, fed from the appointments service's
topic (event-carried state transfer), so no service calls another to check an org code.

See ``govgrid.reference.org`` for how a service wires it into its bootstrap.
"""

from pathlib import Path

from govgrid.reference.org import (
    ORG_EVENT_TYPES,
    OrgReference,
    OrgReferenceFeed,
    OrgUnitRef,
    apply_org_event,
)

MIGRATIONS = Path(__file__).parent / "migrations"

__all__ = [
    "MIGRATIONS",
    "ORG_EVENT_TYPES",
    "OrgReference",
    "OrgReferenceFeed",
    "OrgUnitRef",
    "apply_org_event",
]
