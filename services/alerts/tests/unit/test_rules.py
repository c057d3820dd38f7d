"""The alerts' decisions and receivers' reach, pure."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

from govgrid.catalogue.appointments import AppointmentEnded
from govgrid.catalogue.mediation import AgreementReached
from govgrid.catalogue.mediation import DisputeEscalated
from govgrid.catalogue.mediation import DisputeRegistered
from govgrid.catalogue.mediation import MediationFailed
from govgrid.catalogue.tips import LeadReceived
from govgrid.catalogue.tips import LeadTriaged
from govgrid.catalogue.tips import LeadVerified
from govgrid.envelope import Jurisdiction
from services.alerts.rules import Alert
from services.alerts.rules import Deadline
from services.alerts.rules import Settled
from services.alerts.rules import decide
from services.alerts.settings import Receiver

J = Jurisdiction(township="T01", station="S01", village="V1")
AT = datetime(2026, 12, 3, 2, tzinfo=UTC)
DUE = datetime(2026, 12, 4, 2, tzinfo=UTC)


def test_a_lead_waits_on_its_triage_then_its_decision_then_nothing() -> None:
    received = LeadReceived(
        lead_id="L1",
        channel="hotline",
        category="theft",
        village_code="V1",
        station_code="S01",
        description="x",
        informant_ref=None,
        anonymous=True,
        received_at=AT,
        triage_due_at=DUE,
    )
    [triage] = decide(received, J, AT, 30)
    assert isinstance(triage, Deadline) and (triage.item, triage.state, triage.due_at) == (
        "lead-L1",
        "overdue_triage",
        DUE,
    )
    [decision] = decide(LeadTriaged(lead_id="L1", priority="urgent", due_at=DUE, triaged_at=AT), J, AT, 30)
    assert isinstance(decision, Deadline) and decision.state == "overdue_decision"
    assert decide(LeadVerified(lead_id="L1", verified_on=date(2026, 12, 3)), J, AT, 30) == [
        Settled("lead-L1")
    ]


def test_a_dispute_is_due_after_the_days_set_and_its_escalations_alert_at_once() -> None:
    registered = DisputeRegistered(
        dispute_id="D1",
        source="walk_in",
        village_code="V1",
        category="family",
        parties=(),
        description="x",
        registered_on=date(2026, 11, 1),
    )
    [deadline] = decide(registered, J, AT, 30)
    assert isinstance(deadline, Deadline)
    assert deadline.due_at.isoformat() == "2026-12-01T00:00:00+08:00"
    failed = MediationFailed(dispute_id="D1", level="village", failed_on=date(2026, 11, 5), reason="x")
    assert decide(failed, J, AT, 30) == []  # the clock runs on
    escalated = DisputeEscalated(
        dispute_id="D1", from_level="village", to_level="court", escalated_on=date(2026, 11, 6)
    )
    [alert] = decide(escalated, J, AT, 30)
    assert isinstance(alert, Alert) and (alert.item, alert.state) == ("dispute-D1", "escalated_to_court")
    agreed = AgreementReached(dispute_id="D1", level="court", reached_on=date(2026, 11, 7), terms="x")
    assert decide(agreed, J, AT, 30) == [Settled("dispute-D1")]


def test_only_an_approved_deputy_secretary_ending_is_a_loss() -> None:
    ended = AppointmentEnded(appointment_id="A1", reason="revoked", ended_on=date(2026, 12, 2))
    assert decide(ended, J, AT, 30) == []  # a director's, or one never approved
    [alert] = decide(ended, J, AT, 30, ended_deputy_secretary="V1")
    assert isinstance(alert, Alert)
    assert (alert.item, alert.state) == ("village-V1", "deputy_secretary_lost:A1")


def test_a_receiver_sees_its_codes_or_the_whole_city() -> None:
    township = Receiver(name="t", url="http://x/t", format="wecom", jurisdiction=["T01"])
    city = Receiver(name="c", url="http://x/c", format="json")
    assert township.sees(J) and city.sees(J)
    assert not township.sees(Jurisdiction(township="T02", station="S02", village="V3"))
    assert city.sees(Jurisdiction())  # a city-level item
    assert not township.sees(Jurisdiction())
