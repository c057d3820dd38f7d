-- Events a read model could not apply, with the reason; later events of the same stream wait here
-- too (a stream's events apply in order), other streams go on. `retry` re-applies them in order.
CREATE TABLE parked_events (
    read_model   text        NOT NULL,
    event_id     uuid        NOT NULL,
    stream_id    text        NOT NULL,
    stream_version integer   NOT NULL,
    envelope     json        NOT NULL,
    reason       text        NOT NULL,
    parked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (read_model, event_id)
);
CREATE INDEX parked_events_stream ON parked_events (read_model, stream_id, stream_version);
