"""Working days in the Netherlands: Monday to Friday, minus the Dutch public holidays of the `holidays` library."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import holidays

HolidayCheck = Callable[[date], bool]


@lru_cache(maxsize=64)
def _dutch_year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_dutch_holiday(day: date) -> bool:
    """A public holiday in the Netherlands (Koningsdag, Hemelvaartsdag, Tweede Kerstdag, ...)."""
    return day in _dutch_year(day.year)


def no_holidays(day: date) -> bool:
    """For tests and organisations that count every weekday."""
    return False


def is_working_day(day: date, holiday: HolidayCheck = is_dutch_holiday) -> bool:
    return day.weekday() < 5 and not holiday(day)
