"""Services to residents and enterprises over a range of China days: school household-registration
drives, enterprise visits and their follow-up actions, enterprise cases and job referrals.

What counts where:
- Every figure is placed where the write side filed it and stays there: a school day under the school's
  township and village and the drive's station; a drive's target school the same way; an enterprise
  visit (with its follow-up actions), a case or a referral under the enterprise's village, its
  township and the station covering it on the day of its first event.
- Schools targeted: distinct schools that were targets, by ``to``, of a drive active in the range (its
  period, cut at its closure, meets the range); a launch's targets count from the period's start even
  when the drive was recorded later. Served: those of them with a school day in the range.
- Students, ID cards, household changes: of the school days in the range, as last corrected.
- Enterprise visits by the day of the visit; follow-up actions planned on the day the plan was recorded,
  completed on their completion day, overdue when due before ``to`` and not completed by its end (the
  write side's rule: overdue once the due day is past).
- Cases opened / handled by those days; the median handling days (handled - opened) is of the cases
  handled in the range.
- Referrals made by their day, hired / not hired by the day of the outcome, pending at the end of ``to``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from govgrid.catalogue.outreach import EnterpriseVisitKind
from services.projections.queries.figures import percent
from services.projections.queries.places import per_place
from services.projections.queries.scope import Scope
from services.projections.queries.scope import in_scope
from services.projections.queries.together import by_key
from services.projections.queries.together import fetch_together

# Parameters of every query: $1 first day, $2 last day, $3 the caller's codes (None: everything),
# $4 township, $5 station, $6 village asked for. Rows are placed by their three codes.
IN_SCOPE = in_scope(3)

# Each figure query groups by {key}: the station, or nothing (NULL) for the whole scope.
SCHOOL_FIGURES = f"""
WITH target AS (
    SELECT t.drive_id, t.school_code, d.station_code, s.township_code, s.village_code
      FROM rm_drive_targets t
      JOIN rm_drives d ON d.drive_id = t.drive_id
      LEFT JOIN rm_schools s ON s.school_code = t.school_code
     WHERE t.added_on <= $2 AND d.period_start <= $2 AND LEAST(d.period_end, d.closed_on) >= $1
)
SELECT {{key}} AS key,
       count(DISTINCT r.school_code) AS schools_targeted,
       count(DISTINCT r.school_code) FILTER (WHERE EXISTS (
           SELECT 1 FROM rm_school_visits v
            WHERE v.drive_id = r.drive_id AND v.school_code = r.school_code AND v.visited_on BETWEEN $1 AND $2
       )) AS schools_served
  FROM target r
 WHERE {IN_SCOPE}
 GROUP BY 1
"""

SCHOOL_DAY_FIGURES = f"""
SELECT {{key}} AS key,
       sum(r.students_processed) AS students_processed,
       sum(r.id_cards) AS id_cards,
       sum(r.household_changes) AS household_changes
  FROM rm_school_visits r
 WHERE r.visited_on BETWEEN $1 AND $2 AND {IN_SCOPE}
 GROUP BY 1
"""

FOLLOW_UP_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE a.planned_on BETWEEN $1 AND $2) AS follow_up_actions_planned,
       count(*) FILTER (WHERE a.completed_on BETWEEN $1 AND $2) AS follow_up_actions_completed,
       count(*) FILTER (WHERE a.planned_on <= $2 AND a.due_on < $2
                          AND (a.completed_on IS NULL OR a.completed_on > $2)) AS follow_up_actions_overdue
  FROM rm_follow_up_actions a JOIN rm_enterprise_visits r ON r.visit_id = a.visit_id
 WHERE {IN_SCOPE}
 GROUP BY 1
"""

CASE_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE r.opened_on BETWEEN $1 AND $2) AS enterprise_cases_opened,
       count(*) FILTER (WHERE r.handled_on BETWEEN $1 AND $2) AS enterprise_cases_handled,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.handled_on - r.opened_on)
           FILTER (WHERE r.handled_on BETWEEN $1 AND $2) AS median_handling_days
  FROM rm_enterprise_cases r
 WHERE (r.opened_on BETWEEN $1 AND $2 OR r.handled_on BETWEEN $1 AND $2) AND {IN_SCOPE}
 GROUP BY 1
"""

REFERRAL_FIGURES = f"""
SELECT {{key}} AS key,
       count(*) FILTER (WHERE r.referred_on BETWEEN $1 AND $2) AS job_referrals_made,
       count(*) FILTER (WHERE r.outcome = 'hired' AND r.decided_on BETWEEN $1 AND $2) AS job_referrals_hired,
       count(*) FILTER (WHERE r.outcome = 'not_hired' AND r.decided_on BETWEEN $1 AND $2)
           AS job_referrals_not_hired,
       count(*) FILTER (WHERE r.decided_on IS NULL OR r.decided_on > $2) AS job_referrals_pending
  FROM rm_job_referrals r
 WHERE r.referred_on <= $2 AND {IN_SCOPE}
 GROUP BY 1
"""

VISITS_BY_KIND = f"""
SELECT {{key}} AS key, r.kind, count(*) AS visits
  FROM rm_enterprise_visits r
 WHERE r.visited_on BETWEEN $1 AND $2 AND {IN_SCOPE}
 GROUP BY 1, 2
"""

FIGURES = (SCHOOL_FIGURES, SCHOOL_DAY_FIGURES, FOLLOW_UP_FIGURES, CASE_FIGURES, REFERRAL_FIGURES)
WHOLE_SCOPE, BY_STATION = "NULL::text", "r.station_code"

ZEROS = {
    "schools_targeted": 0,
    "schools_served": 0,
    "students_processed": 0,
    "id_cards": 0,
    "household_changes": 0,
    "follow_up_actions_planned": 0,
    "follow_up_actions_completed": 0,
    "follow_up_actions_overdue": 0,
    "enterprise_cases_opened": 0,
    "enterprise_cases_handled": 0,
    "median_handling_days": None,
    "job_referrals_made": 0,
    "job_referrals_hired": 0,
    "job_referrals_not_hired": 0,
    "job_referrals_pending": 0,
}


async def _figures(
    pool: asyncpg.Pool, scope: Scope, first: date, last: date, key: str
) -> dict[str | None, dict[str, Any]]:
    """Every figure by ``key``; zeros where a query found nothing."""
    args = (first, last, *scope.params)
    *figure_rows, visit_rows = await fetch_together(
        pool, [(q.format(key=key), args) for q in (*FIGURES, VISITS_BY_KIND)]
    )
    found = by_key(figure_rows)
    visits: dict[str | None, dict[str, int]] = {}
    for row in visit_rows:
        visits.setdefault(row["key"], {})[row["kind"]] = row["visits"]
    return {k: _complete(found.get(k, {}), visits.get(k, {})) for k in found.keys() | visits.keys()}


def _complete(found: dict[str, Any], visits: dict[str, int]) -> dict[str, Any]:
    figures = {**ZEROS, **found}
    by_kind = {kind.value: visits.get(kind.value, 0) for kind in EnterpriseVisitKind}
    return {
        **figures,
        "completion_percent": percent(figures["schools_served"], figures["schools_targeted"]),
        "enterprise_visits": sum(by_kind.values()),
        "enterprise_visits_by_kind": by_kind,
    }


async def summary(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> dict[str, Any]:
    figures = (await _figures(pool, scope, first, last, WHOLE_SCOPE)).get(None) or _complete({}, {})
    return {"from": first.isoformat(), "to": last.isoformat(), **figures}


async def by_station(pool: asyncpg.Pool, scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """The summary's figures per station, for charts (what no station covered is left out)."""
    return await per_place(pool, "station_code", await _figures(pool, scope, first, last, BY_STATION))
