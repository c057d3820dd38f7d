-- How far the projection worker has applied each partition of its topics to every read model
-- (services/projections/delivery.py): the worker's own record, independent of the offsets faust
-- commits to Kafka. A batch that starts past it, or has a hole, had events skipped on the way (a
-- record delivered out of order after a rebalance, a batch acked by a crashing agent): they are read
-- from Kafka and applied first. A partition behind its topic's end that does not move is read from
-- Kafka directly. Only ever moved forward.
CREATE TABLE IF NOT EXISTS delivered_positions (
    kafka_topic     text        NOT NULL,
    kafka_partition integer     NOT NULL,
    next_offset     bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_topic, kafka_partition)
);
