-- The checkpoints of each month counted per grid: whether a grid was visited in a range's whole
-- months is found in these (at 1 M events 4.9 k rows a year instead of 100 k checkpoints), in the
-- checkpoints for the days around them (queries/patrols.py). Kept as monthly_sums.sql says.
CREATE TABLE rm_patrol_checkpoints_by_month (
    month     date    NOT NULL,  -- its first day
    grid_code text    NOT NULL,
    visits    integer NOT NULL,
    PRIMARY KEY (month, grid_code)
);

CREATE FUNCTION rm_patrol_checkpoints_by_month_add(
    removed rm_patrol_checkpoints[], added rm_patrol_checkpoints[]
) RETURNS void LANGUAGE sql SET search_path FROM CURRENT AS $$
    INSERT INTO rm_patrol_checkpoints_by_month AS m (month, grid_code, visits)
    SELECT date_trunc('month', t.day)::date, t.grid_code, sum(t.sign)
      FROM (SELECT -1 AS sign, * FROM unnest(removed)
            UNION ALL
            SELECT 1 AS sign, * FROM unnest(added)) t
     GROUP BY 1, 2
    HAVING sum(t.sign) <> 0
     ORDER BY 1, 2
    ON CONFLICT (month, grid_code) DO UPDATE SET visits = m.visits + excluded.visits
$$;

SELECT keep_by_month('rm_patrol_checkpoints');
