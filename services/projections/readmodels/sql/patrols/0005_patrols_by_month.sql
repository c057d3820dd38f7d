-- The patrols of each month added up per station and codes (the places they were filed under): what a
-- summary of a range adds up for its whole months (queries/patrols.py reads the days before and after
-- them from rm_patrols). At 1 M events a year holds 20 k patrols and 2.4 k of these rows.
--
-- Kept by PostgreSQL as rm_patrols changes, whatever writes it (the worker, a rebuild, a retry, this
-- file's own first sums): each statement's rows before (OLD TABLE) are taken away from their month
-- and its rows after (NEW TABLE) added to theirs, so a patrol that starts on another day than planned,
-- or passes through one more village, moves with its figures. Additions commute, so a batch applied
-- while another worker applies its own needs no snapshot of theirs; they take turns instead (one
-- lock per generation, held to the commit), since two transactions adding to the same months in two
-- statements each could each hold what the other waits for.

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

-- Adds the rows ``added`` to their months and takes the rows ``removed`` away from theirs.
-- (Both functions work in this generation's schema, whoever's connection fires them.)
CREATE FUNCTION rm_patrols_by_month_add(removed rm_patrols[], added rm_patrols[]) RETURNS void
LANGUAGE sql SET search_path FROM CURRENT AS $$
    INSERT INTO rm_patrols_by_month AS m (month, station_code, codes, patrols_completed, patrols_aborted,
        duration_minutes, distance_km, officer_participations, volunteer_participations)
    SELECT date_trunc('month', t.day)::date, t.station_code, t.codes,
           sum(t.sign * (t.completed_at IS NOT NULL)::integer),
           sum(t.sign * (t.aborted_at IS NOT NULL)::integer),
           sum(t.sign * coalesce(t.duration_minutes, 0)),
           sum(t.sign * coalesce(t.distance_km, 0)),
           sum(t.sign * t.officer_participations),
           sum(t.sign * t.volunteer_participations)
      FROM (SELECT -1 AS sign, * FROM unnest(removed)
            UNION ALL
            SELECT 1 AS sign, * FROM unnest(added)) t
     GROUP BY 1, 2, 3
    HAVING (sum(t.sign * (t.completed_at IS NOT NULL)::integer),
            sum(t.sign * (t.aborted_at IS NOT NULL)::integer),
            sum(t.sign * coalesce(t.duration_minutes, 0)),
            sum(t.sign * coalesce(t.distance_km, 0)),
            sum(t.sign * t.officer_participations),
            sum(t.sign * t.volunteer_participations)) <> (0, 0, 0, 0, 0, 0)
     ORDER BY 1, 2, 3
    ON CONFLICT (month, station_code, codes) DO UPDATE SET
        patrols_completed = m.patrols_completed + excluded.patrols_completed,
        patrols_aborted = m.patrols_aborted + excluded.patrols_aborted,
        duration_minutes = m.duration_minutes + excluded.duration_minutes,
        distance_km = m.distance_km + excluded.distance_km,
        officer_participations = m.officer_participations + excluded.officer_participations,
        volunteer_participations = m.volunteer_participations + excluded.volunteer_participations
$$;

CREATE FUNCTION rm_patrols_by_month_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA), hashtext('rm_patrols_by_month'));
    IF TG_OP = 'INSERT' THEN
        PERFORM rm_patrols_by_month_add('{}', ARRAY(SELECT t::rm_patrols FROM new_rows t));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM rm_patrols_by_month_add(ARRAY(SELECT t::rm_patrols FROM old_rows t), ARRAY(SELECT t::rm_patrols FROM new_rows t));
    ELSE
        PERFORM rm_patrols_by_month_add(ARRAY(SELECT t::rm_patrols FROM old_rows t), '{}');
    END IF;
    RETURN NULL;
END
$$;

-- Nothing writes rm_patrols between this file's first sums and its triggers.
LOCK TABLE rm_patrols IN SHARE ROW EXCLUSIVE MODE;
SELECT rm_patrols_by_month_add('{}', ARRAY(SELECT t FROM rm_patrols t));

CREATE TRIGGER rm_patrols_by_month_inserted AFTER INSERT ON rm_patrols
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_patrols_by_month_kept();
CREATE TRIGGER rm_patrols_by_month_updated AFTER UPDATE ON rm_patrols
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rm_patrols_by_month_kept();
CREATE TRIGGER rm_patrols_by_month_deleted AFTER DELETE ON rm_patrols
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rm_patrols_by_month_kept();
