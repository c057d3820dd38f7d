-- Read model "leads": leads by channel, category, decision and outcome, with the organisation registry
-- for names. Informant protection: no informant reference, no anonymity flag, no description, no case
-- number, no handler: nothing that could point at who gave a lead.

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql

CREATE TABLE rm_leads (
    lead_id         text PRIMARY KEY,
    channel         text NOT NULL,
    category        text NOT NULL,
    -- The jurisdiction of its receipt: every later event of the lead keeps it.
    township_code   text,
    station_code    text NOT NULL,
    village_code    text NOT NULL,
    received_at     timestamptz NOT NULL,
    received_on     date NOT NULL,         -- China day
    triage_due_at   timestamptz NOT NULL,
    triaged_at      timestamptz,           -- the latest triage, with its deadline for a decision
    due_at          timestamptz,
    verified_on     date,
    dismissed_on    date,
    dismissal_reason text,
    closed_on       date
);
CREATE INDEX rm_leads_received ON rm_leads (received_on, station_code);

CREATE TABLE rm_lead_outcomes (
    event_id   uuid PRIMARY KEY,  -- a lead may have several outcomes, even two arrests
    lead_id    text NOT NULL,
    outcome    text NOT NULL,
    outcome_on date NOT NULL
);
CREATE INDEX rm_lead_outcomes_day ON rm_lead_outcomes (outcome_on);
