"""Steering figures as pure computations: periods, medians, on-time shares, small cells, rates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from actions.figures import (
    LATE,
    MISSED,
    ON_TIME,
    OPEN,
    ClockTally,
    Period,
    PeriodError,
    clock_outcome,
    count_text,
    default_period,
    duration_text,
    median_from_histogram,
    month_boundaries,
    ordered,
    parse_period,
    per_hundred,
    percent_text,
    rate_text,
    team_sizes,
)

TZ = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("pairs", "expected"), [
    ([], None),
    ([(10.0, 0)], None),
    ([(10.0, 1)], 10.0),
    ([(10.0, 1), (20.0, 1)], 15.0),
    ([(30.0, 1), (10.0, 1), (20.0, 1)], 20.0),
    ([(5.0, 3), (100.0, 1)], 5.0),
    ([(5.0, 2), (100.0, 2)], 52.5),
    ([(1.0, 1), (2.0, 5), (900.0, 3)], 2.0),
])
def test_the_median_of_a_histogram_equals_the_median_of_its_values(pairs: list[tuple[float, int]],
                                                                    expected: float | None) -> None:
    assert median_from_histogram(pairs) == expected


@pytest.mark.parametrize(("due", "ack", "expected"), [
    (NOW, NOW - timedelta(minutes=1), ON_TIME),
    (NOW, NOW, ON_TIME),
    (NOW, NOW + timedelta(seconds=1), LATE),
    (NOW - timedelta(hours=1), None, MISSED),
    (NOW + timedelta(hours=1), None, OPEN),
])
def test_a_deadline_is_on_time_late_missed_or_still_open(due: datetime, ack: datetime | None,
                                                           expected: str) -> None:
    assert clock_outcome(due, ack, NOW) == expected


def test_open_deadlines_do_not_count_in_the_on_time_share_but_missed_ones_do() -> None:
    tally = ClockTally("contact_today", on_time=6, late=2, missed=2, open=5, minutes=((30.0, 6), (2000.0, 2)))
    assert tally.decided == 10
    assert percent_text(tally.on_time, tally.decided) == "60%"
    assert tally.median_minutes == 30.0


@pytest.mark.parametrize(("n", "suppress", "expected"), [
    (0, True, "0"), (1, True, "<5"), (4, True, "<5"), (5, True, "5"), (1234, True, "1.234"),
    (1, False, "1"), (4, False, "4"),
])
def test_counts_of_one_to_four_are_shown_as_less_than_five_only_when_suppressing(n: int, suppress: bool,
                                                                                   expected: str) -> None:
    assert count_text(n, suppress) == expected


@pytest.mark.parametrize(("part", "whole", "suppress", "expected"), [
    (1, 4, False, "25%"), (1, 4, True, "–"), (3, 10, True, "–"), (5, 10, True, "50%"), (0, 10, True, "0%"),
    (0, 0, False, "–"), (2, 3, False, "67%"),
])
def test_percentages_over_small_cells_are_not_shown(part: int, whole: int, suppress: bool, expected: str) -> None:
    assert percent_text(part, whole, suppress) == expected


def test_reports_per_hundred_employees_hides_the_rate_of_a_small_count() -> None:
    assert per_hundred(3, 40) == 7.5
    assert per_hundred(3, 0) is None
    assert rate_text(3, 40) == "7,5"
    assert rate_text(3, 40, suppress=True) == "–"
    assert rate_text(12, 40, suppress=True) == "30,0"


@pytest.mark.parametrize(("minutes", "expected"), [
    (None, "–"), (0.0, "0 min"), (45.4, "45 min"), (60.0, "1 u"), (200.0, "3 u 20 min"), (24 * 60.0, "1 d"),
    (52 * 60.0, "2 d 4 u"),
])
def test_durations_read_in_dutch(minutes: float | None, expected: str) -> None:
    assert duration_text(minutes) == expected


def test_the_default_period_is_the_last_twelve_calendar_months_up_to_today() -> None:
    period = default_period(date(2026, 11, 18))
    assert period == Period(date(2025, 12, 1), date(2026, 11, 18))
    assert len(period.months()) == 12
    assert default_period(date(2026, 1, 31)).start == date(2025, 2, 1)


def test_a_period_from_query_parameters() -> None:
    today = date(2026, 11, 18)
    assert parse_period(None, None, today) == default_period(today)
    assert parse_period("2026-01-01", "2026-03-31", today) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period(None, "2026-06-30", today).start == date(2025, 7, 1)
    for van, tot in (("2026-13-01", None), ("gisteren", None), ("2026-05-01", "2026-04-01")):
        with pytest.raises(PeriodError):
            parse_period(van, tot, today)


def test_month_boundaries_are_local_midnights_across_daylight_saving_time() -> None:
    months = Period(date(2026, 3, 1), date(2026, 4, 30)).months()
    bounds = month_boundaries(months, TZ)
    assert [b.astimezone(UTC) for b in bounds] == [
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),  # 1 March 00:00 CET
        datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # 1 April 00:00 CEST
        datetime(2026, 4, 30, 22, 0, tzinfo=UTC),
    ]
    start, end = Period(date(2026, 3, 1), date(2026, 3, 31)).bounds(TZ)
    assert (start.astimezone(UTC).hour, end.astimezone(UTC).hour) == (23, 22)


def test_the_monthly_chart_covers_at_most_three_years() -> None:
    months = Period(date(2020, 1, 1), date(2026, 11, 18)).months()
    assert len(months) == 36
    assert months[-1] == date(2026, 11, 1)


def test_counts_follow_the_vocabulary_with_unknown_values_last() -> None:
    counts = {None: 2, "fysiek": 1, "anders_iets": 3}
    assert ordered(counts, ("verbaal", "bedreiging", "fysiek")) == [
        ("verbaal", 0), ("bedreiging", 0), ("fysiek", 1), ("anders_iets", 3), (None, 2)]


def test_team_sizes_count_employees_per_team() -> None:
    assert team_sizes(["a", "a", None, "b"]) == {"a": 2, "b": 1}


def test_the_figures_core_imports_no_database_web_or_network_library() -> None:
    import ast
    from pathlib import Path

    import actions.figures as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not names & {"sqlalchemy", "fastapi", "starlette", "httpx", "requests", "openpyxl", "matplotlib", "bot"}
