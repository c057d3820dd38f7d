-- Lookups the outreach service keeps beside its event store.

-- Job referrals waiting for their outcome, written in the same transaction as the events: a person
-- waits for one answer per enterprise at a time, and the unique constraint settles races.
CREATE TABLE pending_referrals (
    referral_id     text PRIMARY KEY,
    person_ref      text NOT NULL,
    enterprise_code text NOT NULL,
    CONSTRAINT one_pending_referral_per_enterprise UNIQUE (person_ref, enterprise_code)
);
