"""govgrid.clocks: a stage's deadline clock paused and resumed, extended once by a role above, carried
over in the month it is due; every refusal with its code (given clock events, when a decision, then
events or the rule broken). The lead's event types stand for any service's."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from govgrid import clocks
from govgrid.auth.principal import Role
from govgrid.catalogue.clocks import ClockChanged
from govgrid.catalogue.clocks import LeadClockCarriedOver
from govgrid.catalogue.clocks import LeadClockExtended
from govgrid.catalogue.clocks import LeadClockPaused
from govgrid.catalogue.clocks import LeadClockResumed
from govgrid.catalogue.clocks import LeadClockStarted
from govgrid.catalogue.clocks import LeadClockStopped
from govgrid.catalogue.clocks import PauseReason
from govgrid.china_time import CHINA_STANDARD_TIME
from govgrid.clocks import NO_CLOCKS
from govgrid.clocks import Clocks
from govgrid.clocks import ClockState
from govgrid.testing.scenario import then_events
from govgrid.testing.scenario import then_rule_broken
from govgrid.working_days import WorkingDays

CALENDAR = WorkingDays.load()
EVENTS = clocks.ClockEventTypes(
    started=LeadClockStarted,
    paused=LeadClockPaused,
    resumed=LeadClockResumed,
    extended=LeadClockExtended,
    carried_over=LeadClockCarriedOver,
    stopped=LeadClockStopped,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_STANDARD_TIME)


NOW = at("2025-12-31T12:00")
# Received Friday 27 June 2025 at 21:00 with 3 working days: Monday 30 June, 1 and 2 July.
STARTED = LeadClockStarted(
    stage="decision",
    at=at("2025-06-27T21:00"),
    due_on=date(2025, 7, 2),
    owner_role=Role.STATION_OFFICER,
    working_days=3,
)


def given(*events: ClockChanged) -> Clocks:
    state = NO_CLOCKS
    for event in events:
        state = state.evolve(event)
    return state


def test_start_counts_working_days_after_the_day_it_starts() -> None:
    started = clocks.start(EVENTS, "decision", Role.STATION_OFFICER, at("2025-06-27T21:00"), 3, CALENDAR)
    assert started == STARTED


def test_a_pause_needs_a_running_clock_a_reason_and_a_deadline_not_passed() -> None:
    def pause(
        state: Clocks, when: str, reason: PauseReason = PauseReason.WAITING_FOR_PARTY, note: str = ""
    ) -> object:
        return clocks.pause(EVENTS, state, "decision", at=at(when), reason=reason, note=note, now=NOW)

    then_events(
        clocks.pause(
            EVENTS,
            given(STARTED),
            "decision",
            at=at("2025-06-30T09:00"),
            reason=PauseReason.HOLIDAY,
            note="",
            now=NOW,
        ),
        [
            LeadClockPaused(
                stage="decision",
                at=at("2025-06-30T09:00"),
                due_on=date(2025, 7, 2),
                reason=PauseReason.HOLIDAY,
            )
        ],
    )
    then_rule_broken(
        "reason_required", lambda: pause(given(STARTED), "2025-06-30T09:00", PauseReason.OTHER, "  ")
    )
    then_rule_broken("clock_overdue", lambda: pause(given(STARTED), "2025-07-03T00:00"))
    then_rule_broken("dates_incoherent", lambda: pause(given(STARTED), "2025-06-27T20:59"))
    then_rule_broken("date_in_future", lambda: pause(given(STARTED), "2026-01-01T00:00"))
    then_rule_broken("clock_not_started", lambda: pause(NO_CLOCKS, "2025-06-30T09:00"))
    paused = LeadClockPaused(
        stage="decision", at=at("2025-06-30T09:00"), due_on=date(2025, 7, 2), reason=PauseReason.HOLIDAY
    )
    then_rule_broken("clock_not_running", lambda: pause(given(STARTED, paused), "2025-06-30T10:00"))


def test_resuming_adds_the_working_days_paused() -> None:
    # Paused Friday 30 May 2025, resumed Wednesday 4 June: 30 May and 3 June were working days (the
    # Dragon Boat Festival took Monday 2 June), so the deadline moves two working days.
    started = STARTED.model_copy(update={"at": at("2025-05-29T10:00"), "due_on": date(2025, 6, 3)})
    paused = LeadClockPaused(
        stage="decision",
        at=at("2025-05-30T10:00"),
        due_on=date(2025, 6, 3),
        reason=PauseReason.WAITING_FOR_PARTY,
    )
    then_events(
        clocks.resume(
            EVENTS, given(started, paused), "decision", at=at("2025-06-04T10:00"), now=NOW, calendar=CALENDAR
        ),
        [
            LeadClockResumed(
                stage="decision", at=at("2025-06-04T10:00"), due_on=date(2025, 6, 5), paused_working_days=2
            )
        ],
    )
    then_rule_broken(
        "clock_not_paused",
        lambda: clocks.resume(
            EVENTS, given(started), "decision", at=at("2025-06-04T10:00"), now=NOW, calendar=CALENDAR
        ),
    )


def test_extended_once_only_by_a_role_above_the_owner_with_a_reason() -> None:
    def extend(state: Clocks, role: Role, reason: str = "the witness is abroad") -> list[ClockChanged]:
        return clocks.extend(
            EVENTS,
            state,
            "decision",
            at=at("2025-07-01T09:00"),
            working_days=5,
            role=role,
            reason=reason,
            now=NOW,
            calendar=CALENDAR,
        )

    extended = LeadClockExtended(
        stage="decision",
        at=at("2025-07-01T09:00"),
        due_on=date(2025, 7, 9),
        working_days=5,
        approved_by_role=Role.TOWNSHIP_OFFICER,
        reason="the witness is abroad",
    )
    then_events(extend(given(STARTED), Role.TOWNSHIP_OFFICER), [extended])
    then_rule_broken("extension_needs_higher_role", lambda: extend(given(STARTED), Role.STATION_OFFICER))
    then_rule_broken("extension_needs_higher_role", lambda: extend(given(STARTED), Role.VILLAGE_CADRE))
    then_rule_broken("clock_already_extended", lambda: extend(given(STARTED, extended), Role.CITY_ADMIN))
    then_rule_broken("reason_required", lambda: extend(given(STARTED), Role.CITY_ADMIN, " "))
    stopped = LeadClockStopped(
        stage="decision", at=at("2025-06-30T09:00"), due_on=date(2025, 7, 2), running_seconds=1
    )
    then_rule_broken("clock_stopped", lambda: extend(given(STARTED, stopped), Role.CITY_ADMIN))


def test_carried_over_in_the_month_it_is_due_into_the_end_of_the_next() -> None:
    def carry(state: Clocks, when: str, reason: str = "the parties are away for the harvest") -> object:
        return clocks.carry_over(EVENTS, state, "decision", at=at(when), reason=reason, now=NOW)

    due_in_june = STARTED.model_copy(update={"at": at("2025-06-20T09:00"), "due_on": date(2025, 6, 25)})
    then_events(
        clocks.carry_over(
            EVENTS, given(due_in_june), "decision", at=at("2025-06-30T17:00"), reason="parties away", now=NOW
        ),
        [
            LeadClockCarriedOver(
                stage="decision",
                at=at("2025-06-30T17:00"),
                due_on=date(2025, 7, 31),
                from_period="2025-06",
                to_period="2025-07",
                reason="parties away",
            )
        ],
    )
    then_rule_broken("not_due_in_period", lambda: carry(given(STARTED), "2025-06-30T17:00"))  # due in July
    then_rule_broken(
        "not_due_in_period", lambda: carry(given(due_in_june), "2025-07-01T09:00")
    )  # June is closed
    then_rule_broken("reason_required", lambda: carry(given(due_in_june), "2025-06-30T17:00", ""))
    assert clocks.last_day_of_next_month(date(2025, 12, 31)) == date(2026, 1, 31)
    assert clocks.last_day_of_next_month(date(2026, 1, 31)) == date(2026, 2, 28)


def test_time_on_the_clock_leaves_pauses_out() -> None:
    paused = LeadClockPaused(
        stage="decision", at=at("2025-06-28T09:00"), due_on=date(2025, 7, 2), reason=PauseReason.HOLIDAY
    )
    resumed = LeadClockResumed(
        stage="decision", at=at("2025-06-29T09:00"), due_on=date(2025, 7, 2), paused_working_days=0
    )
    state = given(STARTED, paused, resumed)
    stopped = clocks.stop(EVENTS, state.by_stage[0], at("2025-06-30T21:00"))
    assert stopped.running_seconds == int((timedelta(days=3) - timedelta(days=1)).total_seconds())
    after = state.evolve(stopped)
    assert after.by_stage[0].state is ClockState.STOPPED
    assert after.running() == ()


def test_a_pause_of_years_is_resumed_within_the_days_a_moment_may_have() -> None:
    # A lead received in 2001 and paused then, resumed in 2025: some 6,000 working days, beyond the
    # ten years' worth the event once allowed (its validation failed: a 500 for a valid command).
    started = STARTED.model_copy(update={"at": at("2001-01-02T10:00"), "due_on": date(2001, 1, 5)})
    paused = LeadClockPaused(
        stage="decision", at=at("2001-01-03T10:00"), due_on=date(2001, 1, 5), reason=PauseReason.HOLIDAY
    )
    [resumed] = clocks.resume(
        EVENTS, given(started, paused), "decision", at=at("2025-12-30T10:00"), now=NOW, calendar=CALENDAR
    )
    assert isinstance(resumed, LeadClockResumed)
    assert resumed.paused_working_days == CALENDAR.between(date(2001, 1, 3), date(2025, 12, 30))
    assert resumed.due_on == CALENDAR.after(date(2001, 1, 5), resumed.paused_working_days)


def test_a_service_s_clock_event_types_are_its_catalogue_entries_one_of_each_kind() -> None:
    assert clocks.ClockEventTypes.of("tips") == EVENTS
    assert clocks.ClockEventTypes.of("mediation").paused.event_type == "DisputeClockPaused"
    with pytest.raises(LookupError, match="patrols registers 0 ClockStarted event types, not 1"):
        clocks.ClockEventTypes.of("patrols")  # a service without clocks
