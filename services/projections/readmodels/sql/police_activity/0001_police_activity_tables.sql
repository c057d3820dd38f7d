-- Read model "police_activity": each station's daily calls for service and cases (接处警, 刑事案件,
-- 治安案件), with the organisation registry to answer per township (stations covering its villages).

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
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
CREATE INDEX rm_village_coverage_station ON rm_village_coverage (station_code);

-- The latest figures of each station-day (recorded, or as corrected).
CREATE TABLE rm_police_activity (
    station_code          text    NOT NULL,
    day                   date    NOT NULL,
    calls_for_service     integer NOT NULL,
    criminal_cases        integer NOT NULL,
    public_security_cases integer NOT NULL,
    PRIMARY KEY (station_code, day)
);
CREATE INDEX rm_police_activity_day ON rm_police_activity (day);
