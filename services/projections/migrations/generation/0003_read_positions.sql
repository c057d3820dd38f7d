-- Where the read model has got to in each partition of its topics, written in the same transaction as
-- the change the events made: a redelivered event (at or below next_offset) changes nothing. The relay
-- may publish an event twice (it crashed after Kafka acknowledged it, before marking it published):
-- the copy lands at a later offset, within one relay batch of the first, so the ids of the last
-- events applied from each partition are kept too (services/projections/read_positions.py). One row
-- per partition, whatever the number of events: this replaces a row per event in applied_events.
CREATE TABLE read_positions (
    kafka_topic      text        NOT NULL,  -- '' for events applied without a Kafka position (tests)
    kafka_partition  integer     NOT NULL,
    next_offset      bigint      NOT NULL DEFAULT 0,
    recent_event_ids uuid[]      NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now(),  -- the read model's latest change (/live)
    PRIMARY KEY (kafka_topic, kafka_partition)
);
