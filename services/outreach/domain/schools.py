"""Schools: registered organisations of this service, each in a village or community, served by
household-registration drives (入校办证)."""

from __future__ import annotations

from dataclasses import dataclass

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import SchoolRegistered
from govgrid.rules import BusinessRule, check


def stream_id(school_code: str) -> str:
    return f"school-{school_code}"


@dataclass(frozen=True)
class School:
    school_code: str
    name_zh: str
    village_code: str


def evolve(state: School | None, event: DomainEvent) -> School:
    match event:
        case SchoolRegistered() if state is None:
            return School(event.school_code, event.name_zh, event.village_code)
    raise ValueError(f"{type(event).__name__} cannot apply to {state!r}")


@dataclass(frozen=True)
class SchoolCodeMustBeFree(BusinessRule):
    code = "school_already_registered"
    existing: School | None
    school_code: str

    def is_broken(self) -> bool:
        return self.existing is not None

    def message(self) -> str:
        return f"school {self.school_code} is already registered"


@dataclass(frozen=True)
class SchoolMustExist(BusinessRule):
    """A school named in a command is registered: nothing is recorded about a school before that."""

    code = "unknown_school"
    school: School | None
    school_code: str

    def is_broken(self) -> bool:
        return self.school is None

    def message(self) -> str:
        return f"school {self.school_code} is not registered"


def register(
    existing: School | None, *, school_code: str, name_zh: str, village_code: str
) -> list[DomainEvent]:
    """``village_code`` names a village or community of the registry (checked by the caller)."""
    check(SchoolCodeMustBeFree(existing, school_code))
    return [SchoolRegistered(school_code=school_code, name_zh=name_zh, village_code=village_code)]
