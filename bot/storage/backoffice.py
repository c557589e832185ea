"""Back-office reads: the inbox (open reports with their next deadline, filtered and paged) and a report's timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.domain.model import Report
from bot.storage.followup import ActionRow, CheckInRow, ClockRow, DigestItemRow
from bot.storage.orm import OutboxRow, ReportRow
from bot.storage.repositories import SqlReportRepository

OPEN = "open"  # status filter: everything not yet closed
ALL = "alle"


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the inbox shows: teams within the person's scope, status, form, a period and a reference search."""

    team: str | None = None
    status: str = OPEN
    form: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    reference: str | None = None
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True, slots=True)
class OpenClock:
    kind: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class InboxRow:
    reference: str
    created_at: datetime
    team_id: str | None
    reporter_id: str
    primary_form: str | None
    abcd: str | None
    severe: bool
    status: str
    next_clock: OpenClock | None


@dataclass(frozen=True, slots=True)
class InboxPage:
    rows: tuple[InboxRow, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class ClockLine:
    kind: str
    starts_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    escalated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Notice:
    """Someone told about the report: a message queued for them, and whether and when it went out."""

    kind: str
    recipient_id: str
    queued_at: datetime
    sent_at: datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class ActionLine:
    id: int
    actor_id: str
    role: str
    action: str
    note: str | None
    details: dict[str, str] | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CheckInLine:
    seq: int
    due_at: datetime
    status: str
    asked_at: datetime | None
    answered_at: datetime | None
    mood: str | None  # only when the reporter agreed that the manager may know
    shared: bool


@dataclass(frozen=True, slots=True)
class ReportFile:
    """Everything the report page shows."""

    report: Report
    clocks: tuple[ClockLine, ...]
    notices: tuple[Notice, ...]
    actions: tuple[ActionLine, ...]
    checkins: tuple[CheckInLine, ...]
    digest_at: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)


def inbox(session: Session, viewer_id: str, teams: frozenset[str] | None, wanted: InboxFilter,
          now: datetime) -> InboxPage:
    """Reports in scope (teams None: all), never the viewer's own; overdue first, then by the next deadline.

    Sorting ascending on the earliest open deadline puts the overdue ones first by itself.
    """
    conditions = [ReportRow.reporter_id != viewer_id]
    if teams is not None:
        conditions.append(ReportRow.team_id.in_(sorted(teams)) if teams else ReportRow.id < 0)
    if wanted.team:
        conditions.append(ReportRow.team_id == wanted.team)
    if wanted.status == OPEN:
        conditions.append(ReportRow.status != "afgerond")
    elif wanted.status != ALL:
        conditions.append(ReportRow.status == wanted.status)
    if wanted.form:
        conditions.append(ReportRow.primary_form == wanted.form)
    if wanted.since is not None:
        conditions.append(ReportRow.created_at >= wanted.since)
    if wanted.until is not None:
        conditions.append(ReportRow.created_at < wanted.until)
    if wanted.reference:
        conditions.append(ReportRow.reference.contains(wanted.reference.strip().upper()[:32], autoescape=True))
    where = and_(*conditions)
    total = int(session.scalar(select(func.count()).select_from(ReportRow).where(where)) or 0)
    pages = max(1, -(-total // wanted.per_page))
    page = min(max(1, wanted.page), pages)
    stmt = (
        select(ReportRow.reference, ReportRow.created_at, ReportRow.team_id, ReportRow.reporter_id,
               ReportRow.primary_form, ReportRow.abcd, ReportRow.severe, ReportRow.status,
               ReportRow.next_due_at.label("next_due"))
        .where(where)
        .order_by(ReportRow.next_due_at.asc().nulls_last(), ReportRow.created_at.desc(), ReportRow.id.desc())
        .limit(wanted.per_page).offset((page - 1) * wanted.per_page)
    )
    found = session.execute(stmt).all()
    kinds = _next_kinds(session, [r.reference for r in found if r.next_due is not None])
    rows = tuple(
        InboxRow(r.reference, r.created_at, r.team_id, r.reporter_id, r.primary_form, r.abcd, r.severe, r.status,
                 OpenClock(kinds.get(r.reference, ""), r.next_due)
                 if r.next_due is not None else None)
        for r in found
    )
    return InboxPage(rows, total, page, pages)


def _next_kinds(session: Session, references: Sequence[str]) -> dict[str, str]:
    """The kind of each report's earliest open clock."""
    if not references:
        return {}
    rows = session.execute(
        select(ClockRow.reference, ClockRow.kind, ClockRow.due_at)
        .where(ClockRow.reference.in_(list(references)), ClockRow.acknowledged_at.is_(None))
        .order_by(ClockRow.reference, ClockRow.due_at, ClockRow.id)
    ).all()
    kinds: dict[str, str] = {}
    for row in rows:
        kinds.setdefault(row.reference, row.kind)
    return kinds


def report_file(session: Session, reference: str) -> ReportFile | None:
    """The report with its clocks, who was told, actions and check-ins, oldest first."""
    report = SqlReportRepository(session).get(reference)
    if report is None:
        return None
    clocks = session.scalars(select(ClockRow).where(ClockRow.reference == reference).order_by(ClockRow.due_at))
    clock_lines = []
    clock_ids = []
    for c in clocks:
        clock_ids.append(c.id)
        clock_lines.append(ClockLine(c.kind, c.starts_at, c.due_at, c.acknowledged_at, c.acknowledged_by,
                                     c.escalated_at))
    actions = list(session.scalars(select(ActionRow).where(ActionRow.reference == reference)
                                   .order_by(ActionRow.at, ActionRow.id)))
    checkins = list(session.scalars(select(CheckInRow).where(CheckInRow.reference == reference)
                                    .order_by(CheckInRow.seq)))
    keys = [f"escalation:{reference}", *(f"feedback:{a.id}" for a in actions),
            *(f"checkin:{c.id}" for c in checkins), *(f"consent:{c.id}" for c in checkins)]
    patterns = [OutboxRow.dedup_key.like(f"clock:{cid}:%") for cid in clock_ids]
    outbox = session.scalars(select(OutboxRow).where(or_(OutboxRow.dedup_key.in_(keys), *patterns))
                             .order_by(OutboxRow.created_at, OutboxRow.id))
    notices = tuple(Notice(o.kind, o.employee_id, o.created_at, o.sent_at, o.status) for o in outbox)
    digest = session.scalar(select(DigestItemRow.included_at).where(DigestItemRow.reference == reference))
    return ReportFile(
        report=report,
        clocks=tuple(clock_lines),
        notices=notices,
        actions=tuple(ActionLine(a.id, a.actor_id, a.role, a.action, a.note, a.details, a.at) for a in actions),
        checkins=tuple(CheckInLine(c.seq, c.due_at, c.status, c.asked_at, c.answered_at,
                                   c.mood if c.manager_informed else None, bool(c.manager_informed))
                       for c in checkins),
        digest_at=digest,
    )
