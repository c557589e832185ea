"""When an incident happened: the moment the reporter meant, and absolute Dutch dates and times to show it.

The understanding reads a clock time ("om 14:00", "rond 4 uur") as a half-hour interval around it
(13:45–14:15). Reports keep that interval *and* the moment the reporter named (14:00), so that no
draft or summary shows 13:45 for "om 14:00", and none keeps words like "vanmiddag" or "gisteren",
which mean something else on the day someone reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from bot.conversation.answers import normalise
from bot.conversation.texts import Texts
from bot.domain.model import Report

CLOCK_TOLERANCE = timedelta(minutes=30)  # a clock time, read as 15 minutes either side of it
AROUND_WORDS = frozenset({"rond", "omstreeks", "ongeveer", "circa", "ca", "plusminus"})
AFTER_WORDS = frozenset({"na", "vanaf"})
BEFORE_WORDS = frozenset({"voor", "tot"})
_DAY = timedelta(days=1)


def meant_instant(start: datetime, end: datetime) -> datetime | None:
    """The clock time the reporter named ('om 14:00' → 14:00), or None when the words name a longer period."""
    if end - start == CLOCK_TOLERANCE:
        return start + CLOCK_TOLERANCE / 2
    return None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """When it happened, as stored: the interval, the moment meant (if one), and the reporter's words."""

    start: datetime | None
    end: datetime | None = None
    at: datetime | None = None
    words: str | None = None

    @classmethod
    def of(cls, report: Report) -> Occurrence:
        return cls(report.occurred_start, report.occurred_end, report.occurred_at, report.occurred_text)


def when_text(when: Occurrence, tz: tzinfo, texts: Texts) -> str | None:
    """The absolute date and time for a summary or a draft ('dinsdag 24 november 2026, 14:00'); None if unknown."""
    kind, values = _parts(when, tz, texts)
    return texts.label("when_display", kind).format(**values) if kind else None


def when_inline(when: Occurrence, tz: tzinfo, texts: Texts) -> str | None:
    """The same inside a sentence ('op dinsdag 24 november 2026 om 14:00'); None if unknown."""
    kind, values = _parts(when, tz, texts)
    return texts.label("when_inline", kind).format(**values) if kind else None


def with_absolute_time(text: str, when: Occurrence, tz: tzinfo, texts: Texts) -> str:
    """The reporter's words with the time words they used ('Vanmiddag om 14:00') replaced by the date and time.

    Only the words the time was read from are replaced; the rest stays exactly as typed.
    """
    inline = when_inline(when, tz, texts)
    if not inline or not when.words or not when.words.strip():
        return text
    found = re.search(re.escape(when.words.strip()), text, flags=re.IGNORECASE)
    if found is None:
        return text
    said = found.group(0)
    if said[:1].isupper() and (found.start() == 0 or text[: found.start()].rstrip().endswith((".", "!", "?"))):
        inline = inline[:1].upper() + inline[1:]
    return text[: found.start()] + inline + text[found.end():]


def _parts(when: Occurrence, tz: tzinfo, texts: Texts) -> tuple[str | None, dict[str, str]]:
    """Which phrase fits (a text key under when_display / when_inline) and its values."""
    words = set(normalise(when.words or "").split())
    at = when.at
    if at is None and when.start is not None and when.end is not None:
        at = meant_instant(when.start, when.end)  # reports from before the moment was stored
    if at is None and when.start is not None and when.end is None:
        at = when.start
    if at is not None:
        local = at.astimezone(tz)
        kind = "around" if words & AROUND_WORDS else "at"
        return kind, {"date": _date(local, texts), "time": _clock(local.time())}
    if when.start is None or when.end is None:
        return None, {}
    start, end = when.start.astimezone(tz), when.end.astimezone(tz)
    if start.time() == time(0) and end.time() == time(0) and end > start:
        last = end - _DAY
        if last.date() == start.date():
            return "day", {"date": _date(start, texts)}
        first = _date(start, texts, year=start.year != last.year)
        return "days", {"first": first, "last": _date(last, texts)}
    same_day = end.date() == start.date() or (end.time() == time(0) and (end - _DAY).date() == start.date())
    if same_day:
        date = _date(start, texts)
        end_clock = "24:00" if end.date() != start.date() else _clock(end.time())
        if end - start == timedelta(hours=1) and words & AFTER_WORDS:
            return "after", {"date": date, "time": _clock(start.time())}
        if end - start == timedelta(hours=1) and words & BEFORE_WORDS:
            return "before", {"date": date, "time": end_clock}
        return "between", {"date": date, "start": _clock(start.time()), "end": end_clock}
    return "span", {"start": f"{_date(start, texts)}, {_clock(start.time())}",
                    "end": f"{_date(end, texts)}, {_clock(end.time())}"}


def _date(moment: datetime, texts: Texts, *, year: bool = True) -> str:
    values = {
        "weekday": texts.label("weekdays", str(moment.weekday())),
        "day": str(moment.day),
        "month": texts.label("months", str(moment.month)),
        "year": str(moment.year),
    }
    return texts.label("when_date", "with_year" if year else "without_year").format(**values)


def _clock(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"
