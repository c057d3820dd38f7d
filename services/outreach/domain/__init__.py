"""The outreach domain: schools and enterprises, school household-registration drives, enterprise
visits ("百警进百企") with their follow-up actions, enterprise-related cases, job referrals. Pure
Python: no I/O, no framework; every decision is a function of the current state and the command."""
