-- The alerts process's own tables (schema "alerts"): what it must remember to decide, and each
-- notification decided, per receiver, item and state: the primary key is what makes it once.

CREATE TABLE alert_places (
    code text PRIMARY KEY,
    name_zh text NOT NULL
);

-- Appointments as nominated: their kind and village, which AppointmentEnded does not repeat.
CREATE TABLE alert_appointments (
    appointment_id text PRIMARY KEY,
    kind text NOT NULL,
    village_code text NOT NULL,
    approved boolean NOT NULL DEFAULT false
);

-- Open items with a deadline (a lead to triage or decide, a dispute to settle): when ``due_at`` passes
-- with the row still here, the item becomes ``state``.
CREATE TABLE alert_deadlines (
    item text PRIMARY KEY,
    kind text NOT NULL,
    state text NOT NULL,
    due_at timestamptz NOT NULL,
    jurisdiction jsonb NOT NULL,
    facts jsonb NOT NULL
);
CREATE INDEX alert_deadlines_due ON alert_deadlines (due_at);

CREATE TABLE alert_notifications (
    receiver text NOT NULL,
    item text NOT NULL,
    state text NOT NULL,
    kind text NOT NULL,
    body jsonb NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    PRIMARY KEY (receiver, item, state)
);
CREATE INDEX alert_notifications_pending ON alert_notifications (decided_at) WHERE delivered_at IS NULL;
