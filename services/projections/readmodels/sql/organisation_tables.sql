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
