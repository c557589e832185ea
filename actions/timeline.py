"""Follow-up timelines as pure functions: the manager's clocks, working days, digest and check-in times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from bot.domain.model import Report

# The clocks a manager works against (see the domain brief, "Timelines").
CONTACT_TODAY = "contact_today"  # contact the employee the same day (within 24 hours)
SUPPORT_72H = "support_72h"  # a first-support talk within 72 hours
PERPETRATOR_48H = "perpetrator_48h"  # a reaction to the perpetrator within 48 hours
AANGIFTE_2WD = "aangifte_2wd"  # aangifte within 2 working days, for threats and physical violence
CLOCK_KINDS = (CONTACT_TODAY, SUPPORT_72H, PERPETRATOR_48H, AANGIFTE_2WD)

# Reminders to the owner of a clock, as time before its deadline; at the deadline it escalates.
# For the 48-hour rule that gives reminders after 24 h and 44 h and escalation at 48 h.
REMINDERS_BEFORE_DUE: dict[str, tuple[timedelta, ...]] = {
    CONTACT_TODAY: (timedelta(hours=16), timedelta(hours=4)),
    SUPPORT_72H: (timedelta(hours=24), timedelta(hours=4)),
    PERPETRATOR_48H: (timedelta(hours=24), timedelta(hours=4)),
    AANGIFTE_2WD: (timedelta(hours=24), timedelta(hours=4)),
}

AANGIFTE_FORMS = {"bedreigen", "doodsbedreiging", "lichamelijk_geweld", "vasthouden_insluiten", "online_doxing",
                  "stalking", "gooien_voorwerpen"}

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_PART = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_CLOCK_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


@dataclass(frozen=True, slots=True)
class ClockPlan:
    """One deadline for a report, from the moment the manager is told."""

    kind: str
    starts_at: datetime
    due_at: datetime


def needs_aangifte(report: Report) -> bool:
    """Aangifte is expected for threats and physical violence (and doxing, a crime since 2024)."""
    return report.primary_form in ("bedreiging", "fysiek") or report.doxing or bool(AANGIFTE_FORMS & set(report.forms))


def add_working_days(start: datetime, days: int, tz: tzinfo) -> datetime:
    """The same local time `days` working days (Monday to Friday) later; public holidays are not counted."""
    local = start.astimezone(tz)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz).astimezone(start.tzinfo)


def plan_clocks(report: Report, starts_at: datetime, tz: tzinfo) -> list[ClockPlan]:
    """The clocks for a report, starting when its manager is told (at once, or at the digest)."""
    plans = [
        ClockPlan(CONTACT_TODAY, starts_at, starts_at + timedelta(hours=24)),
        ClockPlan(SUPPORT_72H, starts_at, starts_at + timedelta(hours=72)),
        ClockPlan(PERPETRATOR_48H, starts_at, starts_at + timedelta(hours=48)),
    ]
    if needs_aangifte(report):
        plans.append(ClockPlan(AANGIFTE_2WD, starts_at, add_working_days(starts_at, 2, tz)))
    return plans


def alert_points(kind: str, starts_at: datetime, due_at: datetime) -> tuple[datetime, ...]:
    """When the owner is reminded, in order, ending with the deadline itself (the escalation)."""
    reminders = sorted(due_at - before for before in REMINDERS_BEFORE_DUE.get(kind, ()))
    return (*(r for r in reminders if starts_at < r < due_at), due_at)


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

    def immediate(self, report: Report) -> bool:
        """Severe reports go to the manager at once; others wait for the daily digest (when there is one)."""
        if self.digest_at is None:
            return True
        return report.severe and self.severe_immediately

    def stress_check(self, index: int) -> bool:
        """The last check-in (about six weeks) also asks about stress signs, when there are several."""
        return len(self.aftercare) > 1 and index == len(self.aftercare) - 1
