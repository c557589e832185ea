"""The manager's clocks, working days, the digest time and the aftercare schedule: pure time arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from actions.timeline import (
    AANGIFTE_2WD,
    PERPETRATOR_48H,
    FollowUpPolicy,
    add_working_days,
    alert_points,
    due_alert,
    next_digest_at,
    parse_clock_time,
    parse_schedule,
    plan_clocks,
)
from bot.domain.model import Report
from tests.conftest import TZ

WEDNESDAY = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def report(primary_form: str | None = "bedreiging", forms: tuple[str, ...] = (), severe: bool = True) -> Report:
    return Report("MLD-2026-00001", "demo", "handhaving", "web", WEDNESDAY, "tekst", primary_form, forms, "D",
                  severe, "middel")


def test_the_default_schedule_is_day_1_day_14_and_day_42() -> None:
    assert parse_schedule("1d,14d,42d") == (timedelta(days=1), timedelta(days=14), timedelta(days=42))


def test_a_schedule_in_seconds_minutes_and_hours_is_understood_for_demos() -> None:
    assert parse_schedule("5s, 2m,1h") == (timedelta(seconds=5), timedelta(minutes=2), timedelta(hours=1))


@pytest.mark.parametrize("spec", ["1w", "dag", "14d,1d", "1d;2d"])
def test_an_invalid_schedule_is_refused_at_start(spec: str) -> None:
    with pytest.raises(ValueError, match="schedule"):
        parse_schedule(spec)


def test_the_last_of_several_check_ins_asks_about_stress_signs() -> None:
    policy = FollowUpPolicy(aftercare=parse_schedule("1d,14d,42d"))
    assert [policy.stress_check(i) for i in range(3)] == [False, False, True]
    assert FollowUpPolicy(aftercare=parse_schedule("1d")).stress_check(0) is False


def test_the_48_hour_rule_reminds_after_24_and_44_hours_and_escalates_at_48() -> None:
    starts = WEDNESDAY
    points = alert_points(PERPETRATOR_48H, starts, starts + timedelta(hours=48))
    assert [p - starts for p in points] == [timedelta(hours=24), timedelta(hours=44), timedelta(hours=48)]


def test_only_the_latest_missed_alert_is_sent_after_downtime() -> None:
    points = alert_points(PERPETRATOR_48H, WEDNESDAY, WEDNESDAY + timedelta(hours=48))
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=23)) is None
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=24)) == (0, points[1])
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=45)) == (1, points[2])
    assert due_alert(points, 1, WEDNESDAY + timedelta(hours=50)) == (2, None)
    assert due_alert(points, 3, WEDNESDAY + timedelta(days=9)) is None


def test_two_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert add_working_days(friday, 2, TZ) == datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert add_working_days(WEDNESDAY, 2, TZ) == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_aangifte_clock_runs_for_threats_and_physical_violence_only() -> None:
    assert AANGIFTE_2WD in [c.kind for c in plan_clocks(report("bedreiging"), WEDNESDAY, TZ)]
    assert AANGIFTE_2WD in [c.kind for c in plan_clocks(report("fysiek"), WEDNESDAY, TZ)]
    assert AANGIFTE_2WD not in [c.kind for c in plan_clocks(report("verbaal", severe=False), WEDNESDAY, TZ)]
    assert AANGIFTE_2WD in [c.kind for c in plan_clocks(report("verbaal", ("online_doxing",)), WEDNESDAY, TZ)]


def test_the_digest_is_the_next_eight_o_clock_in_amsterdam() -> None:
    before = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)  # 07:00 in Amsterdam
    after = datetime(2026, 11, 18, 7, 30, tzinfo=UTC)  # 08:30 in Amsterdam
    assert next_digest_at(before, time(8, 0), TZ) == datetime(2026, 11, 18, 7, 0, tzinfo=UTC)
    assert next_digest_at(after, time(8, 0), TZ) == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)


def test_the_digest_keeps_its_local_time_across_daylight_saving() -> None:
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # summer time starts the next night
    assert next_digest_at(saturday, time(8, 0), TZ) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_severe_reports_go_at_once_and_others_wait_for_the_digest() -> None:
    policy = FollowUpPolicy()
    assert policy.immediate(report(severe=True)) is True
    assert policy.immediate(report("verbaal", severe=False)) is False
    assert FollowUpPolicy(digest_at=parse_clock_time("")).immediate(report("verbaal", severe=False)) is True


def test_a_digest_time_must_be_hours_and_minutes() -> None:
    assert parse_clock_time("07:45") == time(7, 45)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock_time("8 uur")
