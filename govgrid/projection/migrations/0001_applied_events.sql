-- What each projection has applied: written in the same transaction as the read-model update,
-- so a redelivered or replayed event is recognised and changes nothing.
CREATE TABLE applied_events (
    projection     text        NOT NULL,
    event_id       uuid        NOT NULL,
    stream_id      text        NOT NULL,
    stream_version integer     NOT NULL,
    applied_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, event_id)
);
