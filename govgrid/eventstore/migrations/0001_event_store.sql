-- Append-only event store of one write service, and its transactional outbox.
CREATE TABLE events (
    global_position bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version >= 1),
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL CHECK (schema_version >= 1),
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           text        NOT NULL,
    correlation_id  uuid        NOT NULL,
    causation_id    uuid,
    jurisdiction    jsonb       NOT NULL,
    payload         jsonb       NOT NULL,
    -- The optimistic-concurrency guard: two writers cannot both append version N of a stream.
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

-- Events are never changed or deleted once stored.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event store is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();

-- Written in the same transaction as the events; the relay publishes rows in position order.
CREATE TABLE outbox (
    position     bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE REFERENCES events (event_id),
    stream_id    text        NOT NULL,
    envelope     json        NOT NULL, -- json keeps the exact text that goes on the topic
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;

-- A retried command (same Idempotency-Key) gets the first answer back and appends nothing.
CREATE TABLE idempotency_keys (
    key         text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    status_code integer     NOT NULL,
    body        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
