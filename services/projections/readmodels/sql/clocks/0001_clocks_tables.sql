-- Read model "clocks": every change of every deadline clock of leads and disputes, as it happened, so
-- that any day's figures (overdue, due within 24 hours, paused, carried over, time per stage) are a
-- question about the changes up to that day. No free text: a pause's reason is its code, an
-- extension's its approving role, a carry-over's its months (the words stay in the services' events).

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql

CREATE TABLE rm_clock_changes (
    event_id          uuid PRIMARY KEY,
    stream_id         text NOT NULL,          -- the clock stream: leadclock-<id>, disputeclock-<id>
    stream_version    integer NOT NULL,
    record_kind       text NOT NULL,          -- lead, dispute
    record_id         text NOT NULL,
    stage             text NOT NULL,
    change            text NOT NULL,          -- started, paused, resumed, extended, carried_over, stopped
    at                timestamptz NOT NULL,   -- when it happened in the world
    due_on            date NOT NULL,          -- the last day allowed after it
    -- The record's jurisdiction at the change (a dispute follows its village's station).
    township_code     text,
    station_code      text,
    village_code      text,
    owner_role        text,                   -- started
    working_days      integer,                -- started, extended
    pause_reason      text,                   -- paused
    approved_by_role  text,                   -- extended
    from_period       text,                   -- carried_over
    to_period         text,
    running_seconds   bigint                  -- stopped: time on the clock, pauses left out
);
CREATE INDEX rm_clock_changes_clock ON rm_clock_changes (stream_id, stage, at DESC, stream_version DESC);
CREATE INDEX rm_clock_changes_at ON rm_clock_changes (at);
