-- The patrols of each month added up per station and codes (the places they were filed under): what a
-- summary of a range adds up for its whole months (queries/patrols.py). At 1 M events a year holds
-- 20 k patrols and 2.4 k of these rows. Kept as monthly_sums.sql says.
\ir ../monthly_sums.sql

CREATE TABLE rm_patrols_by_month (
    month                    date NOT NULL,  -- its first day
    station_code             text NOT NULL,
    codes                    text[] NOT NULL,
    patrols_completed        integer NOT NULL,
    patrols_aborted          integer NOT NULL,
    duration_minutes         integer NOT NULL,  -- of completed patrols, as on their rows
    distance_km              numeric NOT NULL,
    officer_participations   integer NOT NULL,
    volunteer_participations integer NOT NULL,
    PRIMARY KEY (month, station_code, codes)
);

CREATE FUNCTION rm_patrols_by_month_add(removed rm_patrols[], added rm_patrols[]) RETURNS void
LANGUAGE sql SET search_path FROM CURRENT AS $$
    INSERT INTO rm_patrols_by_month AS m (month, station_code, codes, patrols_completed, patrols_aborted,
        duration_minutes, distance_km, officer_participations, volunteer_participations)
    SELECT *
      FROM (SELECT date_trunc('month', t.day)::date, t.station_code, t.codes,
                   sum(t.sign * (t.completed_at IS NOT NULL)::integer) AS completed,
                   sum(t.sign * (t.aborted_at IS NOT NULL)::integer) AS aborted,
                   sum(t.sign * coalesce(t.duration_minutes, 0)) AS minutes,
                   sum(t.sign * coalesce(t.distance_km, 0)) AS km,
                   sum(t.sign * t.officer_participations) AS officers,
                   sum(t.sign * t.volunteer_participations) AS volunteers
              FROM (SELECT -1 AS sign, * FROM unnest(removed)
                    UNION ALL
                    SELECT 1 AS sign, * FROM unnest(added)) t
             GROUP BY 1, 2, 3) d
     -- A month whose rows before and after add up alike changes nothing.
     WHERE (d.completed, d.aborted, d.minutes, d.km, d.officers, d.volunteers) <> (0, 0, 0, 0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (month, station_code, codes) DO UPDATE SET
        patrols_completed = m.patrols_completed + excluded.patrols_completed,
        patrols_aborted = m.patrols_aborted + excluded.patrols_aborted,
        duration_minutes = m.duration_minutes + excluded.duration_minutes,
        distance_km = m.distance_km + excluded.distance_km,
        officer_participations = m.officer_participations + excluded.officer_participations,
        volunteer_participations = m.volunteer_participations + excluded.volunteer_participations
$$;

SELECT keep_by_month('rm_patrols');
