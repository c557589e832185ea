"""Filing a report: store it, log it, start the manager's clocks and the check-ins, and tell the manager."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from actions.aftercare import schedule_checkins
from actions.escalation import manager_reply, recipient_for
from actions.records import followup_of
from actions.timeline import FollowUpPolicy, alert_points, next_digest_at, plan_clocks
from bot.conversation.texts import Texts
from bot.domain.model import Employee, Organisation, Report
from bot.ports import UnitOfWork

logger = logging.getLogger(__name__)


def default_texts() -> Texts:
    """The versioned Dutch texts shipped with meldbot (the composition root passes its own)."""
    import yaml

    from bot.settings import DATA_DIR

    with (DATA_DIR / "texts.nl.yml").open(encoding="utf-8") as fh:
        return Texts(yaml.safe_load(fh))


class ReportFiler:
    """Called by the chat service inside the turn's transaction when a report is filed.

    Severe reports reach the manager at once (an outbox row sent by the next tick); others wait
    for the manager's daily digest. The clocks start when the manager is told. Where the unit of
    work has no follow-up store (plain test fakes), the manager is told at once and no clocks or
    check-ins are kept.
    """

    def __init__(
        self,
        org: Organisation,
        texts: Texts | None = None,
        policy: FollowUpPolicy | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        self.org = org
        self.texts = texts or default_texts()
        self.policy = policy or FollowUpPolicy()
        self.tz = tz or ZoneInfo("Europe/Amsterdam")

    def __call__(self, uow: UnitOfWork, report: Report, reporter: Employee, now: datetime) -> None:
        uow.reports.add(report)
        uow.audit.record(now, reporter.id, "report_filed", report.reference,
                         {"severe": report.severe, "channel": report.channel})
        store = followup_of(uow)
        if store is not None:
            schedule_checkins(store, report, self.policy)
        found = recipient_for(self.org, reporter)
        if found is None:
            logger.warning("report %s: nobody to tell (no manager or coordinator in the organisation file)",
                           report.reference)
            return
        recipient, _role = found
        immediate = store is None or self.policy.immediate(report)
        digest_at = self.policy.digest_at
        told_at = now if immediate or digest_at is None else next_digest_at(now, digest_at, self.tz)
        clocks = plan_clocks(report, told_at, self.tz)
        if store is not None:
            for clock in clocks:
                first_alert = alert_points(clock.kind, clock.starts_at, clock.due_at)[0]
                store.add_clock(report.reference, clock.kind, recipient.id, clock.starts_at, clock.due_at, first_alert)
        if immediate:
            reply = manager_reply(report, reporter, clocks, self.texts, self.tz)
            uow.outbox.add(recipient.id, [reply], due_at=now, kind="escalation",
                           dedup_key=f"escalation:{report.reference}", data={"reference": report.reference})
        elif store is not None:
            store.add_digest_item(recipient.id, report.reference, told_at)
