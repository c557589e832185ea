"""Steering figures as pure computations: periods, counts with small-cell suppression, clocks, rates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

SMALL_CELL = 5  # counts 1..4 are shown as "<5" where a person could be recognised
SUPPRESSED = "<5"
NOT_AVAILABLE = "–"
MAX_MONTHS = 36  # the monthly chart covers at most three years
CLOCK_KINDS = ("contact_today", "support_72h", "perpetrator_48h", "aangifte_2wd")
# Clock outcomes: answered on time, answered late, open past its deadline (missed), open and not yet due.
ON_TIME, LATE, MISSED, OPEN = "on_time", "late", "missed", "open"
CHECKIN_ASKED = ("asked", "answered", "expired")  # check-ins that reached the employee


class PeriodError(ValueError):
    """A period the figures cannot be computed for (unreadable dates, end before start)."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days in local time, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("end before start")

    def months(self) -> list[date]:
        """The first day of every calendar month the period touches (at most MAX_MONTHS, the last ones)."""
        first = self.start.replace(day=1)
        out = []
        while first <= self.end:
            out.append(first)
            first = next_month(first)
        return out[-MAX_MONTHS:]

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: local midnight of the first day, local midnight after the last."""
        return local_midnight(self.start, tz), local_midnight(self.end + timedelta(days=1), tz)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def default_period(today: date) -> Period:
    """The last 12 months: from the first of the month eleven months back up to today."""
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return Period(start, today)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def parse_period(van: str | None, tot: str | None, today: date) -> Period:
    """The period of the query parameters `van` and `tot` (YYYY-MM-DD); a missing end is today, a missing
    start is 12 months before the end."""
    try:
        end = date.fromisoformat(tot) if tot else today
        start = date.fromisoformat(van) if van else default_period(end).start
    except ValueError as exc:
        raise PeriodError(str(exc)) from exc
    return Period(start, end)


def month_boundaries(months: Sequence[date], tz: tzinfo) -> list[datetime]:
    """Instants where each month starts in local time, plus where the month after the last starts."""
    if not months:
        return []
    return [local_midnight(m, tz) for m in months] + [local_midnight(next_month(months[-1]), tz)]


def suppressed(n: int, suppress: bool) -> bool:
    """A count that could point at a person: 1 to 4 (zero reveals nobody)."""
    return suppress and 0 < n < SMALL_CELL


def count_text(n: int, suppress: bool = False) -> str:
    """A count as shown: '<5' when suppressed, else with a Dutch thousands separator."""
    if suppressed(n, suppress):
        return SUPPRESSED
    return f"{n:,}".replace(",", ".")


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent_text(part: int, whole: int, suppress: bool = False) -> str:
    """A share as a whole percentage; '–' without a denominator, or when the parts are small cells."""
    value = share(part, whole)
    if value is None or suppressed(whole, suppress) or suppressed(part, suppress):
        return NOT_AVAILABLE
    return f"{round(value * 100)}%"


def per_hundred(reports: int, employees: int) -> float | None:
    """Reports per 100 employees: the reporting-willingness proxy of a team."""
    return reports * 100 / employees if employees else None


def rate_text(reports: int, employees: int, suppress: bool = False) -> str:
    rate = per_hundred(reports, employees)
    if rate is None or suppressed(reports, suppress):
        return NOT_AVAILABLE
    return f"{rate:.1f}".replace(".", ",")


def median_from_histogram(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how often) pairs: the middle value, or the mean of the two
    middle values for an even total."""
    items = sorted((v, c) for v, c in pairs if c > 0)
    total = sum(c for _, c in items)
    if total == 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen = 0
    lower: float | None = None
    for value, count in items:
        if lower is None and seen + count > lower_rank:
            lower = value
        if seen + count > upper_rank:
            assert lower is not None
            return (lower + value) / 2
        seen += count
    raise AssertionError("unreachable")


def duration_text(minutes: float | None) -> str:
    """'45 min', '3 u 20 min', '2 d 4 u' (Dutch abbreviations), '–' without a value."""
    if minutes is None:
        return NOT_AVAILABLE
    total = round(minutes)
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    if hours < 24:
        return f"{hours} u {mins} min" if mins else f"{hours} u"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} u" if hours else f"{days} d"


def clock_outcome(due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> str:
    """How one deadline went: on time (acknowledged by the deadline), late, missed (open and overdue), open."""
    if acknowledged_at is not None:
        return ON_TIME if acknowledged_at <= due_at else LATE
    return MISSED if due_at < now else OPEN


@dataclass(frozen=True, slots=True)
class ClockTally:
    """How one kind of deadline went over many reports; `minutes` holds (minutes to acknowledge, count)."""

    kind: str
    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0
    minutes: tuple[tuple[float, int], ...] = ()

    @property
    def decided(self) -> int:
        """Deadlines whose outcome is known: answered, or past due without an answer."""
        return self.on_time + self.late + self.missed

    @property
    def median_minutes(self) -> float | None:
        return median_from_histogram(self.minutes)


@dataclass(frozen=True, slots=True)
class TeamCount:
    """Reports of one team in a period, beside the team's size."""

    team_id: str
    name: str
    employees: int
    reports: int
    severe: int


@dataclass(frozen=True, slots=True)
class Aftercare:
    """Check-ins of the period's reports: asked, answered, and the moods answered."""

    asked: int = 0
    answered: int = 0
    moods: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the figures page, the yearly overview and their tables show, as plain numbers."""

    period: Period
    months: tuple[tuple[date, int], ...]
    total: int
    severe: int
    by_form: Mapping[str | None, int]
    by_abcd: Mapping[str | None, int]
    by_location: Mapping[str | None, int]
    clocks: tuple[ClockTally, ...]
    teams: tuple[TeamCount, ...]
    aftercare: Aftercare

    @property
    def employees(self) -> int:
        return sum(t.employees for t in self.teams)


def ordered(counts: Mapping[str | None, int], keys: Sequence[str]) -> list[tuple[str | None, int]]:
    """Counts in the vocabulary's order, then unknown keys by name, then the missing value (None) last;
    known keys are always present (zero when absent)."""
    out: list[tuple[str | None, int]] = [(k, counts.get(k, 0)) for k in keys]
    out += sorted(((k, v) for k, v in counts.items() if k is not None and k not in keys), key=lambda kv: str(kv[0]))
    if counts.get(None):
        out.append((None, counts[None]))
    return out


def team_sizes(employee_teams: Iterable[str | None]) -> dict[str, int]:
    """Employees per team id, from the team ids of everyone in the organisation file."""
    sizes: dict[str, int] = {}
    for team_id in employee_teams:
        if team_id is not None:
            sizes[team_id] = sizes.get(team_id, 0) + 1
    return sizes
