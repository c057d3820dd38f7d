-- "Share of grids visited" asks, for each grid, whether a checkpoint fell in the range: found by grid
-- first (the day-first index made it read every checkpoint of the range for each grid). A new
-- generation gets it; one made before gets it with its next rebuild.
CREATE INDEX rm_patrol_checkpoints_grid ON rm_patrol_checkpoints (grid_code, day);
