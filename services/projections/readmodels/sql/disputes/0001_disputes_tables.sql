-- Read model "disputes": each dispute's dates and levels, with the organisation registry for names.
-- No party, pseudonym, official or free text reaches it.

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql

CREATE TABLE rm_disputes (
    dispute_id         text PRIMARY KEY,
    category           text NOT NULL,
    source             text NOT NULL,
    -- The jurisdiction of its latest event, as the write side shows a dispute (the station follows
    -- the village's coverage with the next act).
    township_code      text,
    station_code       text,
    village_code       text NOT NULL,
    level              text NOT NULL,  -- village | township | court
    registered_on      date NOT NULL,
    running_since      date,           -- when it began, when the registration said
    mediators_on       date,           -- first assignment of a pair
    agreement_on       date,
    court_on           date,           -- escalated to the court: out of mediation's hands
    closed_on          date,
    close_outcome      text            -- resolved | referred_to_court | withdrawn
);
CREATE INDEX rm_disputes_registered ON rm_disputes (registered_on);

-- Failures and escalations, several per dispute: each counts on its own day.
CREATE TABLE rm_dispute_steps (
    event_id   uuid PRIMARY KEY,
    dispute_id text NOT NULL,
    step       text NOT NULL,  -- failed | escalated
    level      text NOT NULL,  -- the level it failed at / was escalated to
    day        date NOT NULL
);
CREATE INDEX rm_dispute_steps_day ON rm_dispute_steps (day);
