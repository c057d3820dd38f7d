-- Read model "activity": what happened where, newest first. Only the event's type, time, service and
-- place codes are kept: no payload field, no name, person id, pseudonym or free text.
CREATE TABLE rm_activity (
    event_id      uuid PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    service       text NOT NULL,
    event_type    text NOT NULL,
    township_code text,
    station_code  text,
    village_code  text
);
CREATE INDEX rm_activity_newest ON rm_activity (occurred_at DESC, event_id);
