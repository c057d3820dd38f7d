"""School household-registration drives (户籍窗口进校园): a police station moves its registration
window into schools for a period. Each visit records one school on one day and what was processed;
the drive's completion figure is the share of its target schools served at least once.

Launched -> (targets added, school days recorded or corrected)* -> closed; nothing changes after the
closure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date

from govgrid.catalogue import DomainEvent
from govgrid.catalogue.outreach import RegistrationDriveClosed
from govgrid.catalogue.outreach import RegistrationDriveLaunched
from govgrid.catalogue.outreach import RegistrationDriveTargetsAdded
from govgrid.catalogue.outreach import SchoolVisitCorrected
from govgrid.catalogue.outreach import SchoolVisitRecorded
from govgrid.envelope import StreamNaming
from govgrid.rules import NotBefore
from govgrid.rules import NotInTheFuture
from govgrid.rules import broken_if
from govgrid.rules import check
from govgrid.telling import CannotApply
from govgrid.telling import told_by
from services.outreach.domain.schools import School
from services.outreach.domain.schools import SchoolMustExist

stream_id = StreamNaming("drive")


@dataclass(frozen=True)
class SchoolVisit:
    """A day of the window at a school and what it processed."""

    # What a visit's command says, what its events carry (with the drive's id) and what the drive keeps.

    school_code: str
    visited_on: date
    students_processed: int
    id_cards: int
    household_changes: int


@dataclass(frozen=True)
class Launch:
    """What a drive's launch says."""

    drive_id: str
    station_code: str
    title: str
    period_start: date
    period_end: date
    target_school_codes: tuple[str, ...]
    launched_on: date


@dataclass(frozen=True)
class Drive(Launch):
    """A drive: its launch (with the target schools added since), and its visits and closure."""

    visits: tuple[SchoolVisit, ...] = ()
    closed_on: date | None = None
    # Figures derived from the above (kept in the state so that reads show them).
    target_schools_served: tuple[str, ...] = field(init=False)
    completion: float = field(init=False)  # target schools served / target schools, 0..1
    students_processed: int = field(init=False)
    id_cards: int = field(init=False)
    household_changes: int = field(init=False)

    def __post_init__(self) -> None:
        served = tuple(sorted({v.school_code for v in self.visits} & set(self.target_school_codes)))
        derived = {
            "target_schools_served": served,
            "completion": round(len(served) / len(self.target_school_codes), 4),
            "students_processed": sum(v.students_processed for v in self.visits),
            "id_cards": sum(v.id_cards for v in self.visits),
            "household_changes": sum(v.household_changes for v in self.visits),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def last_visit_day(self) -> date | None:
        return max((v.visited_on for v in self.visits), default=None)

    def visit(self, school_code: str, visited_on: date) -> SchoolVisit | None:
        return next(
            (v for v in self.visits if (v.school_code, v.visited_on) == (school_code, visited_on)), None
        )


def evolve(state: Drive | None, event: DomainEvent) -> Drive:
    match event:
        case RegistrationDriveLaunched() if state is None:
            return Drive(**dict(event))
        case RegistrationDriveTargetsAdded() if state is not None:
            return replace(state, target_school_codes=(*state.target_school_codes, *event.school_codes))
        case SchoolVisitRecorded() if state is not None:
            return replace(state, visits=(*state.visits, told_by(SchoolVisit, event)))
        case SchoolVisitCorrected() if state is not None:
            corrected = told_by(SchoolVisit, event)
            return replace(
                state,
                visits=tuple(
                    corrected if (v.school_code, v.visited_on) == (event.school_code, event.visited_on) else v
                    for v in state.visits
                ),
            )
        case RegistrationDriveClosed() if state is not None:
            return replace(state, closed_on=event.closed_on)
    raise CannotApply(event, state)


# ---------------------------------------------------------------- rules


@broken_if(
    "school_outside_station_area",
    "school {school.school_code} lies in {school.village_code}, which station {station_code} does "
    "not cover on {on}",
)
def SchoolMustBeInStationArea(
    school: School, station_code: str, covered_villages: frozenset[str], on: date
) -> bool:
    """The station moves its window only into schools of villages it covers when the drive starts."""
    return school.village_code not in covered_villages


@broken_if("drive_closed", "registration drive {drive.drive_id} was closed on {drive.closed_on}")
def NothingChangesAfterClosure(drive: Drive) -> bool:
    return not drive.is_open


@broken_if(
    "school_not_targeted", "school {school_code} is not a target of drive {drive.drive_id}: add it first"
)
def SchoolMustBeTargeted(drive: Drive, school_code: str) -> bool:
    return school_code not in drive.target_school_codes


@broken_if(
    "visit_outside_drive_period",
    "{visited_on} is outside the drive's period {drive.period_start} - {drive.period_end}",
)
def VisitWithinPeriod(drive: Drive, visited_on: date) -> bool:
    return not drive.period_start <= visited_on <= drive.period_end


@broken_if("school_visit_already_recorded", "the visit of {school_code} on {visited_on} is already recorded")
def OneVisitPerSchoolAndDay(drive: Drive, school_code: str, visited_on: date) -> bool:
    """A school's figures of one day are one record: a second one would count them twice."""
    return drive.visit(school_code, visited_on) is not None


@broken_if(
    "school_visit_not_recorded",
    "no visit of {school_code} on {visited_on} is recorded in drive {drive.drive_id}",
)
def VisitMustBeRecorded(drive: Drive, school_code: str, visited_on: date) -> bool:
    """Only a recorded school day can be corrected."""
    return drive.visit(school_code, visited_on) is None


@broken_if(
    "documents_exceed_students",
    "{id_cards} ID cards and {household_changes} household changes for {students_processed} students "
    "processed",
)
def DocumentsMustNotExceedStudents(students_processed: int, id_cards: int, household_changes: int) -> bool:
    """Each ID card and each household-registration change is processed for one student."""
    return max(id_cards, household_changes) > students_processed


# ---------------------------------------------------------------- decisions


def _check_targets(
    school_codes: tuple[str, ...],
    schools: Mapping[str, School | None],
    *,
    station_code: str,
    covered_villages: frozenset[str],
    on: date,
) -> None:
    for code in school_codes:
        school = schools.get(code)
        check(SchoolMustExist(school, code))
        assert school is not None
        check(SchoolMustBeInStationArea(school, station_code, covered_villages, on))


def launch(
    command: Launch, *, schools: Mapping[str, School | None], covered_villages: frozenset[str], today: date
) -> list[DomainEvent]:
    """``schools``: the target schools by code (None: not registered); ``covered_villages``: the
    villages and communities the station covers on the first day of the period. The launch may be
    decided before the period or after it began (recorded late): only not in the future."""
    check(
        NotBefore("the period's end", command.period_end, command.period_start, "its start"),
        NotInTheFuture("the launch", command.launched_on, today),
    )
    _check_targets(
        command.target_school_codes,
        schools,
        station_code=command.station_code,
        covered_villages=covered_villages,
        on=command.period_start,
    )
    return [RegistrationDriveLaunched(**asdict(command))]


def add_targets(
    drive: Drive,
    school_codes: tuple[str, ...],
    *,
    schools: Mapping[str, School | None],
    covered_villages: frozenset[str],
    added_on: date,
    today: date,
) -> list[DomainEvent]:
    """Schools already targeted are left as they are; no event when none is new. They count as
    targets from ``added_on``, on or after the launch."""
    check(
        NothingChangesAfterClosure(drive),
        NotInTheFuture("the targets' addition", added_on, today),
        NotBefore("the targets' addition", added_on, drive.launched_on, "the drive's launch"),
    )
    _check_targets(
        school_codes,
        schools,
        station_code=drive.station_code,
        covered_villages=covered_villages,
        on=drive.period_start,
    )
    new = tuple(code for code in dict.fromkeys(school_codes) if code not in drive.target_school_codes)
    if not new:
        return []
    return [RegistrationDriveTargetsAdded(drive_id=drive.drive_id, school_codes=new, added_on=added_on)]


def record_visit(drive: Drive, visit: SchoolVisit, *, today: date) -> list[DomainEvent]:
    check(
        NothingChangesAfterClosure(drive),
        SchoolMustBeTargeted(drive, visit.school_code),
        VisitWithinPeriod(drive, visit.visited_on),
        NotInTheFuture("the visit", visit.visited_on, today),
        OneVisitPerSchoolAndDay(drive, visit.school_code, visit.visited_on),
        DocumentsMustNotExceedStudents(visit.students_processed, visit.id_cards, visit.household_changes),
    )
    return [SchoolVisitRecorded(drive_id=drive.drive_id, **asdict(visit))]


def correct_visit(drive: Drive, visit: SchoolVisit) -> list[DomainEvent]:
    """The day's complete figures replace the recorded ones; no event when they are the same."""
    check(
        NothingChangesAfterClosure(drive),
        VisitMustBeRecorded(drive, visit.school_code, visit.visited_on),
        DocumentsMustNotExceedStudents(visit.students_processed, visit.id_cards, visit.household_changes),
    )
    if drive.visit(visit.school_code, visit.visited_on) == visit:
        return []
    return [SchoolVisitCorrected(drive_id=drive.drive_id, **asdict(visit))]


def close(drive: Drive, *, closed_on: date, today: date) -> list[DomainEvent]:
    last_visit = drive.last_visit_day
    check(
        NothingChangesAfterClosure(drive),
        NotBefore("the closure", closed_on, drive.period_start, "the drive's start"),
        NotInTheFuture("the closure", closed_on, today),
    )
    if last_visit is not None:
        check(NotBefore("the closure", closed_on, last_visit, "the last visit"))
    return [
        RegistrationDriveClosed(
            drive_id=drive.drive_id,
            closed_on=closed_on,
            target_schools=len(drive.target_school_codes),
            target_schools_served=len(drive.target_schools_served),
        )
    ]
