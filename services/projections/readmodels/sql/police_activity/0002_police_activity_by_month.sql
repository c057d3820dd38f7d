-- Each station's calls and cases added up per month: what a summary of a range adds up for its whole
-- months (queries/police_activity.py), a year and the year before at 1 M events 0.8 k rows instead
-- of 24 k station-days. Kept as monthly_sums.sql says (a correction replaces a day's row: its old
-- figures are taken away from the month, its new ones added).
\ir ../monthly_sums.sql

CREATE TABLE rm_police_activity_by_month (
    month                 date    NOT NULL,  -- its first day
    station_code          text    NOT NULL,
    calls_for_service     integer NOT NULL,
    criminal_cases        integer NOT NULL,
    public_security_cases integer NOT NULL,
    PRIMARY KEY (month, station_code)
);

CREATE FUNCTION rm_police_activity_by_month_add(removed rm_police_activity[], added rm_police_activity[])
RETURNS void LANGUAGE sql SET search_path FROM CURRENT AS $$
    INSERT INTO rm_police_activity_by_month AS m (month, station_code, calls_for_service, criminal_cases,
        public_security_cases)
    SELECT *
      FROM (SELECT date_trunc('month', t.day)::date, t.station_code,
                   sum(t.sign * t.calls_for_service) AS calls, sum(t.sign * t.criminal_cases) AS criminal,
                   sum(t.sign * t.public_security_cases) AS public_security
              FROM (SELECT -1 AS sign, * FROM unnest(removed)
                    UNION ALL
                    SELECT 1 AS sign, * FROM unnest(added)) t
             GROUP BY 1, 2) d
     -- A month whose rows before and after add up alike changes nothing.
     WHERE (d.calls, d.criminal, d.public_security) <> (0, 0, 0)
     ORDER BY 1, 2
    ON CONFLICT (month, station_code) DO UPDATE SET
        calls_for_service = m.calls_for_service + excluded.calls_for_service,
        criminal_cases = m.criminal_cases + excluded.criminal_cases,
        public_security_cases = m.public_security_cases + excluded.public_security_cases
$$;

SELECT keep_by_month('rm_police_activity');
