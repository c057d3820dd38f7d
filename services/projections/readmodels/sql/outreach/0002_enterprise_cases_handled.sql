-- Cases handled in a range are found by their day (the index on (opened_on, handled_on) serves only
-- the opened ones, so "opened or handled in the range" read every case). Index only: a generation
-- made before gets it when the new release starts.
CREATE INDEX rm_enterprise_cases_handled ON rm_enterprise_cases (handled_on);
