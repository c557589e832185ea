"""Time phrases the token rules in timeparse do not cover: ranges, periods, seasons, holidays, odd clock forms.

Every phrase resolves to the most recent past moment it can mean (an incident has happened); `resolve_special`
returns None when none of these shapes is in the text, and timeparse then reads it as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nlu.textnorm import fold

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sept": 9,
    "sep": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUM_WORDS = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12,
}  # fmt: skip
_NUM = r"(\d{1,2}|" + "|".join(_NUM_WORDS) + ")"
WEEKDAY_ABBREVIATIONS = {
    "ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag", "za": "zaterdag",
    "zo": "zondag", "woe": "woensdag", "zat": "zaterdag", "zon": "zondag", "vrij": "vrijdag",
}  # fmt: skip
_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_DOTTED_WEEKDAY = re.compile(r"(?<![\w.])(ma|di|woe|wo|do|vr|za|zo)\.(?=\s|$|,)", re.IGNORECASE)
# "zat.", "zon.", "vrij." are also words ("terwijl ik zat."): a weekday only before a date or on their own
_DOTTED_WORD_WEEKDAY = re.compile(r"(?<![\w.])(vrij|zat|zon)\.(?=\s*,?\s*\d|\s*$)", re.IGNORECASE)

Span = tuple[datetime, datetime]


def expand_weekday_abbreviations(text: str) -> str:
    """'vr. 14:00' -> 'vrijdag 14:00': dotted weekday abbreviations written out (the dot marks them)."""
    text = _DOTTED_WEEKDAY.sub(lambda m: WEEKDAY_ABBREVIATIONS[m.group(1).lower()], text)
    if _DOTTED_WORD_WEEKDAY.search(text) and (text.strip().count(" ") < 2 or any(c.isdigit() for c in text)):
        text = _DOTTED_WORD_WEEKDAY.sub(lambda m: WEEKDAY_ABBREVIATIONS[m.group(1).lower()], text)
    return text


def _n(word: str) -> int:
    return int(word) if word.isdigit() else _NUM_WORDS[word]


def _start(d: date, tz: ZoneInfo, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=tz)


def _days(first: date, last: date, tz: ZoneInfo) -> Span:
    return _start(first, tz), _start(last + timedelta(days=1), tz)


def _past_year(today: date, make: Callable[[int], date]) -> date:
    """The most recent date make(year) on or before today."""
    d = make(today.year)
    return d if d <= today else make(today.year - 1)


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _kings_day(year: int) -> date:
    d = date(year, 4, 27)
    return d - timedelta(days=1) if d.weekday() == 6 else d


# holiday -> (first day, number of days, hours) ; hours None = whole days
_HOLIDAYS: tuple[tuple[str, Callable[[int], date], int, tuple[int, int] | None], ...] = (
    (r"eerste kerstdag", lambda y: date(y, 12, 25), 1, None),
    (r"tweede kerstdag", lambda y: date(y, 12, 26), 1, None),
    (r"kerstavond", lambda y: date(y, 12, 24), 1, (18, 24)),
    (r"(?:met |tijdens (?:de )?)kerst(?:mis|dagen)?|kerstdagen", lambda y: date(y, 12, 25), 2, None),
    (r"kerst(?:mis)?", lambda y: date(y, 12, 25), 1, None),
    (r"oudejaarsavond|oudjaarsavond|oud en nieuw", lambda y: date(y, 12, 31), 1, (18, 24)),
    (r"oudejaarsdag|oudjaarsdag|oudjaar", lambda y: date(y, 12, 31), 1, None),
    (r"nieuwjaarsdag|nieuwjaar", lambda y: date(y, 1, 1), 1, None),
    (r"koningsdag|koninginnedag|king'?s day", _kings_day, 1, None),
    (r"bevrijdingsdag", lambda y: date(y, 5, 5), 1, None),
    (r"goede vrijdag", lambda y: easter(y) - timedelta(days=2), 1, None),
    (r"eerste paasdag|paaszondag", easter, 1, None),
    (r"tweede paasdag|paasmaandag", lambda y: easter(y) + timedelta(days=1), 1, None),
    (r"(?:met |tijdens )?pasen", easter, 2, None),
    (r"hemelvaart(?:sdag)?", lambda y: easter(y) + timedelta(days=39), 1, None),
    (r"tweede pinksterdag|pinkstermaandag", lambda y: easter(y) + timedelta(days=50), 1, None),
    (r"(?:met |tijdens )?pinksteren|eerste pinksterdag", lambda y: easter(y) + timedelta(days=49), 2, None),
    (r"moederdag", lambda y: _nth_sunday(y, 5, 2), 1, None),
    (r"vaderdag", lambda y: _nth_sunday(y, 6, 3), 1, None),
    (r"pakjesavond|sinterklaasavond", lambda y: date(y, 12, 5), 1, (18, 24)),
    (r"sinterklaas", lambda y: date(y, 12, 5), 1, None),
    (r"valentijnsdag", lambda y: date(y, 2, 14), 1, None),
    (r"halloween", lambda y: date(y, 10, 31), 1, None),
    (r"allerheiligen", lambda y: date(y, 11, 1), 1, None),
    (r"allerzielen", lambda y: date(y, 11, 2), 1, None),
)
_HOLIDAY_RES = tuple(
    (re.compile(r"(?<!\w)(?:" + pattern + r")(?!\w)(?:\s+(\d{4})(?!\w))?"), make, n, hours)
    for pattern, make, n, hours in _HOLIDAYS
)
# Every holiday's words in one pattern: a text it does not match names no holiday, and the 25 above are
# not tried one by one (most texts name none).
_ANY_HOLIDAY = re.compile(r"(?<!\w)(?:" + "|".join(pattern for pattern, _, _, _ in _HOLIDAYS) + r")(?!\w)")
_SEASONS = {"winter": 12, "lente": 3, "voorjaar": 3, "zomer": 6, "herfst": 9, "najaar": 9}

_CLOCK = r"(\d{1,2})(?:[:.uh](\d{2}))?"
_RANGE_CLOCK = re.compile(
    r"(?<![\w.:])" + _CLOCK + r"\s*(?:(?:uur|u|h)\s*)?(?:-|–|tot|t/m|maar voor|en voor)\s*" + _CLOCK
    + r"(?:\s*(?:uur|u|h))?(?![\w.:])"
)
_FROM_TO_HOURS = re.compile(r"(?<!\w)van (\d{1,2}) (?:uur )?tot (\d{1,2})(?: uur)?(?![\w.:])")
_RANGE_DAYS = re.compile(
    r"(?<![\w.])(\d{1,2})\s*(?:t/m|tm|tot en met|-|–|tot)\s*(\d{1,2})\s+(" + _MONTH_RE + r")\.?"
    r"(?:\s+(\d{4}))?(?!\w)"
)
_MONTH_FIRST = re.compile(r"(?<![\w.])(?<!\d\s)(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?(?![\w:.])")
_LAST_N = re.compile(
    r"(?:afgelopen|laatste|voorbije|vorige) " + _NUM
    + r" (seconde|seconden|secondes|minuut|minuten|uur|dag|dagen|week|weken|maand|maanden|jaar|jaren)(?!\w)"
)
_WEEKS_AGO = re.compile(_NUM + r" (week|weken|maand|maanden|jaar) (?:geleden|terug)")
_YEAR = re.compile(r"(?<!\w)(vorig|vorige|verleden|afgelopen|dit|deze) jaar(?!\w)")
_QUARTER = re.compile(r"(?<!\w)(vorig|vorige|afgelopen|dit|deze) kwartaal(?!\w)")
_SEASON = re.compile(
    r"(?<!\w)(vorige|afgelopen|deze|in de|vorig|vorig jaar in de) (" + "|".join(_SEASONS) + r")(?!\w)"
)
_EARLY_HOUR = re.compile(
    r"(?<![\w:.])" + _NUM + r" uur (?:in de (?:morgen|ochtend|nacht)|'?s (?:morgens|nachts|ochtends))"
)
_HOUR_MINUTES = re.compile(
    r"(?<![\w:.])" + _NUM + r" uur (\d{1,2})(?: minuten)? ('?s (?:middags|avonds|ochtends|morgens|nachts)|"
    r"in de (?:middag|avond|ochtend|morgen|nacht))?(?!\w)"
)
_AFTER_LUNCH = re.compile(r"(?<!\w)na (?:de )?(?:lunch|lunchpauze|middagpauze)(?!\w)")
_WD_RE = "|".join(_WEEKDAYS)
_WEEKDAY_OF_WEEK = re.compile(
    r"(?<!\w)(?:(" + _WD_RE + r") (?:van )?(?:de )?(deze|vorige|afgelopen|volgende|komende) week"
    r"|(deze|volgende|komende) week (?:op )?(" + _WD_RE + r")|(" + _WD_RE + r") over een week)(?!\w)"
)
_NEXT_WEEKDAY = re.compile(r"(?<!\w)(?:komende|aanstaande|volgende) (" + _WD_RE + r")(?!\w)")
_ORDINALS = {
    "eerste": 1, "1ste": 1, "1e": 1, "tweede": 2, "2de": 2, "2e": 2, "derde": 3, "3de": 3, "3e": 3,
    "vierde": 4, "4de": 4, "4e": 4, "vijfde": 5, "5de": 5, "5e": 5, "laatste": -1,
}  # fmt: skip
_ORD_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_FULL_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december",
)
_NTH_IN_MONTH = re.compile(
    r"(?<!\w)(" + _ORD_RE + r") (" + _WD_RE + r"|dag|week) (?:in|van) (" + _MONTH_RE + r")(?:\s+(\d{4}))?(?!\w)"
)
_NTH_AFTER = re.compile(r"(?<!\w)(" + _ORD_RE + r") (" + _WD_RE + r") na (.+)$")
_QUARTER_N = re.compile(r"(?<!\w)(" + _ORD_RE + r") kwartaal(?:\s+(\d{4}))?(?!\w)")
_MONTH_ALONE = re.compile(
    r"(?<![\w.])(?<!\d\s)(?<!\d[ed]\s)(?<!\dste\s)(?<!\dde\s)(" + "|".join(_FULL_MONTHS) + r")"
    r"(?:\s+(\d{4}))?(?!\w)(?!\s*[-/]?\s*\d{1,2}(?!\d))"
)
_DAY_OF_MONTH = re.compile(
    r"(?<!\w)op de (eerste|\d{1,2}(?:ste|de|e))(?=\s*(?:$|[,.;!?]|om |rond |tegen ))"
)
_MONTH_FIRST_RANGE = re.compile(
    r"(?<![\w.])(" + _MONTH_RE + r")\.? (\d{1,2})\s*(?:-|–|tot|t/m)\s*(?:(" + _MONTH_RE + r")\.? )?(\d{1,2})(?![\w:.])"
)
_YEARS_AFTER = re.compile(r"(?<!\w)(een|\d{1,2}) jaar na $")


def _season_start(today: date, month: int, back: int) -> date:
    """The start of the most recent season starting in `month` that has begun, `back` seasons of that kind ago."""
    year = today.year if date(today.year, month, 1) <= today else today.year - 1
    return date(year - back, month, 1)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def resolve_special(
    text: str, now: datetime, tz: ZoneInfo, day_of: Callable[[str], date | None]
) -> tuple[Span, str] | None:
    """The interval and the words for the first special shape in `text`, or None.

    `day_of(rest)` reads the day named by the rest of the text (for "gisteren 9:30 - 11:00").
    """
    folded = fold(text)
    today = now.date()
    found = _calendar_shapes(folded, today, tz)
    if found is not None:
        return found

    m = _RANGE_DAYS.search(folded)
    if m:
        month = _MONTHS[m.group(3)]
        day1, day2 = int(m.group(1)), int(m.group(2))
        if m.group(4):
            year = int(m.group(4))
        else:
            year = today.year if date(today.year, month, min(day1, 28)) <= today else today.year - 1
        try:
            return _days(date(year, month, day1), date(year, month, day2), tz), m.group(0)
        except ValueError:
            return None

    m = _FROM_TO_HOURS.search(folded)
    if m:
        rest = folded[: m.start()] + folded[m.end() :]
        h1, h2 = _hour_in_context(int(m.group(1)), rest), _hour_in_context(int(m.group(2)), rest)
        if h1 < 24 and h2 < 24:
            if h2 <= h1 and h2 < 12:
                h2 += 12
            return _clock_range(day_of(rest), h1, 0, h2, 0, now, tz), m.group(0)

    m = _RANGE_CLOCK.search(folded)
    if m and (m.group(2) or m.group(4)):
        h1, m1, h2, m2 = int(m.group(1)), int(m.group(2) or 0), int(m.group(3)), int(m.group(4) or 0)
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60:
            rest = folded[: m.start()] + folded[m.end() :]
            return _clock_range(day_of(rest), h1, m1, h2, m2, now, tz), m.group(0)

    m = _LAST_N.search(folded)
    if m:
        n, unit = _n(m.group(1)), m.group(2)
        short = {"seconde": timedelta(seconds=1), "minu": timedelta(minutes=1), "uur": timedelta(hours=1)}
        for prefix, step in short.items():
            if unit.startswith(prefix):
                return (now - n * step, now), m.group(0)
        if unit.startswith("ja"):
            first = today.replace(year=today.year - n, day=min(today.day, 28))
        elif unit.startswith("dag"):
            first = today - timedelta(days=n)
        elif unit in ("week", "weken"):
            first = today - timedelta(weeks=n)
        else:
            first = _add_months(today.replace(day=1), -n).replace(day=min(today.day, 28))
        return (_start(first, tz), now), m.group(0)

    m = _WEEKS_AGO.search(folded)
    if m:
        n, unit = _n(m.group(1)), m.group(2)
        if unit in ("week", "weken"):
            d = today - timedelta(weeks=n)
        elif unit.startswith("maand"):
            month_start = _add_months(today.replace(day=1), -n)
            d = month_start.replace(day=min(today.day, 28))
        else:
            d = today.replace(year=today.year - n, day=min(today.day, 28))
        return _days(d, d, tz), m.group(0)

    m = _YEAR.search(folded)
    if m:
        year = today.year if m.group(1) in ("dit", "deze") else today.year - 1
        return (_start(date(year, 1, 1), tz), _start(date(year + 1, 1, 1), tz)), m.group(0)

    m = _QUARTER.search(folded)
    if m:
        q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if m.group(1) not in ("dit", "deze"):
            q_start = _add_months(q_start, -3)
        return (_start(q_start, tz), _start(_add_months(q_start, 3), tz)), m.group(0)

    m = _SEASON.search(folded)
    if m:
        back = 1 if m.group(1) in ("vorige", "vorig", "vorig jaar in de") else 0
        first = _season_start(today, _SEASONS[m.group(2)], back)
        return (_start(first, tz), _start(_add_months(first, 3), tz)), m.group(0)

    m = _WEEKDAY_OF_WEEK.search(folded)
    if m:
        which = m.group(2) or m.group(3) or "volgende"
        monday = today - timedelta(days=today.weekday())
        if which in ("vorige", "afgelopen"):
            monday -= timedelta(weeks=1)
        elif which in ("volgende", "komende"):
            monday += timedelta(weeks=1)
        d = monday + timedelta(days=_WEEKDAYS.index(m.group(1) or m.group(4) or m.group(5)))
        return _days(d, d, tz), m.group(0)

    m = _NEXT_WEEKDAY.search(folded)
    if m and not folded[: m.start()].endswith("de "):  # "de volgende dinsdag" tells a story: no future
        wd = _WEEKDAYS.index(m.group(1))
        d = today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1)
        return _days(d, d, tz), m.group(0)

    for rx, make, n_days, hours in _HOLIDAY_RES if _ANY_HOLIDAY.search(folded) else ():
        m = rx.search(folded)
        if m:
            first = make(int(m.group(1))) if m.group(1) else _past_year(today, make)
            years_after = _YEARS_AFTER.search(folded[: m.start()])
            if years_after:  # "een jaar na kerst": a future date, flagged by the caller
                first = first.replace(year=first.year + _n(years_after.group(1)))
            if hours is not None:
                start = _start(first, tz, hours[0])
                return (start, start + timedelta(hours=hours[1] - hours[0])), m.group(0)
            return _days(first, first + timedelta(days=n_days - 1), tz), m.group(0)

    m = _EARLY_HOUR.search(folded)
    if m:
        hour = _n(m.group(1)) % 12
        rest = folded[: m.start()] + folded[m.end() :]
        return _around(day_of(rest), hour, 0, now, tz), m.group(0)

    m = _HOUR_MINUTES.search(folded)
    if m:
        hour, minute, part = _n(m.group(1)), int(m.group(2)), m.group(3) or ""
        if minute < 60 and hour <= 12:
            if any(p in part for p in ("middag", "avond")) and hour < 12:
                hour += 12
            elif not part and 1 <= hour <= 7:
                hour += 12  # the bare-hour rule of timeparse: 1-7 is afternoon
            rest = folded[: m.start()] + folded[m.end() :]
            return _around(day_of(rest), hour, minute, now, tz), m.group(0)

    m = _AFTER_LUNCH.search(folded)
    if m:
        rest = folded[: m.start()] + folded[m.end() :]
        day = day_of(rest) or today
        start = _start(day, tz, 13)
        if day == today and start > now:
            start -= timedelta(days=1)
        return (start, start + timedelta(hours=5)), m.group(0)

    m = _MONTH_FIRST.search(folded)
    if m:
        month, day_n = _MONTHS[m.group(1)], int(m.group(2))
        try:
            if m.group(3):
                d = date(int(m.group(3)), month, day_n)
            else:
                d = _past_year(today, lambda y: date(y, month, day_n))
        except ValueError:
            return None
        return _days(d, d, tz), m.group(0)
    return None


def _calendar_shapes(folded: str, today: date, tz: ZoneInfo) -> tuple[Span, str] | None:
    """Ordinal days and weeks in a month, quarters, a month on its own, "op de 15de", month-first ranges."""
    m = _MONTH_FIRST_RANGE.search(folded)
    if m:
        month1, day1, day2 = _MONTHS[m.group(1)], int(m.group(2)), int(m.group(4))
        month2 = _MONTHS[m.group(3)] if m.group(3) else month1
        try:
            first = _past_year(today, lambda y: date(y, month1, day1))
            last = date(first.year + (month2 < month1), month2, day2)
        except ValueError:
            return None
        return _days(first, last, tz), m.group(0)

    m = _NTH_IN_MONTH.search(folded)
    if m:
        n, what, month = _ORDINALS[m.group(1)], m.group(2), _MONTHS[m.group(3)]
        try:
            if m.group(4):
                first = _nth_in_month(int(m.group(4)), month, n, what)
            else:
                first = _nth_in_month(today.year, month, n, what)
                if first > today:
                    first = _nth_in_month(today.year - 1, month, n, what)
        except ValueError:
            return None
        return (_start(first, tz), _start(first + timedelta(days=7 if what == "week" else 1), tz)), m.group(0)

    m = _NTH_AFTER.search(folded)
    if m:
        anchor = _holiday_date(m.group(3), today)
        if anchor is not None:
            wd = _WEEKDAYS.index(m.group(2))
            d = anchor + timedelta(days=(wd - anchor.weekday() - 1) % 7 + 1)
            d += timedelta(weeks=max(_ORDINALS[m.group(1)], 1) - 1)
            return _days(d, d, tz), m.group(0)

    m = _QUARTER_N.search(folded)
    if m and _ORDINALS[m.group(1)] in (1, 2, 3, 4):
        month = 3 * (_ORDINALS[m.group(1)] - 1) + 1
        if m.group(2):
            first = date(int(m.group(2)), month, 1)
        else:
            first = _past_year(today, lambda y: date(y, month, 1))
        return (_start(first, tz), _start(_add_months(first, 3), tz)), m.group(0)

    m = _DAY_OF_MONTH.search(folded)
    if m:
        day_n = 1 if m.group(1) == "eerste" else int(re.sub(r"\D", "", m.group(1)))
        month_start = today.replace(day=1)
        for back in range(0, 3):
            try:
                d = _add_months(month_start, -back).replace(day=day_n)
            except ValueError:
                continue
            if d <= today:
                return _days(d, d, tz), m.group(0)
        return None
    return None


def resolve_month(text: str, now: datetime, tz: ZoneInfo) -> tuple[Span, str] | None:
    """A month named on its own ("in maart", "oktober 2014"): the most recent one that has begun.

    Coarse, so it is only read when nothing finer names the time ("in maart ... gisteren" = gisteren).
    """
    folded = fold(text)
    m = _MONTH_ALONE.search(folded)
    if m is None:
        return None
    today = now.date()
    month = _FULL_MONTHS.index(m.group(1)) + 1
    first = date(int(m.group(2)), month, 1) if m.group(2) else _past_year(today, lambda y: date(y, month, 1))
    if not m.group(2) and folded[: m.start()].endswith("volgend jaar "):
        first = date(today.year + 1, month, 1)  # a future month, flagged by the caller
    return (_start(first, tz), _start(_add_months(first, 1), tz)), m.group(0)


def _nth_in_month(year: int, month: int, n: int, what: str) -> date:
    """The n-th (n = -1: last) day, weekday or whole Monday-week of a month."""
    first = date(year, month, 1)
    last = _add_months(first, 1) - timedelta(days=1)
    if what == "dag":
        return last if n < 0 else date(year, month, n)
    if what == "week":
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        if n < 0:
            monday = last - timedelta(days=6)
            return monday - timedelta(days=monday.weekday())
        return monday + timedelta(weeks=n - 1)
    wd = _WEEKDAYS.index(what)
    if n < 0:
        return last - timedelta(days=(last.weekday() - wd) % 7)
    found = first + timedelta(days=(wd - first.weekday()) % 7, weeks=n - 1)
    if found.month != month:
        raise ValueError("no such weekday in that month")
    return found


def _holiday_date(text: str, today: date) -> date | None:
    """The first day of the holiday named in `text` (its year if given, else the most recent one)."""
    for rx, make, _n_days, _hours in _HOLIDAY_RES:
        m = rx.search(text)
        if m:
            return make(int(m.group(1))) if m.group(1) else _past_year(today, make)
    return None


def _hour_in_context(hour: int, rest: str) -> int:
    """A 24-hour hour for a spoken hour, using a part of the day in `rest` or the bare-hour rule."""
    if hour >= 13 or hour == 0:
        return hour
    if any(p in rest for p in ("middag", "avond")):
        return hour % 12 + 12
    if any(p in rest for p in ("ochtend", "morgen", "voormiddag", "nacht")):
        return hour % 12
    return hour + 12 if 1 <= hour <= 7 else hour


def _clock_range(day: date | None, h1: int, m1: int, h2: int, m2: int, now: datetime, tz: ZoneInfo) -> Span:
    """From h1:m1 to h2:m2 on `day`, or on the most recent day on which that range has begun."""
    d = day or now.date()
    start, end = _start(d, tz, h1, m1), _start(d, tz, h2, m2)
    if end <= start:
        end += timedelta(days=1)
    if day is None and start > now:
        start, end = start - timedelta(days=1), end - timedelta(days=1)
    return start, end


def _around(day: date | None, hour: int, minute: int, now: datetime, tz: ZoneInfo) -> Span:
    """A +-15 minute window around a clock time on `day`, or on the most recent such moment."""
    d = day or now.date()
    moment = _start(d, tz, hour, minute)
    if day is None and moment > now:
        moment -= timedelta(days=1)
    return moment - timedelta(minutes=15), moment + timedelta(minutes=15)
