"""Reference data every service keeps locally, fed from the appointments service's topic
(event-carried state transfer): organisation units and station coverage, officers and cadres. No
service calls another to check a code or a person.

See ``govgrid.reference.org`` and ``govgrid.reference.people`` for how a service wires them in.
"""

from pathlib import Path

from govgrid.reference.feed import ReferenceFeed
from govgrid.reference.feed import ReferenceTable
from govgrid.reference.org import ORG_EVENT_TYPES
from govgrid.reference.org import ORG_TABLES
from govgrid.reference.org import TOWNSHIP_KINDS
from govgrid.reference.org import VILLAGE_KINDS
from govgrid.reference.org import OrgReference
from govgrid.reference.org import OrgUnitRef
from govgrid.reference.org import apply_org_event
from govgrid.reference.org import apply_org_events
from govgrid.reference.people import PEOPLE_EVENT_TYPES
from govgrid.reference.people import PEOPLE_TABLE
from govgrid.reference.people import PeopleReference
from govgrid.reference.people import PersonRef
from govgrid.reference.people import apply_person_event

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
