"""Reference data every service keeps locally, fed from the appointments service's topic
(event-carried state transfer): organisation units and station coverage, officers and cadres. No
service calls another to check a code or a person.

See ``govgrid.reference.org`` and ``govgrid.reference.people`` for how a service wires them in.
"""

from pathlib import Path

from govgrid.reference.feed import ReferenceFeed, ReferenceTable
from govgrid.reference.org import (
    ORG_EVENT_TYPES,
    ORG_TABLES,
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    OrgReference,
    OrgUnitRef,
    apply_org_event,
    apply_org_events,
)
from govgrid.reference.people import (
    PEOPLE_EVENT_TYPES,
    PEOPLE_TABLE,
    PeopleReference,
    PersonRef,
    apply_person_event,
)

MIGRATIONS = Path(__file__).parent / "migrations"

__all__ = [
    "MIGRATIONS",
    "ORG_EVENT_TYPES",
    "ORG_TABLES",
    "PEOPLE_EVENT_TYPES",
    "PEOPLE_TABLE",
    "TOWNSHIP_KINDS",
    "VILLAGE_KINDS",
    "OrgReference",
    "OrgUnitRef",
    "PeopleReference",
    "PersonRef",
    "ReferenceFeed",
    "ReferenceTable",
    "apply_org_event",
    "apply_org_events",
    "apply_person_event",
]
