-- Monthly sums of a read model's rows, kept by PostgreSQL as the rows change; included by the
-- migrations of the models that keep some (\ir ../monthly_sums.sql). A summary of a range adds up
-- the sums for its whole months and the rows for the days around them (queries/months.py).
--
-- Rows ROWS summed per month in ROWS_by_month come with ROWS_by_month_add(removed ROWS[], added
-- ROWS[]), written by the model (what is summed, and per what, is its own): it takes the rows
-- ``removed`` away from their months' sums and adds ``added`` to theirs. keep_by_month('ROWS')
-- fills the sums from the rows there, then has every statement on the rows bring its rows before
-- (OLD TABLE) and after (NEW TABLE) to that function, whatever writes them (the worker, a rebuild, a
-- retry): a patrol that starts another day than planned moves with its figures. Additions commute,
-- so a worker need not see what another is applying at the same time; they take turns instead (one
-- lock per generation for all its sums, held to the commit), since two transactions adding to the
-- same months in two statements each, or to two tables' sums in two orders, could each hold what
-- the other waits for.
CREATE FUNCTION kept_by_month() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    removed text := CASE WHEN TG_OP = 'INSERT' THEN 'NULL'
                         ELSE format('ARRAY(SELECT t::%I FROM old_rows t)', TG_TABLE_NAME) END;
    added text := CASE WHEN TG_OP = 'DELETE' THEN 'NULL'
                       ELSE format('ARRAY(SELECT t::%I FROM new_rows t)', TG_TABLE_NAME) END;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA), hashtext('monthly sums'));
    EXECUTE format('SELECT %I(%s, %s)', TG_TABLE_NAME || '_by_month_add', removed, added);
    RETURN NULL;
END
$$;

CREATE FUNCTION keep_by_month(rows text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Nothing writes the rows between their first sums and the triggers.
    EXECUTE format('LOCK TABLE %I IN SHARE ROW EXCLUSIVE MODE', rows);
    EXECUTE format('SELECT %I(NULL, ARRAY(SELECT t FROM %I t))', rows || '_by_month_add', rows);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION kept_by_month()', rows || '_by_month_inserted', rows);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION kept_by_month()', rows || '_by_month_updated', rows);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION kept_by_month()', rows || '_by_month_deleted', rows);
END
$$;
