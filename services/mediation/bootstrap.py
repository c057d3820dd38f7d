"""The composition root: settings in, a wired service out. Tests swap the settings (and so the
database schema and the topics); nothing else builds these objects."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from govgrid.commands import PostgresCommandRunner
from govgrid.reference import ReferenceTable
from govgrid.service import ServiceBase
from govgrid.service import open_pool
from govgrid.service.base import Background
from services.mediation.application import mediators
from services.mediation.application import referrals
from services.mediation.application.index import recompute_due_dates
from services.mediation.application.unit_of_work import MediationUnitOfWork
from services.mediation.domain.ladder import EscalationLadder
from services.mediation.settings import MediationSettings

log = logging.getLogger("services.mediation")

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class MediationService(ServiceBase[MediationUnitOfWork, MediationSettings]):
    ladder: EscalationLadder

    def background(self) -> Mapping[str, Background]:
        """What the service learns from other services' topics, each into its own tables: the
        organisation reference, the current dual-appointment holders, the tips referrals."""
        s = self.settings
        # The mediators come from the appointments topic too: the organisation reference's consumer
        # feeds them (one consumer per topic and service).
        mediator_table = ReferenceTable(
            mediators.PROJECTION, mediators.apply_mediator_event, mediators.MEDIATOR_EVENT_TYPES
        )
        return {
            **self.reference_feeds(people=False, more=[mediator_table]),
            "tips referrals": self.feed(
                "tips-referrals",
                topic=s.tips_topic,
                projection=referrals.PROJECTION,
                applier=referrals.referral_applier(self.ladder),
                event_types=referrals.REFERRAL_EVENT_TYPES,
                appends_events=True,  # a referral opens a dispute
            ),
        }


async def start_service(settings: MediationSettings) -> MediationService:
    pool = await open_pool(settings, MIGRATIONS, feeds=True)
    ladder = settings.ladder()
    recomputed = await recompute_due_dates(pool, ladder)
    if recomputed:
        log.info("escalation ladder changed: due dates of %d disputes recomputed", recomputed)
    unit_of_work = partial(MediationUnitOfWork, ladder=ladder)
    return MediationService(settings, pool, PostgresCommandRunner(pool, unit_of_work), ladder)
