-- Appends without the per-schema lock, in one round trip (docs/architecture.md, "Event store").

-- The outbox row is written by the same statement as its event (append_events below), so the foreign
-- key proved nothing new, yet cost every append a lookup and a row lock on the event it had just written.
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_fkey;

-- Idempotency keys expire (govgrid.outbox.housekeeping): find the old ones without a scan.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Appends the events as versions expected + 1, ... of one stream, and their outbox rows.
-- Returns NULL when appended; else the stream's actual version, and nothing is stored.
-- Per-stream order needs no lock: UNIQUE (stream_id, stream_version) lets exactly one writer store
-- version N, and it is inserted only after the writer saw version N - 1 committed.
CREATE FUNCTION append_events(
    p_stream_id text,
    p_expected_version integer,
    p_event_ids uuid[],
    p_event_types text[],
    p_schema_versions integer[],
    p_occurred_at timestamptz[],
    p_recorded_at timestamptz,
    p_actors text[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[],
    p_jurisdictions jsonb[],
    p_payloads jsonb[],
    p_envelopes json[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    appended integer;
    actual integer;
BEGIN
    -- The expected version must exist (an index probe, no max()); the version after it is then
    -- guarded by the unique constraint.
    IF p_expected_version > 0 AND NOT EXISTS (
        SELECT 1 FROM events WHERE stream_id = p_stream_id AND stream_version = p_expected_version
    ) THEN
        SELECT coalesce(max(stream_version), 0) INTO actual FROM events WHERE stream_id = p_stream_id;
        RETURN actual;
    END IF;
    INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                        recorded_at, actor, correlation_id, causation_id, jurisdiction, payload)
    SELECT d.event_id, p_stream_id, p_expected_version + d.n::integer, d.event_type, d.schema_version,
           d.occurred_at, p_recorded_at, d.actor, d.correlation_id, d.causation_id, d.jurisdiction,
           d.payload
    FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_occurred_at, p_actors,
                p_correlation_ids, p_causation_ids, p_jurisdictions, p_payloads)
         WITH ORDINALITY AS d(event_id, event_type, schema_version, occurred_at, actor, correlation_id,
                              causation_id, jurisdiction, payload, n)
    ORDER BY d.n
    -- A concurrent writer that stored one of these versions first: skip, and count below.
    ON CONFLICT ON CONSTRAINT events_stream_version_unique DO NOTHING;
    GET DIAGNOSTICS appended = ROW_COUNT;
    IF appended < cardinality(p_event_ids) THEN
        -- Read committed: this statement sees the other writer's events.
        SELECT coalesce(max(stream_version), 0) INTO actual
        FROM events WHERE stream_id = p_stream_id AND event_id <> ALL (p_event_ids);
        IF appended > 0 THEN
            -- Some versions were free (the other writer stored fewer events): failing the statement
            -- undoes ours, all or nothing.
            RAISE EXCEPTION 'stream % is at version %, not %', p_stream_id, actual, p_expected_version
                USING ERRCODE = 'GV409', DETAIL = actual::text;
        END IF;
        RETURN actual;
    END IF;
    -- WITH ORDINALITY keeps the outbox positions in the events' order.
    INSERT INTO outbox (event_id, stream_id, envelope)
    SELECT o.event_id, p_stream_id, o.envelope
    FROM unnest(p_event_ids, p_envelopes) WITH ORDINALITY AS o(event_id, envelope, n)
    ORDER BY o.n;
    RETURN NULL;
END;
$$;
