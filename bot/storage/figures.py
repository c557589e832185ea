"""Aggregate queries for the steering figures and the row stream of the minimum-data-set export.

Everything is counted in the database (GROUP BY), so a year of reports costs a handful of small result
sets. Months are bucketed in local time (Europe/Amsterdam) on both SQLite and PostgreSQL: the month
boundaries are computed in Python as UTC instants and compared in a CASE, which needs no time-zone
support in the database and keeps the range condition on created_at usable by an index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, exists, func, select
from sqlalchemy.orm import Session, aliased

from actions.figures import (
    CHECKIN_ASKED,
    CLOCK_KINDS,
    LATE,
    MISSED,
    ON_TIME,
    OPEN,
    Aftercare,
    ClockTally,
    Figures,
    Period,
    TeamCount,
    month_boundaries,
)
from bot.storage.followup import ActionRow, CheckInRow, ClockRow
from bot.storage.orm import ReportRow

logger = logging.getLogger(__name__)

EXPORT_BATCH = 1000


def _scope(period: Period, tz: tzinfo, team_ids: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """Reports filed in the period (local days), of the given teams (None: all reports)."""
    start, end = period.bounds(tz)
    conditions = [ReportRow.created_at >= start, ReportRow.created_at < end]
    if team_ids is not None:
        conditions.append(ReportRow.team_id.in_(sorted(team_ids)))
    return conditions


def _copied_scope(model: Any, period: Period, tz: tzinfo,
                  team_ids: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """The same scope on the team and filing time copied onto clocks and check-ins (no join with reports)."""
    start, end = period.bounds(tz)
    conditions = [model.filed_at >= start, model.filed_at < end]
    if team_ids is not None:
        conditions.append(model.team_id.in_(sorted(team_ids)))
    return conditions


def _month_index(boundaries: Sequence[datetime]) -> ColumnElement[Any]:
    """0 for the first month, 1 for the next, ...; NULL before the first month (outside the chart)."""
    if len(boundaries) < 2:
        return cast(None, Integer)
    whens = [(ReportRow.created_at < boundaries[0], None)]
    whens += [(ReportRow.created_at < b, i) for i, b in enumerate(boundaries[1:])]
    return case(*whens, else_=None)


def _minutes_between(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """Whole minutes from `start` to `end`, rounded, as an integer (datetime arithmetic differs per database;
    integers keep PostgreSQL's grouping in a hash table instead of a sort on numeric values)."""
    if dialect == "postgresql":
        return cast(func.round(func.extract("epoch", end - start) / 60), Integer)
    return cast(func.round((func.julianday(end) - func.julianday(start)) * 1440), Integer)


# Outcomes are grouped as small integers, then named.
_OUTCOMES = (ON_TIME, LATE, MISSED, OPEN)


def _clock_outcome(now: datetime) -> ColumnElement[int]:
    return case(
        (and_(ClockRow.acknowledged_at.is_(None), ClockRow.due_at < now), _OUTCOMES.index(MISSED)),
        (ClockRow.acknowledged_at.is_(None), _OUTCOMES.index(OPEN)),
        (ClockRow.acknowledged_at <= ClockRow.due_at, _OUTCOMES.index(ON_TIME)),
        else_=_OUTCOMES.index(LATE),
    )


def load_figures(session: Session, period: Period, tz: tzinfo, now: datetime, team_ids: frozenset[str] | None,
                 teams: Sequence[tuple[str, str]], sizes: Mapping[str, int]) -> Figures:
    """The figures of the period's reports of `team_ids` (None: all); `teams` lists (id, name) of the
    teams to show a row for, `sizes` the employees per team."""
    dialect = session.get_bind().dialect.name
    scope = _scope(period, tz, team_ids)
    months = period.months()
    month = _month_index(month_boundaries(months, tz)).label("month")

    per_month = [0] * len(months)
    per_team: dict[str | None, tuple[int, int]] = {}
    total = severe = 0
    # Expressions with bound parameters are grouped in an outer query: PostgreSQL cannot match a CASE with
    # parameters in the select list to the same CASE in GROUP BY (each carries its own placeholders).
    inner = select(ReportRow.team_id, month, ReportRow.severe).where(*scope).subquery()
    stmt: Select[Any] = (select(inner.c.team_id, inner.c.month, func.count(),
                                func.sum(case((inner.c.severe.is_(True), 1), else_=0)))
                         .group_by(inner.c.team_id, inner.c.month))
    for team_id, index, count, severe_count in session.execute(stmt):
        total += count
        severe += int(severe_count or 0)
        if index is not None:
            per_month[int(index)] += count
        reports, sev = per_team.get(team_id, (0, 0))
        per_team[team_id] = (reports + count, sev + int(severe_count or 0))

    by_form: dict[str | None, int] = {}
    by_abcd: dict[str | None, int] = {}
    by_location: dict[str | None, int] = {}
    stmt = (select(ReportRow.primary_form, ReportRow.abcd, ReportRow.location_type, func.count())
            .where(*scope).group_by(ReportRow.primary_form, ReportRow.abcd, ReportRow.location_type))
    for form, abcd, location, count in session.execute(stmt):
        by_form[form] = by_form.get(form, 0) + count
        by_abcd[abcd] = by_abcd.get(abcd, 0) + count
        by_location[location] = by_location.get(location, 0) + count

    tallies: dict[str, dict[str, Any]] = {k: {ON_TIME: 0, LATE: 0, MISSED: 0, OPEN: 0, "minutes": {}}
                                          for k in CLOCK_KINDS}
    outcome = _clock_outcome(now).label("outcome")
    minutes = case((ClockRow.acknowledged_at.is_(None), None),
                   else_=_minutes_between(dialect, ClockRow.starts_at, ClockRow.acknowledged_at)).label("minutes")
    clock_rows = (select(ClockRow.kind, outcome, minutes)
                  .where(*_copied_scope(ClockRow, period, tz, team_ids), ClockRow.kind.in_(CLOCK_KINDS))).subquery()
    stmt = (select(clock_rows.c.kind, clock_rows.c.outcome, clock_rows.c.minutes, func.count())
            .group_by(clock_rows.c.kind, clock_rows.c.outcome, clock_rows.c.minutes))
    for kind, result, mins, count in session.execute(stmt):
        tally = tallies[kind]
        tally[_OUTCOMES[result]] += count
        if mins is not None:
            key = max(float(mins), 0.0)
            tally["minutes"][key] = tally["minutes"].get(key, 0) + count
    clocks = tuple(ClockTally(kind, t[ON_TIME], t[LATE], t[MISSED], t[OPEN], tuple(sorted(t["minutes"].items())))
                   for kind, t in tallies.items())

    asked = answered = 0
    moods: dict[str, int] = {}
    stmt = (select(CheckInRow.status, CheckInRow.mood, func.count())
            .where(*_copied_scope(CheckInRow, period, tz, team_ids), CheckInRow.status.in_(CHECKIN_ASKED))
            .group_by(CheckInRow.status, CheckInRow.mood))
    for status, mood, count in session.execute(stmt):
        asked += count
        if status == "answered":
            answered += count
            if mood is not None:
                moods[mood] = moods.get(mood, 0) + count

    team_rows = tuple(TeamCount(team_id, name, sizes.get(team_id, 0), *per_team.get(team_id, (0, 0)))
                      for team_id, name in teams)
    return Figures(period=period, months=tuple(zip(months, per_month, strict=True)), total=total, severe=severe,
                   by_form=by_form, by_abcd=by_abcd, by_location=by_location, clocks=clocks, teams=team_rows,
                   aftercare=Aftercare(asked, answered, moods))


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One report of the minimum data set as read for export (no free text, no names)."""

    reference: str
    created_at: datetime
    occurred_start: datetime | None
    team_id: str | None
    channel: str
    primary_form: str | None
    forms: list[Any]
    abcd: str | None
    severe: bool
    severity: str
    corrected_by_reporter: bool
    location_type: str | None
    injury: bool
    damage: bool
    weapon: bool
    witnesses: bool
    suicide_threat: bool
    doxing: bool
    evidence: int
    wants: list[Any]
    status: str
    clocks: dict[str, tuple[datetime, datetime | None] | None]  # kind -> (due_at, acknowledged_at)
    aangifte: bool | None  # a recorded aangifte (True), decided against (False), nothing recorded (None)


def _present(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), func.length(func.trim(column)) > 0)


def count_reports(session: Session, period: Period, tz: tzinfo, team_ids: frozenset[str] | None) -> int:
    return int(session.scalar(select(func.count()).select_from(ReportRow).where(*_scope(period, tz, team_ids))) or 0)


def export_rows(session: Session, period: Period, tz: tzinfo,
                team_ids: frozenset[str] | None) -> Iterator[ExportRow]:
    """The period's reports oldest first, streamed from the database in batches (never all in memory)."""
    clock_rows = {kind: aliased(ClockRow, name=f"clock_{kind}") for kind in CLOCK_KINDS}
    clock_columns = []
    for kind, alias in clock_rows.items():
        clock_columns += [alias.due_at.label(f"{kind}_due"), alias.acknowledged_at.label(f"{kind}_ack")]
    aangifte_done = exists().where(ActionRow.reference == ReportRow.reference, ActionRow.action == "aangifte")
    aangifte_not = exists().where(ActionRow.reference == ReportRow.reference, ActionRow.action == "no_aangifte")
    stmt = select(
        ReportRow.reference, ReportRow.created_at, ReportRow.occurred_start, ReportRow.team_id, ReportRow.channel,
        ReportRow.primary_form, ReportRow.forms, ReportRow.abcd, ReportRow.severe, ReportRow.severity,
        ReportRow.corrected_by_reporter, ReportRow.location_type,
        _present(ReportRow.injury).label("injury"), _present(ReportRow.damage).label("damage"),
        _present(ReportRow.weapon).label("weapon"), _present(ReportRow.witnesses).label("witnesses"),
        ReportRow.suicide_threat, ReportRow.doxing, ReportRow.evidence, ReportRow.wants, ReportRow.status,
        *clock_columns, aangifte_done.label("aangifte_done"), aangifte_not.label("aangifte_not"),
    )
    for kind, alias in clock_rows.items():
        stmt = stmt.outerjoin(alias, and_(alias.reference == ReportRow.reference, alias.kind == kind))
    stmt = stmt.where(*_scope(period, tz, team_ids)).order_by(ReportRow.created_at, ReportRow.id)
    result = session.execute(stmt.execution_options(yield_per=EXPORT_BATCH))
    for row in result:
        m = row._mapping
        clocks: dict[str, tuple[datetime, datetime | None] | None] = {}
        for kind in CLOCK_KINDS:
            due = m[f"{kind}_due"]
            clocks[kind] = None if due is None else (due, m[f"{kind}_ack"])
        aangifte = True if m["aangifte_done"] else (False if m["aangifte_not"] else None)
        yield ExportRow(
            reference=m["reference"], created_at=m["created_at"], occurred_start=m["occurred_start"],
            team_id=m["team_id"], channel=m["channel"], primary_form=m["primary_form"], forms=list(m["forms"] or ()),
            abcd=m["abcd"], severe=bool(m["severe"]), severity=m["severity"],
            corrected_by_reporter=bool(m["corrected_by_reporter"]), location_type=m["location_type"],
            injury=bool(m["injury"]), damage=bool(m["damage"]), weapon=bool(m["weapon"]),
            witnesses=bool(m["witnesses"]), suicide_threat=bool(m["suicide_threat"]), doxing=bool(m["doxing"]),
            evidence=len(m["evidence"] or ()), wants=list(m["wants"] or ()), status=m["status"], clocks=clocks,
            aangifte=aangifte,
        )
