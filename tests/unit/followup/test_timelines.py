"""The follow-up policy as tables: clocks from filing, working days and Dutch holidays, who is told, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from actions.calendar import is_dutch_holiday, no_holidays
from actions.records import ACTION_STOPS
from actions.timeline import (
    AANGIFTE_2WD,
    CONTACT_TODAY,
    PERPETRATOR_48H,
    REFERRAL_2WD,
    SUPPORT_72H,
    ClockPlan,
    FollowUpPolicy,
    Notice,
    add_working_days,
    alert_points,
    alerts_for,
    due_alert,
    met,
    needs_aangifte,
    next_digest_at,
    parse_clock_time,
    parse_schedule,
    plan_clocks,
)
from bot.domain.model import Organisation, Report
from tests.conftest import TZ

WEDNESDAY = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
MONDAY_10 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday 10:00 in Amsterdam


def report(primary_form: str | None = "bedreiging", forms: tuple[str, ...] = (), severe: bool = True,
           wants: tuple[str, ...] = (), filed: datetime = WEDNESDAY) -> Report:
    return Report("MLD-2026-00001", "demo", "handhaving", "web", filed, "tekst", primary_form, forms, "D",
                  severe, "middel", wants=wants)


def insult(wants: tuple[str, ...] = (), filed: datetime = WEDNESDAY) -> Report:
    return replace(report("verbaal", ("schelden_beledigen",), severe=False), wants=wants, created_at=filed)


def dues(r: Report, filed: datetime, holiday: object = is_dutch_holiday) -> dict[str, datetime]:
    return {c.kind: c.due_at for c in plan_clocks(r, filed, TZ, holiday)}  # type: ignore[arg-type]


def utc(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


# -- clocks from the moment of filing --------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "r", "expected"), [
    ("severe threat, Wednesday 10:00", report(), {
        CONTACT_TODAY: utc("2026-11-19", 9), PERPETRATOR_48H: utc("2026-11-20", 9),
        SUPPORT_72H: utc("2026-11-21", 9), AANGIFTE_2WD: utc("2026-11-20", 9)}),
    ("insult, Monday 10:00: the 48 hours end Wednesday 10:00, not Thursday 08:00", insult(filed=MONDAY_10), {
        CONTACT_TODAY: utc("2026-11-17", 9), PERPETRATOR_48H: utc("2026-11-18", 9),
        SUPPORT_72H: utc("2026-11-19", 9)}),
    ("insult with both wishes, Friday 16:30", insult(("aangifte_help", "aftercare"), utc("2026-11-20", 15, 30)), {
        CONTACT_TODAY: utc("2026-11-21", 15, 30), PERPETRATOR_48H: utc("2026-11-22", 15, 30),
        SUPPORT_72H: utc("2026-11-23", 15, 30), AANGIFTE_2WD: utc("2026-11-24", 15, 30),
        REFERRAL_2WD: utc("2026-11-24", 15, 30)}),
])
def test_every_clock_runs_from_the_moment_of_filing(case: str, r: Report, expected: dict[str, datetime]) -> None:
    assert dues(r, r.created_at) == expected, case


@pytest.mark.parametrize(("case", "filed", "expected", "holiday"), [
    ("Friday: the weekend does not count", utc("2026-11-20", 15, 30), utc("2026-11-24", 15, 30), is_dutch_holiday),
    ("Christmas Eve: Christmas, Boxing Day and the weekend do not count", utc("2026-12-24", 9),
     utc("2026-12-29", 9), is_dutch_holiday),
    ("Christmas Eve without holidays", utc("2026-12-24", 9), utc("2026-12-28", 9), no_holidays),
    ("the Friday before King's Day (Monday 27 April 2026)", utc("2026-04-24", 8), utc("2026-04-29", 8),
     is_dutch_holiday),
    ("the day before Ascension Day (Thursday 14 May 2026)", utc("2026-05-13", 8), utc("2026-05-18", 8),
     is_dutch_holiday),
    ("the Friday before Whit Monday (25 May 2026)", utc("2026-05-22", 8), utc("2026-05-27", 8), is_dutch_holiday),
    ("over the start of summer time the local time stays 13:00", utc("2026-03-27", 12), utc("2026-03-31", 11),
     is_dutch_holiday),
])
def test_aangifte_help_is_due_within_two_working_days(case: str, filed: datetime, expected: datetime,
                                                        holiday: object) -> None:
    assert add_working_days(filed, 2, TZ, holiday) == expected, case  # type: ignore[arg-type]
    assert dues(report(filed=filed), filed, holiday)[AANGIFTE_2WD] == expected, case


@pytest.mark.parametrize(("forms", "primary", "offered"), [
    ((), "bedreiging", True), ((), "fysiek", True), (("online_doxing",), "verbaal", True),
    (("stalking",), "verbaal", True), (("vernieling",), "verbaal", True), (("discriminatie",), "verbaal", True),
    (("schelden_beledigen",), "verbaal", False), ((), None, False),
])
def test_aangifte_is_offered_for_every_likely_criminal_offence(forms: tuple[str, ...], primary: str | None,
                                                               offered: bool) -> None:
    r = report(primary, forms, severe=False)
    assert needs_aangifte(r) is offered
    assert (AANGIFTE_2WD in dues(r, WEDNESDAY)) is offered


# -- actions meet or miss clocks ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("action", "after", "met_kinds", "missed_kinds"), [
    ("spoke", timedelta(hours=3), {CONTACT_TODAY}, set()),
    ("spoke", timedelta(hours=25), set(), {CONTACT_TODAY}),
    ("support", timedelta(hours=70), {SUPPORT_72H}, {CONTACT_TODAY}),
    ("reaction", timedelta(hours=47), {PERPETRATOR_48H}, set()),
    ("reaction", timedelta(hours=49), set(), {PERPETRATOR_48H}),
    ("measure", timedelta(hours=10), {PERPETRATOR_48H}, set()),
    ("aangifte", timedelta(days=2), {AANGIFTE_2WD}, set()),
    ("no_aangifte", timedelta(days=3), set(), {AANGIFTE_2WD}),
    ("message", timedelta(hours=1), set(), set()),
])
def test_each_action_meets_or_misses_only_its_own_clocks(action: str, after: timedelta, met_kinds: set[str],
                                                         missed_kinds: set[str]) -> None:
    plans = {c.kind: c for c in plan_clocks(report(), WEDNESDAY, TZ)}
    stopped = [plans[k] for k in ACTION_STOPS[action] if k in plans]
    assert {c.kind for c in stopped if met(c, WEDNESDAY + after)} == met_kinds
    assert {c.kind for c in stopped if not met(c, WEDNESDAY + after)} == missed_kinds


def test_contact_with_the_employee_and_the_reaction_to_the_citizen_are_different_acts() -> None:
    assert PERPETRATOR_48H not in ACTION_STOPS["spoke"]
    assert CONTACT_TODAY not in ACTION_STOPS["reaction"]
    assert SUPPORT_72H not in ACTION_STOPS["spoke"]


def test_an_unrecorded_clock_is_missed() -> None:
    assert met(ClockPlan(CONTACT_TODAY, WEDNESDAY, WEDNESDAY + timedelta(hours=24)), None) is False


# -- who is told, and when ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "r", "filed", "told_at"), [
    ("severe, before the digest time: at once", report(), utc("2026-11-16", 6), utc("2026-11-16", 6)),
    ("not severe, 07:00 on a Monday: at 08:00 the same day", insult(), utc("2026-11-16", 6), utc("2026-11-16", 7)),
    ("not severe, 10:00 on a Monday: at once, never the next day", insult(), MONDAY_10, MONDAY_10),
    ("not severe, Saturday: at once", insult(), utc("2026-11-21", 6), utc("2026-11-21", 6)),
    ("not severe, King's Day 07:00: at once", insult(), utc("2026-04-27", 5), utc("2026-04-27", 5)),
])
def test_others_reach_the_manager_the_same_working_day(case: str, r: Report, filed: datetime,
                                                       told_at: datetime) -> None:
    assert FollowUpPolicy(digest_at=time(8, 0)).manager_told_at(r, filed, TZ) == told_at, case


def test_without_a_digest_time_everything_goes_at_once() -> None:
    assert FollowUpPolicy(digest_at=None).manager_told_at(insult(), utc("2026-11-16", 6), TZ) == utc("2026-11-16", 6)


@pytest.mark.parametrize(("case", "reporter", "r", "filed", "expected"), [
    ("severe: the manager and the coordinator at once", "demo", report(), WEDNESDAY,
     [Notice("mgr", "manager", "escalation", WEDNESDAY), Notice("coord", "coordinator", "coordinator_alert",
                                                                 WEDNESDAY)]),
    ("not severe, early: the manager at the digest", "demo", insult(), utc("2026-11-18", 6),
     [Notice("mgr", "manager", "digest", utc("2026-11-18", 7))]),
    ("not severe, later: the manager at once", "demo", insult(), WEDNESDAY,
     [Notice("mgr", "manager", "escalation", WEDNESDAY)]),
    ("severe report by a manager: the coordinator owns it, told once", "mgr", report(), WEDNESDAY,
     [Notice("coord", "coordinator", "escalation", WEDNESDAY)]),
])
def test_who_is_told_at_filing(org: Organisation, case: str, reporter: str, r: Report, filed: datetime,
                               expected: list[Notice]) -> None:
    person = org.employee(reporter)
    assert person is not None
    assert list(FollowUpPolicy().notices(org, person, r, filed, TZ)) == expected, case


# -- reminders, escalation and the reporter ------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "hours_after_filing"), [
    (CONTACT_TODAY, [8, 20, 24]),
    (PERPETRATOR_48H, [24, 44, 48]),
    (SUPPORT_72H, [48, 68, 72]),
])
def test_reminders_fall_before_each_deadline_and_the_deadline_escalates(kind: str,
                                                                       hours_after_filing: list[int]) -> None:
    due = {c.kind: c.due_at for c in plan_clocks(report(), WEDNESDAY, TZ)}[kind]
    points = alert_points(kind, WEDNESDAY, due)
    assert [(p - WEDNESDAY) / timedelta(hours=1) for p in points] == hours_after_filing


@pytest.mark.parametrize(("index", "owner", "coordinator", "expected"), [
    (0, "mgr", "coord", [("mgr", "reminder", "reminder")]),
    (2, "mgr", "coord", [("coord", "clock_escalation", "clock_escalated"),
                         ("demo", "deadline_missed", "deadline_missed_coordinator")]),
    (2, "coord", "coord", [("coord", "clock_overdue", "clock_overdue"),
                           ("demo", "deadline_missed", "deadline_missed_owner")]),
    (2, "mgr", None, [("mgr", "clock_overdue", "clock_overdue"),
                      ("demo", "deadline_missed", "deadline_missed_owner")]),
])
def test_at_the_deadline_the_coordinator_takes_over_and_the_reporter_hears_it(
    index: int, owner: str, coordinator: str | None, expected: list[tuple[str, str, str]]
) -> None:
    alerts = alerts_for(index, 3, owner, coordinator, "demo")
    assert [(a.recipient_id, a.kind, a.text_key) for a in alerts] == expected


def test_only_the_latest_missed_alert_is_sent_after_downtime() -> None:
    points = alert_points(PERPETRATOR_48H, WEDNESDAY, WEDNESDAY + timedelta(hours=48))
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=23)) is None
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=24)) == (0, points[1])
    assert due_alert(points, 0, WEDNESDAY + timedelta(hours=45)) == (1, points[2])
    assert due_alert(points, 1, WEDNESDAY + timedelta(hours=50)) == (2, None)
    assert due_alert(points, 3, WEDNESDAY + timedelta(days=9)) is None


# -- settings -------------------------------------------------------------------------------------------------------

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


def test_the_digest_is_the_next_eight_o_clock_in_amsterdam() -> None:
    before = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)  # 07:00 in Amsterdam
    after = datetime(2026, 11, 18, 7, 30, tzinfo=UTC)  # 08:30 in Amsterdam
    assert next_digest_at(before, time(8, 0), TZ) == datetime(2026, 11, 18, 7, 0, tzinfo=UTC)
    assert next_digest_at(after, time(8, 0), TZ) == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)


def test_a_digest_time_must_be_hours_and_minutes() -> None:
    assert parse_clock_time("07:45") == time(7, 45)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock_time("8 uur")
