-- Each undelivered notification waits for its own next attempt: a refusal or outage pushes it (and
-- the rest of its receiver's due rows) back with exponential back-off, so one failing webhook no
-- longer takes every sending round while the others wait.
ALTER TABLE alert_notifications ADD COLUMN next_attempt_at timestamptz;
UPDATE alert_notifications SET next_attempt_at = decided_at;
ALTER TABLE alert_notifications ALTER COLUMN next_attempt_at SET NOT NULL;

-- The sender asks per configured receiver for its due rows, in order.
DROP INDEX alert_notifications_pending;
CREATE INDEX alert_notifications_due ON alert_notifications (receiver, next_attempt_at, decided_at)
    WHERE delivered_at IS NULL;
