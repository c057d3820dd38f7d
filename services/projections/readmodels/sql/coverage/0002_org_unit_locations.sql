-- Where each unit is, when the registry knows (OrganisationUnitRegistered v2, OrganisationUnitLocated):
-- the map's villages. WGS 84 degrees; the boundary a GeoJSON ring of [longitude, latitude].
ALTER TABLE rm_org_units
    ADD COLUMN latitude double precision,
    ADD COLUMN longitude double precision,
    ADD COLUMN boundary jsonb;
