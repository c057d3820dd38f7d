-- Read model "coverage": the grid and its dual appointments, for coverage questions as of any date.
\ir ../organisation_tables.sql

-- No person names: the dashboard shows counts and codes, never people.
CREATE TABLE rm_appointments (
    appointment_id text PRIMARY KEY,
    kind           text NOT NULL,
    person_id      text NOT NULL,
    station_code   text NOT NULL,
    village_code   text NOT NULL,
    township_code  text,
    term_start     date NOT NULL,
    term_end       date NOT NULL,
    nominated_at   timestamptz NOT NULL,
    approved_on    date,
    certified_on   date,
    ended_on       date
);
CREATE INDEX rm_appointments_village ON rm_appointments (village_code, kind);
CREATE INDEX rm_appointments_station ON rm_appointments (station_code, kind);
