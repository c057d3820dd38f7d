-- The police officers as the appointments registry last said, fed from govgrid.appointments.events
-- (services.patrols.application.officers.OfficerRosterFeed): an officer member of a patrol team
-- must be an active officer of the team's station.
CREATE TABLE ref_officers (
    person_id    text PRIMARY KEY,
    station_code text    NOT NULL,
    active       boolean NOT NULL
);
