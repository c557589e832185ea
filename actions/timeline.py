"""The follow-up policy as pure functions: which clocks run, when reminders fall, who is told and with which text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from actions.calendar import HolidayCheck, is_dutch_holiday, is_working_day
from bot.domain.model import Employee, Organisation, Report

# The clocks of a report (see the domain brief, "Timelines"); every one runs from the moment of filing.
CONTACT_TODAY = "contact_today"  # the manager contacts the employee the same day (within 24 hours)
PERPETRATOR_48H = "perpetrator_48h"  # a reaction to the citizen within 48 hours
SUPPORT_72H = "support_72h"  # a first-support talk within 72 hours
AANGIFTE_2WD = "aangifte_2wd"  # help with aangifte within 2 working days
REFERRAL_2WD = "referral_2wd"  # the reporter asked for someone to talk to: a referral within 2 working days
CLOCK_KINDS = (CONTACT_TODAY, PERPETRATOR_48H, SUPPORT_72H, AANGIFTE_2WD, REFERRAL_2WD)


@dataclass(frozen=True, slots=True)
class ClockRule:
    """How long a clock runs: hours, or working days (weekends and Dutch public holidays do not count)."""

    kind: str
    hours: int = 0
    working_days: int = 0
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=4))  # before the deadline


CLOCK_RULES: dict[str, ClockRule] = {
    CONTACT_TODAY: ClockRule(CONTACT_TODAY, hours=24, reminders=(timedelta(hours=16), timedelta(hours=4))),
    PERPETRATOR_48H: ClockRule(PERPETRATOR_48H, hours=48),
    SUPPORT_72H: ClockRule(SUPPORT_72H, hours=72),
    AANGIFTE_2WD: ClockRule(AANGIFTE_2WD, working_days=2),
    REFERRAL_2WD: ClockRule(REFERRAL_2WD, working_days=2),
}
# Kept for readers of the old name: reminders before each deadline.
REMINDERS_BEFORE_DUE = {kind: rule.reminders for kind, rule in CLOCK_RULES.items()}

# Forms of behaviour that are likely a criminal offence: aangifte is offered for each.
AANGIFTE_FORMS = frozenset({
    "bedreigen", "doodsbedreiging", "lichamelijk_geweld", "vasthouden_insluiten", "gooien_voorwerpen", "vernieling",
    "online_doxing", "stalking", "discriminatie", "seksueel", "chantage",
})
AANGIFTE_WISH, AFTERCARE_WISH = "aangifte_help", "aftercare"

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_PART = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_CLOCK_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


@dataclass(frozen=True, slots=True)
class ClockPlan:
    """One deadline of a report, from the moment it was filed."""

    kind: str
    starts_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Notice:
    """Someone to tell about a report: who, in which role, with which outbox kind, and when."""

    recipient_id: str
    role: str  # "manager" | "coordinator"
    kind: str  # "escalation" (the owner), "coordinator_alert" (the coordinator, for severe reports), "digest"
    at: datetime


@dataclass(frozen=True, slots=True)
class Alert:
    """A message at a reminder point or a deadline: to whom, the outbox kind and the text key."""

    recipient_id: str
    kind: str
    text_key: str


def needs_aangifte(report: Report) -> bool:
    """Aangifte is offered for every likely criminal offence: threats, violence, doxing, stalking, vernieling, ..."""
    return (report.primary_form in ("bedreiging", "fysiek") or report.doxing
            or bool(AANGIFTE_FORMS & set(report.forms)))


def add_working_days(start: datetime, days: int, tz: tzinfo, holiday: HolidayCheck = is_dutch_holiday) -> datetime:
    """The same local time `days` working days later; weekends and Dutch public holidays are not counted."""
    local = start.astimezone(tz)
    day: date = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holiday):
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz).astimezone(start.tzinfo)


def clock_kinds(report: Report) -> tuple[str, ...]:
    """The clocks of a report: always contact, reaction and support; aangifte and referral when they apply."""
    kinds = [CONTACT_TODAY, PERPETRATOR_48H, SUPPORT_72H]
    if needs_aangifte(report) or AANGIFTE_WISH in report.wants:
        kinds.append(AANGIFTE_2WD)
    if AFTERCARE_WISH in report.wants:
        kinds.append(REFERRAL_2WD)
    return tuple(kinds)


def due_at(kind: str, starts_at: datetime, tz: tzinfo, holiday: HolidayCheck = is_dutch_holiday) -> datetime:
    rule = CLOCK_RULES[kind]
    if rule.working_days:
        return add_working_days(starts_at, rule.working_days, tz, holiday)
    return starts_at + timedelta(hours=rule.hours)


def plan_clocks(report: Report, filed_at: datetime, tz: tzinfo,
                holiday: HolidayCheck = is_dutch_holiday) -> list[ClockPlan]:
    """The clocks for a report, all starting when it is filed (never when a manager happens to read it)."""
    return [ClockPlan(kind, filed_at, due_at(kind, filed_at, tz, holiday)) for kind in clock_kinds(report)]


def met(plan: ClockPlan, done_at: datetime | None) -> bool:
    """A clock is met when its action was recorded at or before the deadline."""
    return done_at is not None and done_at <= plan.due_at


def alert_points(kind: str, starts_at: datetime, due: datetime) -> tuple[datetime, ...]:
    """When the owner is reminded, in order, ending with the deadline itself (the escalation)."""
    rule = CLOCK_RULES.get(kind)
    reminders = sorted(due - before for before in (rule.reminders if rule else ()))
    return (*(r for r in reminders if starts_at < r < due), due)


def due_alert(points: tuple[datetime, ...], done: int, now: datetime) -> tuple[int, datetime | None] | None:
    """The alert to send now: (index into points, when the next one is due), or None when none is due.

    Alerts missed while the server was down are not all sent: only the latest one that is due.
    The last point is the deadline (escalation); after it, nothing follows.
    """
    due = [i for i in range(done, len(points)) if points[i] <= now]
    if not due:
        return None
    index = due[-1]
    return index, (points[index + 1] if index + 1 < len(points) else None)


def concerned(org: Organisation, report: Report, reporter: Employee) -> Employee:
    """Whom the report is about: the colleague it happened to when one from the organisation file was named
    (a report for a colleague, or by a witness), else the reporter."""
    victim = org.employee(report.victim_id) if report.victim_id else None
    return victim or reporter


def recipient_for(org: Organisation, person: Employee) -> tuple[Employee, str] | None:
    """Who owns the follow-up of a report about `person`: their manager, else the coordinator (with the role)."""
    manager = org.manager_of(person.id)
    if manager is not None and manager.id != person.id:
        return manager, "manager"
    coordinator = org.employee(org.coordinator_id) if org.coordinator_id else None
    if coordinator is not None and coordinator.id != person.id:
        return coordinator, "coordinator"
    return None


def alerts_for(kind_index: int, points: int, owner_id: str, coordinator_id: str | None,
               reporter_id: str) -> tuple[Alert, ...]:
    """Before the deadline: a reminder to the owner. At the deadline: the coordinator (else the owner again),
    and the reporter hears in one sentence that the deadline was missed and who is on it now."""
    if kind_index < points - 1:
        return (Alert(owner_id, "reminder", "reminder"),)
    if coordinator_id and coordinator_id not in (owner_id, reporter_id):
        return (Alert(coordinator_id, "clock_escalation", "clock_escalated"),
                Alert(reporter_id, "deadline_missed", "deadline_missed_coordinator"))
    return (Alert(owner_id, "clock_overdue", "clock_overdue"),
            Alert(reporter_id, "deadline_missed", "deadline_missed_owner"))


def parse_schedule(spec: str) -> tuple[timedelta, ...]:
    """'1d,14d,42d' → offsets after the incident; units s, m, h, d (seconds for demos and tests)."""
    offsets: list[timedelta] = []
    for part in spec.split(","):
        if not part.strip():
            continue
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"invalid aftercare schedule entry {part!r}: use a number and s, m, h or d")
        offsets.append(timedelta(**{_UNITS[match.group(2)]: float(match.group(1))}))
    if offsets != sorted(offsets):
        raise ValueError("aftercare schedule entries must be in increasing order")
    return tuple(offsets)


def parse_clock_time(value: str) -> time | None:
    """'08:00' → 08:00; an empty value means: no digest, everything is sent at once."""
    if not value.strip():
        return None
    match = _CLOCK_TIME.match(value)
    if match is None:
        raise ValueError(f"invalid time of day {value!r}: use HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


def next_digest_at(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The first local `at` strictly after `now` (daylight saving time included)."""
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), at, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)
    return candidate.astimezone(now.tzinfo)


@dataclass(frozen=True, slots=True)
class FollowUpPolicy:
    """How follow-up is timed: check-ins, the digest and which reports go out at once."""

    aftercare: tuple[timedelta, ...] = (timedelta(days=1), timedelta(days=14), timedelta(days=42))
    digest_at: time | None = time(8, 0)
    severe_immediately: bool = True
    holiday: HolidayCheck = is_dutch_holiday

    def manager_told_at(self, report: Report, filed_at: datetime, tz: tzinfo) -> datetime:
        """Severe: at once. Others the same working day: at the digest time when it is still ahead today on a
        working day, else at once (a digest never moves the news to another day; the clocks never wait)."""
        if self.digest_at is None or (report.severe and self.severe_immediately):
            return filed_at
        local = filed_at.astimezone(tz)
        if not is_working_day(local.date(), self.holiday):
            return filed_at
        digest = datetime.combine(local.date(), self.digest_at, tzinfo=tz)
        return digest.astimezone(filed_at.tzinfo) if local < digest else filed_at

    def immediate(self, report: Report, filed_at: datetime, tz: tzinfo) -> bool:
        return self.manager_told_at(report, filed_at, tz) == filed_at

    def notices(self, org: Organisation, reporter: Employee, report: Report, filed_at: datetime,
                tz: tzinfo) -> tuple[Notice, ...]:
        """Who is told at filing: the owner (at once or at today's digest); for severe reports the coordinator too."""
        found = recipient_for(org, concerned(org, report, reporter))
        if found is None:
            return ()
        owner, role = found
        at = self.manager_told_at(report, filed_at, tz)
        told = [Notice(owner.id, role, "escalation" if at == filed_at else "digest", at)]
        coordinator = org.coordinator_id
        if report.severe and coordinator and coordinator not in (owner.id, reporter.id):
            told.append(Notice(coordinator, "coordinator", "coordinator_alert", filed_at))
        return tuple(told)

    def stress_check(self, index: int) -> bool:
        """The last check-in (about six weeks) also asks about stress signs, when there are several."""
        return len(self.aftercare) > 1 and index == len(self.aftercare) - 1
