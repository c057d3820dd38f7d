-- Where a checkpoint was visited, when the phone gave it (CheckpointVisited carries it): a station's
-- checkpoints on the map. A new generation gets them; one made before gets them with its next rebuild.
ALTER TABLE rm_patrol_checkpoints
    ADD COLUMN latitude double precision,
    ADD COLUMN longitude double precision;
