-- A service's local copy of the organisation registry, fed from govgrid.appointments.events
-- (govgrid.reference.OrgReferenceFeed). No foreign keys: events of different streams arrive in
-- any order, so a village may be known before its township or its station.
CREATE TABLE ref_org_units (
    code        text PRIMARY KEY,
    kind        text NOT NULL,
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    parent_code text -- NULL only for the city
);

-- Which police station covers which village or community, and when (both dates inclusive).
CREATE TABLE ref_village_coverage (
    village_code    text NOT NULL,
    station_code    text NOT NULL,
    effective_from  date NOT NULL,
    effective_until date, -- NULL while the coverage lasts
    PRIMARY KEY (village_code, station_code, effective_from)
);
CREATE INDEX ref_village_coverage_by_station ON ref_village_coverage (station_code, effective_from);
