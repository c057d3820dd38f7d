-- Read model "coverage": the grid and its dual appointments, for coverage questions as of any date.
CREATE TABLE rm_org_units (
    code          text PRIMARY KEY,
    kind          text NOT NULL,
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    parent_code   text
);

CREATE TABLE rm_village_coverage (
    village_code    text NOT NULL,
    station_code    text NOT NULL,
    effective_from  date NOT NULL,
    effective_until date,
    PRIMARY KEY (village_code, station_code, effective_from)
);

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
