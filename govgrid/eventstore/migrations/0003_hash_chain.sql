-- A tamper-evident event log: each event's hash covers its content and the hash of its predecessor in
-- the same stream (docs/architecture.md, "Tamper-evident event log"; govgrid/eventstore/chain.py
-- recomputes it, the verify CLI checks it).
--
--   hash(version 1) = sha256(32 zero bytes || canonical(event))
--   hash(version n) = sha256(hash(version n - 1) || canonical(event))
--
-- canonical(event): for each of event_id, stream_id, stream_version, event_type, schema_version,
-- occurred_at, recorded_at, actor, correlation_id, causation_id, jurisdiction, payload in this order,
-- its text as UTF-8 preceded by that text's length in bytes (4 bytes, big-endian). The texts: uuids
-- lower-case with hyphens (an absent causation_id: empty), integers in decimal, timestamps as
-- microseconds since 1970-01-01 00:00 UTC in decimal, jsonb as PostgreSQL writes it (jsonb::text).
ALTER TABLE events ADD COLUMN hash bytea;

CREATE FUNCTION event_canonical_field(value text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN int4send(octet_length(value)) || convert_to(value, 'UTF8');

CREATE FUNCTION event_canonical_micros(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (extract(epoch FROM t) * 1000000)::bigint::text;

CREATE FUNCTION event_hash(previous bytea, e events) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN sha256(
        previous
        || event_canonical_field(e.event_id::text)
        || event_canonical_field(e.stream_id)
        || event_canonical_field(e.stream_version::text)
        || event_canonical_field(e.event_type)
        || event_canonical_field(e.schema_version::text)
        || event_canonical_field(event_canonical_micros(e.occurred_at))
        || event_canonical_field(event_canonical_micros(e.recorded_at))
        || event_canonical_field(e.actor)
        || event_canonical_field(e.correlation_id::text)
        || event_canonical_field(coalesce(e.causation_id::text, ''))
        || event_canonical_field(e.jurisdiction::text)
        || event_canonical_field(e.payload::text)
    );

-- Every insert is chained here, whoever writes (append_events, a bulk import's statement), and a hash
-- the writer sent is overwritten. Per stream: the predecessor is found by its (stream_id, version)
-- key, so no append waits for another stream's. A row-level BEFORE trigger sees the rows its statement
-- inserted before, so several events of one stream in one statement chain in their insertion order.
CREATE FUNCTION events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous bytea := '\x0000000000000000000000000000000000000000000000000000000000000000';
BEGIN
    IF NEW.stream_version > 1 THEN
        SELECT hash INTO previous FROM events
        WHERE stream_id = NEW.stream_id AND stream_version = NEW.stream_version - 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'version % of stream % has no predecessor to chain to',
                NEW.stream_version, NEW.stream_id;
        END IF;
    END IF;
    NEW.hash := event_hash(previous, NEW);
    RETURN NEW;
END;
$$;

-- Events stored before this migration are chained now, as they are: the chain attests them from here
-- on (an edit made before this migration ran cannot be told).
ALTER TABLE events DISABLE TRIGGER events_append_only;
DO $$
DECLARE
    e events;
    previous bytea;
    stream text;
BEGIN
    FOR e IN SELECT * FROM events ORDER BY stream_id, stream_version LOOP
        IF stream IS DISTINCT FROM e.stream_id THEN
            stream := e.stream_id;
            previous := '\x0000000000000000000000000000000000000000000000000000000000000000';
        END IF;
        previous := event_hash(previous, e);
        UPDATE events SET hash = previous WHERE global_position = e.global_position;
    END LOOP;
END;
$$;
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events ALTER COLUMN hash SET NOT NULL;

CREATE TRIGGER events_chain BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_chain();
