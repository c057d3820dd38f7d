-- Read model "police_activity": each station's daily calls for service and cases (接处警, 刑事案件,
-- 治安案件), with the organisation registry to answer per township (stations covering its villages).

-- The registry, filled by the coverage model's appliers (readmodels/coverage.py): same shape as there.
\ir ../organisation_tables.sql
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
