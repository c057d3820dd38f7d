-- TRUNCATE empties a table without a row-level DELETE, so migration 0001's append-only trigger
-- (BEFORE UPDATE OR DELETE, FOR EACH ROW) never saw it: `TRUNCATE events` emptied a store silently.
-- Refused here like UPDATE and DELETE (the same function: its message names TRUNCATE). Nothing of
-- ours truncates events: tests and benchmarks drop their own schema, a demo starts from an empty
-- database. A store that must be emptied is dropped with its schema (DROP SCHEMA ... CASCADE), or
-- this trigger is dropped by a migration of its own: a schema change, reviewed like one.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();
