"""Read model "activity": a recent-activity feed with no personal data.

Only the event types listed below are kept, and of each only its time, service, type and place codes
(from the envelope's jurisdiction): the payload is never read, so no name, person id, pseudonym,
description, summary or note can reach the table. Left out on purpose: people (registrations,
transfers, leaving service), informant reveals, refusals and shredding, and job referrals (each is
about one person), organisation changes, and daily figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from govgrid.catalogue import catalogue
from govgrid.envelope import EventEnvelope
from services.projections.readmodels.base import Changes
from services.projections.readmodels.base import Fold
from services.projections.readmodels.base import ReadModel
from services.projections.readmodels.base import Table


@dataclass(frozen=True)
class Activity:
    label_zh: str
    label_en: str
    # Leads are police business (the tips service shows them to station officers only): their place in
    # the feed is their station alone, so that a village's feed cannot hint at who gave one.
    station_only: bool = False


ACTIVITIES: dict[str, Activity] = {
    # appointments
    "AppointmentNominated": Activity("任职提名", "Appointment nominated"),
    "AppointmentApproved": Activity("任职批准", "Appointment approved"),
    "AppointmentCertificateIssued": Activity("颁发任职证书", "Appointment certificate issued"),
    "AppointmentEnded": Activity("任职结束", "Appointment ended"),
    # patrols
    "PatrolScheduled": Activity("巡逻排班", "Patrol scheduled"),
    "PatrolStarted": Activity("巡逻开始", "Patrol started"),
    "CheckpointVisited": Activity("巡逻到达网格", "Patrol checkpoint visited"),
    "PatrolCompleted": Activity("巡逻完成", "Patrol completed"),
    "PatrolAborted": Activity("巡逻中止", "Patrol aborted"),
    "ClearanceOperationPlanned": Activity("清查行动计划", "Clearance operation planned"),
    "ClearanceOperationCarriedOut": Activity("清查行动实施", "Clearance operation carried out"),
    "ClearanceOperationClosed": Activity("清查行动结束", "Clearance operation closed"),
    "ClearanceOperationCancelled": Activity("清查行动取消", "Clearance operation cancelled"),
    # tips
    "LeadReceived": Activity("收到线索", "Lead received", station_only=True),
    "LeadVerified": Activity("线索核实", "Lead verified", station_only=True),
    "LeadDismissed": Activity("线索排除", "Lead dismissed", station_only=True),
    "LeadOutcomeRecorded": Activity("线索处置结果", "Lead outcome recorded", station_only=True),
    "LeadClosed": Activity("线索办结", "Lead closed", station_only=True),
    "SafetyNoticePublished": Activity("发布安全提示", "Safety notice published"),
    # mediation
    "DisputeRegistered": Activity("纠纷登记", "Dispute registered"),
    "MediatorsAssigned": Activity("指派调解员", "Mediators assigned"),
    "MediationSessionHeld": Activity("调解会", "Mediation session held"),
    "AgreementReached": Activity("达成调解协议", "Agreement reached"),
    "MediationFailed": Activity("调解未成功", "Mediation failed"),
    "DisputeEscalated": Activity("纠纷上交", "Dispute escalated"),
    "DisputeClosed": Activity("纠纷结案", "Dispute closed"),
    "FollowUpVisitRecorded": Activity("调解回访", "Follow-up visit recorded"),
    # outreach
    "RegistrationDriveLaunched": Activity("户籍服务进校园启动", "Registration drive launched"),
    "SchoolVisitRecorded": Activity("进校办理户籍", "School visit recorded"),
    "RegistrationDriveClosed": Activity("户籍服务进校园结束", "Registration drive closed"),
    "EnterpriseVisitRecorded": Activity("走访企业", "Enterprise visited"),
    "EnterpriseCaseOpened": Activity("涉企案事件登记", "Enterprise case opened"),
    "EnterpriseCaseHandled": Activity("涉企案事件办结", "Enterprise case handled"),
}

SERVICE_OF = {entry.event_type: entry.service for entry in catalogue.entries()}


ACTIVITY_FEED = Table("rm_activity", ("event_id",), "activity")


def record(c: Changes, e: EventEnvelope, event: object) -> None:
    activity = ACTIVITIES[e.event_type]
    where = e.jurisdiction
    c.insert(
        ACTIVITY_FEED,
        event_id=e.event_id,
        occurred_at=e.occurred_at,
        service=SERVICE_OF[e.event_type],
        event_type=e.event_type,
        township_code=None if activity.station_only else where.township,
        station_code=where.station,
        village_code=None if activity.station_only else where.village,
    )


APPLIERS: dict[str, Fold] = dict.fromkeys(ACTIVITIES, record)

ACTIVITY = ReadModel(
    name="activity",
    services=frozenset({"appointments", "patrols", "tips", "mediation", "outreach"}),
    appliers=APPLIERS,
)
