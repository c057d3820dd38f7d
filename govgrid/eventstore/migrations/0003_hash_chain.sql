-- A tamper-evident event log: each event's hash covers its content and the hash of its predecessor in
-- the same stream (docs/architecture.md, "Tamper-evident event log"; govgrid/eventstore/chain.py
-- recomputes it, the verify CLI checks it).
--
--   hash(version 1) = sha256(32 zero bytes || canonical(event))
--   hash(version n) = sha256(hash(version n - 1) || canonical(event))
--
-- canonical(event), the columns in this order, each in PostgreSQL's binary form where it has a fixed
-- width (cheap to make here, and plain bytes in Python), else as UTF-8 text after its length in bytes:
--   event_id 16 bytes | stream_id length, text | stream_version 4 bytes | event_type length, text |
--   schema_version 4 bytes | occurred_at 8 bytes | recorded_at 8 bytes | actor length, text |
--   correlation_id 16 bytes | causation_id 16 bytes (16 zero bytes when absent) |
--   jurisdiction length, text | payload length, text
-- Integers and lengths are big-endian and signed (int4send); a timestamp is its microseconds since
-- 2000-01-01 00:00 UTC (timestamptz_send); a jsonb is the text PostgreSQL writes for it (jsonb::text).
ALTER TABLE events ADD COLUMN hash bytea;

-- plpgsql, not SQL: nested SQL functions whose argument is used twice are not inlined, and each call
-- then starts an executor (measured: about twice the cost of this one expression).
CREATE FUNCTION event_hash(previous bytea, e events) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN sha256(
        previous
        || uuid_send(e.event_id)
        || int4send(octet_length(e.stream_id)) || convert_to(e.stream_id, 'UTF8')
        || int4send(e.stream_version)
        || int4send(octet_length(e.event_type)) || convert_to(e.event_type, 'UTF8')
        || int4send(e.schema_version)
        || timestamptz_send(e.occurred_at)
        || timestamptz_send(e.recorded_at)
        || int4send(octet_length(e.actor)) || convert_to(e.actor, 'UTF8')
        || uuid_send(e.correlation_id)
        || uuid_send(coalesce(e.causation_id, '00000000-0000-0000-0000-000000000000'))
        || int4send(octet_length(e.jurisdiction::text)) || convert_to(e.jurisdiction::text, 'UTF8')
        || int4send(octet_length(e.payload::text)) || convert_to(e.payload::text, 'UTF8')
    );
END;
$$;

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
