-- Read model "outreach": school household-registration drives, enterprise visits and their follow-up
-- actions, enterprise cases and job referrals, with the organisation registry for station names.
-- No personal data: a job referral's person reference is not kept, nor free texts.

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql

-- Where a school lies: a drive's targets are placed in their school's township and village.
CREATE TABLE rm_schools (
    school_code   text PRIMARY KEY,
    township_code text,
    village_code  text NOT NULL
);

CREATE TABLE rm_drives (
    drive_id     text PRIMARY KEY,
    station_code text NOT NULL,
    period_start date NOT NULL,
    period_end   date NOT NULL,  -- inclusive
    closed_on    date
);

CREATE TABLE rm_drive_targets (
    drive_id    text NOT NULL,
    school_code text NOT NULL,
    added_on    date NOT NULL,   -- China day it was recorded: a target counts from then
    PRIMARY KEY (drive_id, school_code)
);

-- One school day of a drive, with its latest figures (a correction replaces them), placed where the
-- write side filed it: the school's township and village, the drive's station.
CREATE TABLE rm_school_visits (
    drive_id           text NOT NULL,
    school_code        text NOT NULL,
    visited_on         date NOT NULL,
    students_processed integer NOT NULL,
    id_cards           integer NOT NULL,
    household_changes  integer NOT NULL,
    township_code      text,
    station_code       text,
    village_code       text,
    PRIMARY KEY (drive_id, school_code, visited_on)
);
CREATE INDEX rm_school_visits_day ON rm_school_visits (visited_on, station_code);

-- Visits, cases and referrals stay where their first event was filed: the enterprise's village, its
-- township and the station covering it that day.
CREATE TABLE rm_enterprise_visits (
    visit_id        text PRIMARY KEY,
    enterprise_code text NOT NULL,
    kind            text NOT NULL,
    visited_on      date NOT NULL,
    township_code   text,
    station_code    text,
    village_code    text
);
CREATE INDEX rm_enterprise_visits_day ON rm_enterprise_visits (visited_on, station_code);

CREATE TABLE rm_follow_up_actions (
    visit_id     text NOT NULL,
    action_no    integer NOT NULL,
    planned_on   date NOT NULL,  -- China day the plan was recorded
    due_on       date NOT NULL,
    completed_on date,
    PRIMARY KEY (visit_id, action_no)
);

CREATE TABLE rm_enterprise_cases (
    case_id         text PRIMARY KEY,
    enterprise_code text NOT NULL,
    category        text NOT NULL,
    opened_on       date NOT NULL,
    handled_on      date,
    outcome         text,
    township_code   text,
    station_code    text,
    village_code    text
);
CREATE INDEX rm_enterprise_cases_days ON rm_enterprise_cases (opened_on, handled_on);

CREATE TABLE rm_job_referrals (
    referral_id     text PRIMARY KEY,
    enterprise_code text NOT NULL,
    referred_on     date NOT NULL,
    outcome         text,          -- hired | not_hired, once decided
    decided_on      date,
    township_code   text,
    station_code    text,
    village_code    text
);
CREATE INDEX rm_job_referrals_days ON rm_job_referrals (referred_on, decided_on);
