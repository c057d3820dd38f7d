"""Services to residents and enterprises: school household-registration drives, enterprise visits
("百警进百企"), job referrals; emitted by the outreach service on govgrid.outreach.events."""

from __future__ import annotations

SERVICE = "outreach"
