-- Where a checkpoint was visited, when the phone gave it (CheckpointVisited carries it): a station's
-- checkpoints on the map. A generation made before gets the columns when the new release starts, and
-- the locations of the checkpoints it projected before with its next rebuild.
ALTER TABLE rm_patrol_checkpoints
    ADD COLUMN latitude double precision,
    ADD COLUMN longitude double precision;
