-- A parked event keeps where it is in Kafka, not the event itself: its payload may hold data that its
-- write service must be able to shred (a tip's informant reference and description), which a copy
-- here would outlive. `retry` reads the event again at its position (services/projections/positions.py).
ALTER TABLE parked_events
    ADD COLUMN event_type      text,
    ADD COLUMN kafka_topic     text,     -- NULL for events parked before this migration (their
    ADD COLUMN kafka_partition integer,  -- position was never stored), or applied from outside Kafka:
    ADD COLUMN kafka_offset    bigint,   -- `retry` says it cannot re-read them
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 1,  -- times applying it was tried
    ADD COLUMN last_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT parked_events_position CHECK (
        (kafka_topic IS NULL) = (kafka_partition IS NULL) AND (kafka_topic IS NULL) = (kafka_offset IS NULL)
    );

-- What rows parked so far need to be listed, taken from their envelope before it goes.
UPDATE parked_events SET event_type = envelope->>'event_type', last_attempt_at = parked_at;
ALTER TABLE parked_events ALTER COLUMN event_type SET NOT NULL;

-- Emptied before it is dropped: DROP COLUMN alone leaves the values in the rows on disk until each
-- row is rewritten; this rewrites them now, and (auto)vacuum reclaims the old row versions.
ALTER TABLE parked_events ALTER COLUMN envelope DROP NOT NULL;
UPDATE parked_events SET envelope = NULL;
ALTER TABLE parked_events DROP COLUMN envelope;
