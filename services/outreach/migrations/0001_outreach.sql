-- Lookups the outreach service keeps beside its event store.

-- Police officers as the registry's events describe them (fed from govgrid.appointments.events by
-- the officer feed, once per event): an enterprise visit names the visiting officer.
CREATE TABLE officers (
    person_id       text PRIMARY KEY,
    left_service_on date -- NULL while in service
);

-- Job referrals waiting for their outcome, written in the same transaction as the events: a person
-- waits for one answer per enterprise at a time, and the unique constraint settles races.
CREATE TABLE pending_referrals (
    referral_id     text PRIMARY KEY,
    person_ref      text NOT NULL,
    enterprise_code text NOT NULL,
    CONSTRAINT one_pending_referral_per_enterprise UNIQUE (person_ref, enterprise_code)
);
