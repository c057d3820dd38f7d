-- Police officers and village cadres as the appointments registry last said, fed from
-- govgrid.appointments.events (govgrid.reference.PeopleReferenceFeed). No names: a service checks
-- that a person exists, where they serve and whether they are still in service.
CREATE TABLE ref_people (
    person_id       text PRIMARY KEY,
    role            text NOT NULL CHECK (role IN ('police_officer', 'village_cadre')),
    station_code    text, -- officers
    village_code    text, -- cadres
    left_service_on date  -- NULL while in service
);
CREATE INDEX ref_people_station ON ref_people (station_code) WHERE station_code IS NOT NULL;
