-- Who looked at what through the read API (issue 16.7): one row per request, written in batches by
-- services/projections/audit.py. Append-only: rows are never changed or deleted (a trigger refuses
-- UPDATE, DELETE and TRUNCATE), so a caller who can run SQL as the service still cannot hide a read.
CREATE TABLE IF NOT EXISTS read_audit (
    id             bigserial   PRIMARY KEY,
    requested_at   timestamptz NOT NULL,
    subject        text,                 -- NULL: no valid token (the answer says why: 401)
    role           text,
    jurisdiction   text[],
    method         text        NOT NULL,
    endpoint       text        NOT NULL, -- the route's template (/leads/summary), or the path if none
    path           text        NOT NULL,
    query          text        NOT NULL, -- as sent, access tokens removed
    status         integer     NOT NULL,
    correlation_id text
);
CREATE INDEX IF NOT EXISTS read_audit_by_time ON read_audit (requested_at, id);
CREATE INDEX IF NOT EXISTS read_audit_by_subject ON read_audit (subject, requested_at);
CREATE INDEX IF NOT EXISTS read_audit_by_endpoint ON read_audit (endpoint, requested_at);

CREATE OR REPLACE FUNCTION read_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the read audit is append-only (% refused)', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS read_audit_append_only ON read_audit;
CREATE TRIGGER read_audit_append_only BEFORE UPDATE OR DELETE ON read_audit
    FOR EACH ROW EXECUTE FUNCTION read_audit_is_append_only();
DROP TRIGGER IF EXISTS read_audit_no_truncate ON read_audit;
CREATE TRIGGER read_audit_no_truncate BEFORE TRUNCATE ON read_audit
    FOR EACH STATEMENT EXECUTE FUNCTION read_audit_is_append_only();
