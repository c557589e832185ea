"""Filing a report: store it, start its clocks from the moment of filing, tell who must know, and say so truthfully."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from actions.aftercare import schedule_checkins
from actions.escalation import local, manager_reply
from actions.referral import referral_contact, referral_question
from actions.timeline import (
    AANGIFTE_2WD,
    AANGIFTE_WISH,
    AFTERCARE_WISH,
    ClockPlan,
    FollowUpPolicy,
    Notice,
    alert_points,
    concerned,
    needs_aangifte,
    plan_clocks,
    recipient_for,
)
from bot.conversation.flow import first_name
from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.conversation.when import Occurrence, when_inline
from bot.domain.model import Employee, Organisation, Report
from bot.ports import UnitOfWork

logger = logging.getLogger(__name__)
EMAIL = "email"


def default_texts() -> Texts:
    """The versioned Dutch texts shipped with meldbot (the composition root passes its own)."""
    import yaml

    from bot.settings import DATA_DIR

    with (DATA_DIR / "texts.nl.yml").open(encoding="utf-8") as fh:
        return Texts(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def reachable(person: Employee, channels: Collection[str], push_channels: Collection[str]) -> bool:
    """Whether meldbot can push a message to this person: a linked chat on a served channel, or e-mail."""
    return bool(set(channels) & set(push_channels)) or (EMAIL in push_channels and bool(person.email))


class ReportFiler:
    """Called by the chat service inside the turn's transaction when a report is filed; returns extra replies.

    Every clock starts at filing. Severe reports reach the owner (the manager, else the coordinator) and the
    coordinator at once; others reach the owner the same working day (at the digest time when that is still
    ahead today, else at once). Where no push channel reaches someone, the report waits in the back-office
    inbox, and the reporter is told exactly that.
    """

    def __init__(
        self,
        org: Organisation,
        texts: Texts | None = None,
        policy: FollowUpPolicy | None = None,
        tz: tzinfo | None = None,
        push_channels: Collection[str] = (),
    ) -> None:
        self.org = org
        self.texts = texts or default_texts()
        self.policy = policy or FollowUpPolicy()
        self.tz = tz or ZoneInfo("Europe/Amsterdam")
        self.push_channels = frozenset(push_channels)

    def __call__(self, uow: UnitOfWork, report: Report, reporter: Employee, now: datetime) -> tuple[Reply, ...]:
        t = self.texts
        uow.reports.add(report)
        uow.audit.record(now, reporter.id, "report_filed", report.reference,
                         {"severe": report.severe, "channel": report.channel})
        store = uow.followup
        schedule_checkins(store, report, self.policy)
        victim = self._tell_victim(uow, report, reporter, now)
        subject = concerned(self.org, report, reporter)  # the colleague it happened to, or the reporter
        found = recipient_for(self.org, subject)
        if found is None:
            logger.warning("report %s: nobody to tell (no manager or coordinator in the organisation file)",
                           report.reference)
            return (Reply(t("filed_nobody_to_tell")), *victim)
        owner, _role = found
        clocks = plan_clocks(report, now, self.tz, self.policy.holiday)
        for clock in clocks:
            first_alert = alert_points(clock.kind, clock.starts_at, clock.due_at)[0]
            store.add_clock(report.reference, clock.kind, owner.id, clock.starts_at, clock.due_at, first_alert)
        notices = self.policy.notices(self.org, reporter, report, now, self.tz)
        for notice in notices:
            self._tell(uow, notice, report, reporter, subject, owner, clocks, now)
        replies = [Reply(self._how_told(uow, notices, owner)), *victim]
        aangifte = next((c for c in clocks if c.kind == AANGIFTE_2WD), None)
        if AANGIFTE_WISH in report.wants and aangifte is not None:
            replies.append(Reply(t("filed_aangifte_task", name=owner.name, due=local(aangifte.due_at, self.tz))))
        elif needs_aangifte(report) and not report.severe:
            replies.append(Reply(t("next_steps_aangifte", reference=report.reference)))
        if AFTERCARE_WISH in report.wants:
            contact = referral_contact(self.org)
            if contact is not None and contact.email and EMAIL in self.push_channels:
                replies.append(referral_question(t, report.reference, contact))
            else:
                replies.append(Reply(t("filed_referral_by_manager", name=owner.name)))
        return tuple(replies)

    def _tell_victim(self, uow: UnitOfWork, report: Report, reporter: Employee, now: datetime) -> tuple[Reply, ...]:
        """The colleague it happened to hears of the report, only when the reporter agreed (the check-ins follow)."""
        victim = self.org.employee(report.victim_id) if report.victim_id and report.victim_told else None
        if victim is None:
            return ()
        t = self.texts
        inline = when_inline(Occurrence.of(report), self.tz, t)
        notice = t("victim_notice", first=first_name(victim.name), reporter=reporter.name,
                   when=f" {inline}" if inline else "", reference=report.reference)
        uow.outbox.add(victim.id, [Reply(notice)], due_at=now, kind="victim_notice",
                       dedup_key=f"victim:{report.reference}", data={"reference": report.reference})
        uow.audit.record(now, reporter.id, "victim_told", report.reference)
        return (Reply(t("filed_victim_told", name=victim.name, first=first_name(victim.name))),)

    def _tell(self, uow: UnitOfWork, notice: Notice, report: Report, reporter: Employee, subject: Employee,
              owner: Employee, clocks: Sequence[ClockPlan], now: datetime) -> None:
        if notice.kind == "digest":
            uow.followup.add_digest_item(notice.recipient_id, report.reference, notice.at)
            return
        if notice.kind == "coordinator_alert":
            reply = manager_reply(report, reporter, clocks, self.texts, self.tz, owner=owner, concerns=subject)
            key = f"coordinator:{report.reference}"
        else:
            reply = manager_reply(report, reporter, clocks, self.texts, self.tz, concerns=subject)
            key = f"escalation:{report.reference}"
        uow.outbox.add(notice.recipient_id, [reply], due_at=now, kind=notice.kind, dedup_key=key,
                       data={"reference": report.reference})

    def _how_told(self, uow: UnitOfWork, notices: tuple[Notice, ...], owner: Employee) -> str:
        """The truthful sentence about who hears of the report, and how."""
        t = self.texts
        unreachable = []
        for notice in notices:
            person = self.org.employee(notice.recipient_id)
            if person is None:
                continue
            channels = [channel for channel, _id, address in uow.identities.addresses_of(person.id) if address]
            if not reachable(person, channels, self.push_channels):
                unreachable.append(person)
        if owner in unreachable:
            return t("filed_told_inbox", name=owner.name)
        severe = any(n.kind == "coordinator_alert" for n in notices)
        owner_notice = notices[0]
        if owner_notice.kind == "digest":
            return t("filed_told_today", name=owner.name, time=owner_notice.at.astimezone(self.tz).strftime("%H:%M"))
        if severe and not unreachable:
            return t("filed_told_now_both", name=owner.name)
        return t("filed_told_now", name=owner.name)
