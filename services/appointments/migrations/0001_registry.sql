-- Lookups the appointments service keeps beside its event store, written in the same transaction
-- as the events: they guard rules that span aggregates, under concurrency.
CREATE TABLE badge_numbers (
    badge_number text PRIMARY KEY,
    person_id    text NOT NULL UNIQUE
);

-- Nobody holds two active appointments of the same kind: the unique index settles races.
CREATE TABLE active_appointments (
    appointment_id text PRIMARY KEY,
    person_id      text NOT NULL,
    kind           text NOT NULL,
    CONSTRAINT one_active_appointment_per_kind UNIQUE (person_id, kind)
);

-- 任命证书 numbers are sequential per year.
CREATE TABLE certificate_sequences (
    year        integer PRIMARY KEY,
    last_number integer NOT NULL
);
