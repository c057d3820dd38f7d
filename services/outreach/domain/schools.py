"""Schools: registered organisations of this service, each in a village or community, served by
household-registration drives (入校办证)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.envelope import StreamNaming
from govgrid.rules import KeyMustBeFree
from govgrid.rules import MustBeRegistered
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import registered_once

stream_id = StreamNaming("school")


@dataclass(frozen=True)
class School:
    """A registered school: its name and village or community."""

    school_code: str
    name_zh: str
    village_code: str


evolve = registered_once(School, SchoolRegistered)


class SchoolCodeMustBeFree(KeyMustBeFree):
    code = "school_already_registered"
    record = "school"


@broken_if(
    SchoolCodeMustBeFree.code,
    "school {school.school_code} is registered as {school.name_zh} in {school.village_code}, unlike this row",
)
def RowMustBeTheRegisteredSchool(school: School, row: Mapping[str, object]) -> bool:
    """A file's row of a school already registered says what is registered: an import registers
    the new schools and leaves the others as they are, it does not edit them."""
    return asdict(school) != row


class SchoolMustExist(MustBeRegistered):
    code = "unknown_school"
    record = "school"


def register(
    existing: School | None, *, school_code: str, name_zh: str, village_code: str
) -> list[DomainEvent]:
    """``village_code`` names a village or community of the registry (checked by the caller)."""
    check(SchoolCodeMustBeFree(existing, school_code))
    return [SchoolRegistered(school_code=school_code, name_zh=name_zh, village_code=village_code)]
