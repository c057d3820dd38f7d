-- Read model "patrols": patrols, who took part, checkpoints and clearance operations, with the
-- organisation registry needed for "share of grids visited" and for scoping by township.

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql

CREATE TABLE rm_patrols (
    patrol_id        text PRIMARY KEY,
    team_id          text NOT NULL,
    station_code     text NOT NULL,
    planned_start    timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    aborted_at       timestamptz,
    -- The China day it took place: of its start, or of its planned start while it has not started.
    day              date NOT NULL,
    duration_minutes integer,
    distance_km      numeric(8, 3),
    -- Every jurisdiction code its events were filed under (station, and the township and village of
    -- each checkpoint): the write side shows a patrol to whoever may see any of its events.
    codes            text[] NOT NULL
);
CREATE INDEX rm_patrols_day ON rm_patrols (day, station_code);
CREATE INDEX rm_patrols_codes ON rm_patrols USING gin (codes);

-- As they were on the team the day the patrol started. No names: an officer's person id or a
-- volunteer's station-chosen pseudonym.
CREATE TABLE rm_patrol_participants (
    patrol_id    text NOT NULL,
    member_id    text NOT NULL,
    kind         text NOT NULL,   -- officer | volunteer
    affiliation  text,            -- volunteers only
    party_member boolean,         -- volunteers only
    PRIMARY KEY (patrol_id, member_id)
);

CREATE TABLE rm_patrol_checkpoints (
    event_id   uuid PRIMARY KEY,  -- a grid may be visited twice by one patrol
    patrol_id  text NOT NULL,
    grid_code  text NOT NULL,
    visited_at timestamptz NOT NULL,
    day        date NOT NULL      -- China day of the visit
);
CREATE INDEX rm_patrol_checkpoints_day ON rm_patrol_checkpoints (day, grid_code);

CREATE TABLE rm_clearance_operations (
    operation_id        text PRIMARY KEY,
    station_code        text NOT NULL,
    focus               text NOT NULL,
    area_codes          text[] NOT NULL,
    status              text NOT NULL,  -- planned | carried_out | closed | cancelled
    planned_on          date NOT NULL,
    carried_out_on      date,
    closed_on           date,
    cancelled_on        date,
    places_checked      integer,
    people_checked      integer,
    officers_deployed   integer,
    volunteers_deployed integer,
    -- The jurisdiction of its plan: the station, plus the township and village when the whole area
    -- lies in one of them (every later event of the operation keeps it).
    codes               text[] NOT NULL
);
CREATE INDEX rm_clearance_operations_days ON rm_clearance_operations (planned_on, carried_out_on);
CREATE INDEX rm_clearance_operations_codes ON rm_clearance_operations USING gin (codes);
