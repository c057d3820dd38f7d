-- Tables the tips service keeps beside its event store. Everything here except lead_keys and
-- sealed_contacts (the sealed store) holds no informant data at all.

-- One row per lead, written in the same transaction as the lead's events: the listing of leads and
-- of overdue leads, scoped by jurisdiction. due_at is the deadline the lead waits on (triage, then a
-- decision), NULL once verified or dismissed.
CREATE TABLE lead_index (
    lead_id      text PRIMARY KEY,
    version      integer     NOT NULL,
    status       text        NOT NULL,
    channel      text        NOT NULL,
    category     text        NOT NULL,
    priority     text,
    village_code text        NOT NULL,
    grid_code    text,
    station_code text        NOT NULL,
    township     text,
    station      text,
    village      text,
    handler      text,
    received_at  timestamptz NOT NULL,
    due_at       timestamptz,
    closed_on    date
);
CREATE INDEX lead_index_pending ON lead_index (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX lead_index_by_station ON lead_index (station, received_at DESC);
CREATE INDEX lead_index_by_village ON lead_index (village, received_at DESC);
CREATE INDEX lead_index_by_township ON lead_index (township, received_at DESC);

-- Contact groups by village, written with their registration: the groups a notice goes to.
CREATE TABLE contact_groups (
    group_id     text PRIMARY KEY,
    village_code text NOT NULL,
    kind         text NOT NULL
);
CREATE INDEX contact_groups_by_village ON contact_groups (village_code);

-- The sealed store (services.tips.application.sealing). A lead's data key, wrapped by the master
-- key; deleting the row destroys the contact (crypto-shredding), and its ciphertext goes with it.
CREATE TABLE lead_keys (
    lead_id       text PRIMARY KEY,
    master_key_id text        NOT NULL,
    key_nonce     bytea       NOT NULL,
    wrapped_key   bytea       NOT NULL,
    destroy_on    date, -- set when the lead closes: the end of the retention
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_keys_to_destroy ON lead_keys (destroy_on) WHERE destroy_on IS NOT NULL;

CREATE TABLE sealed_contacts (
    ref        text PRIMARY KEY, -- the opaque informant_ref of the lead's events
    lead_id    text  NOT NULL UNIQUE REFERENCES lead_keys (lead_id) ON DELETE CASCADE,
    nonce      bytea NOT NULL,
    ciphertext bytea NOT NULL
);
