"""Follow-up tables (clocks, actions, check-ins, digest items) and their SQL store, including the tick's claims."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.ports import ASKED, EXPIRED, SCHEDULED, STOPPED, ActionRecord, CheckIn, ClockState, FollowUpStore
from bot.storage.orm import Base, OutboxRow, ReportRow
from bot.storage.prepared import Prepared
from bot.storage.repositories import FILED_IN_THIS_SESSION, StorageSession
from bot.storage.uow import SqlUnitOfWork

T = TypeVar("T")


class ClockRow(Base):
    """A deadline of a report; the tick turns due alerts into outbox rows (reminders, escalation)."""

    __tablename__ = "report_clocks"
    __table_args__ = (UniqueConstraint("reference", "kind"),
                      Index("ix_report_clocks_open_due", "acknowledged_at", "due_at"),
                      Index("ix_report_clocks_filed", "filed_at", "team_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    due_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    alerts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(index=True)
    escalated_at: Mapped[datetime | None]
    # The report's team and filing time, copied so that the figures need no join over every clock.
    team_id: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[datetime | None]


class ActionRow(Base):
    """What a manager or the coordinator did on a report (append-only), with the line the reporter sees."""

    __tablename__ = "report_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CheckInRow(Base):
    """An aftercare check-in. Only how someone is doing is kept (goed / wisselend / niet goed), nothing medical."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("reference", "seq"), Index("ix_checkins_filed", "filed_at", "team_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), index=True)
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(index=True)
    stress: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED, index=True)
    step: Mapped[str | None] = mapped_column(String(16))
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    mood: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    referral_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    manager_informed: Mapped[bool | None] = mapped_column(Boolean)
    # The report's team and filing time, copied so that the figures need no join over every check-in.
    team_id: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[datetime | None]


class DigestItemRow(Base):
    """A non-severe report waiting for its manager's daily digest."""

    __tablename__ = "digest_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    digest_at: Mapped[datetime] = mapped_column(index=True)
    included_at: Mapped[datetime | None]


def _pg(session: StorageSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _clock(row: ClockRow) -> ClockState:
    return ClockState(row.id, row.reference, row.kind, row.owner_id, row.starts_at, row.due_at,
                      row.acknowledged_at, row.acknowledged_by, row.alerts_sent, row.next_alert_at, row.escalated_at)


def _checkin(row: CheckInRow) -> CheckIn:
    return CheckIn(row.id, row.reference, row.employee_id, row.seq, row.due_at, row.stress, row.status, row.step,
                   row.asked_at, row.answered_at, row.mood, row.note, row.referral_offered, row.manager_informed)


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """An outbox row claimed for sending by one worker (`token` proves the claim is still ours)."""

    id: int
    employee_id: str
    channel: str | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    token: str


# Statements of the filing turn and of every idle turn, built once (Core: no ORM objects are needed).
_clocks, _checkins, _reports = ClockRow.__table__, CheckInRow.__table__, ReportRow.__table__
_INSERT_CLOCK = insert(_clocks)
_INSERT_CHECKIN = insert(_checkins)
_FILED = select(_reports.c.team_id, _reports.c.created_at).where(
    _reports.c.reference == bindparam("p_reference", type_=_reports.c.reference.type))
_due = bindparam("p_due_at", type_=_reports.c.next_due_at.type)
_EARLIER_NEXT_DUE = Prepared(
    update(_reports).where(_reports.c.reference == bindparam("p_reference", type_=_reports.c.reference.type),
                           or_(_reports.c.next_due_at.is_(None), _reports.c.next_due_at > _due))
    .values(next_due_at=_due))
_OPEN_CHECKIN = (select(_checkins)
                 .where(_checkins.c.employee_id == bindparam("p_employee_id", type_=_checkins.c.employee_id.type),
                        _checkins.c.status == ASKED, _checkins.c.step.is_not(None))
                 .order_by(_checkins.c.asked_at.desc(), _checkins.c.id.desc()).limit(1))


def _pending_writes(method: Callable[..., T]) -> Callable[..., T]:
    """Writes the clocks and check-ins added so far before `method` runs (it may read or change them)."""

    @functools.wraps(method)
    def wrapper(self: SqlFollowUpStore, *args: Any, **kwargs: Any) -> T:
        self.flush()
        return method(self, *args, **kwargs)

    return wrapper


class SqlFollowUpStore:
    """The FollowUpStore port on SQLAlchemy, plus the row locking the tick needs.

    The clocks and check-ins of a filing are written together, each kind in one executemany, when the unit of
    work commits or before any other method of this store runs (nothing else reads them in the same turn).
    """

    def __init__(self, session: StorageSession) -> None:
        self.session = session
        self._filed_cache: dict[str, tuple[str | None, datetime | None]] = {}
        self._new_clocks: list[dict[str, Any]] = []
        self._new_checkins: list[dict[str, Any]] = []

    def flush(self) -> None:
        """Write the clocks and check-ins added since the last flush."""
        if not (self._new_clocks or self._new_checkins):
            return
        connection = self.session.connection()
        clocks, self._new_clocks = self._new_clocks, []
        checkins, self._new_checkins = self._new_checkins, []
        if clocks:
            connection.execute(_INSERT_CLOCK, clocks)
            # New clocks are open: a report's earliest open deadline can only move earlier.
            earliest: dict[str, datetime] = {}
            for clock in clocks:
                ref = clock["reference"]
                earliest[ref] = min(earliest.get(ref, clock["due_at"]), clock["due_at"])
            for ref, due in earliest.items():  # one report, as a rule (its filing)
                _EARLIER_NEXT_DUE.run(connection, {"p_reference": ref, "p_due_at": due})
        if checkins:
            connection.execute(_INSERT_CHECKIN, checkins)

    def discard(self) -> None:
        """Forget what was added and not written (the transaction is rolled back)."""
        self._new_clocks, self._new_checkins = [], []
        self._filed_cache.clear()
        self.session.info.pop(FILED_IN_THIS_SESSION, None)

    # -- clocks ------------------------------------------------------------------------------

    def add_clock(self, reference: str, kind: str, owner_id: str, starts_at: datetime, due_at: datetime,
                  next_alert_at: datetime | None) -> None:
        team_id, filed_at = self._filed(reference)
        self._new_clocks.append({
            "reference": reference, "kind": kind, "owner_id": owner_id, "starts_at": starts_at, "due_at": due_at,
            "alerts_sent": 0, "next_alert_at": next_alert_at, "team_id": team_id, "filed_at": filed_at})

    def _filed(self, reference: str) -> tuple[str | None, datetime | None]:
        """The team and filing time of a report (None, None before it is stored); read once per report, and
        not at all when the report was added in this transaction."""
        if reference not in self._filed_cache:
            added = self.session.info.get(FILED_IN_THIS_SESSION, {}).get(reference)
            if added is not None:
                self._filed_cache[reference] = added
                return added
            row = self.session.connection().execute(_FILED, {"p_reference": reference}).first()
            if row is None:
                return None, None
            self._filed_cache[reference] = (row.team_id, row.created_at)
        return self._filed_cache[reference]

    @_pending_writes
    def _set_next_due(self, reference: str) -> None:
        """Keep the report's earliest open deadline (the inbox sorts on it)."""
        earliest = (select(func.min(ClockRow.due_at))
                    .where(ClockRow.reference == reference, ClockRow.acknowledged_at.is_(None))
                    .scalar_subquery())
        self.session.execute(update(ReportRow).where(ReportRow.reference == reference)
                             .values(next_due_at=earliest))

    @_pending_writes
    def clocks(self, reference: str) -> Sequence[ClockState]:
        rows = self.session.scalars(select(ClockRow).where(ClockRow.reference == reference).order_by(ClockRow.id))
        return [_clock(r) for r in rows]

    @_pending_writes
    def acknowledge(self, reference: str, kinds: Sequence[str], actor_id: str, at: datetime) -> list[str]:
        stmt = select(ClockRow).where(ClockRow.reference == reference, ClockRow.kind.in_(list(kinds)),
                                      ClockRow.acknowledged_at.is_(None))
        if _pg(self.session):
            stmt = stmt.with_for_update()
        stopped = []
        for row in self.session.scalars(stmt):
            row.acknowledged_at = at
            row.acknowledged_by = actor_id
            row.next_alert_at = None
            stopped.append(row.kind)
        self.session.flush()
        if stopped:
            self._set_next_due(reference)
        return stopped

    @_pending_writes
    def lock_due_clocks(self, now: datetime, limit: int) -> Sequence[ClockRow]:
        stmt = (
            select(ClockRow)
            .where(ClockRow.acknowledged_at.is_(None), ClockRow.next_alert_at <= now)
            .order_by(ClockRow.next_alert_at, ClockRow.id)
            .limit(limit)
        )
        if _pg(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    # -- actions -----------------------------------------------------------------------------

    @_pending_writes
    def add_action(self, action: ActionRecord) -> int:
        row = ActionRow(reference=action.reference, actor_id=action.actor_id, role=action.role,
                        action=action.action, note=action.note, at=action.at, summary=action.summary,
                        details=action.details)
        self.session.add(row)
        self.session.flush()
        return row.id

    @_pending_writes
    def actions(self, reference: str) -> Sequence[ActionRecord]:
        rows = self.session.scalars(select(ActionRow).where(ActionRow.reference == reference).order_by(ActionRow.id))
        return [ActionRecord(r.reference, r.actor_id, r.role, r.action, r.note, r.at, r.summary, r.details)
                for r in rows]

    # -- check-ins ---------------------------------------------------------------------------

    def add_checkin(self, reference: str, employee_id: str, seq: int, due_at: datetime, stress: bool) -> None:
        team_id, filed_at = self._filed(reference)
        self._new_checkins.append({
            "reference": reference, "employee_id": employee_id, "seq": seq, "due_at": due_at, "stress": stress,
            "status": SCHEDULED, "referral_offered": False, "team_id": team_id, "filed_at": filed_at})

    @_pending_writes
    def checkin(self, checkin_id: int) -> CheckIn | None:
        row = self.session.get(CheckInRow, checkin_id)
        return _checkin(row) if row else None

    @_pending_writes
    def open_checkin(self, employee_id: str) -> CheckIn | None:
        row = self.session.connection().execute(_OPEN_CHECKIN, {"p_employee_id": employee_id}).first()
        return _checkin(row) if row else None  # type: ignore[arg-type]  # a Row has the attributes it reads

    @_pending_writes
    def update_checkin(self, checkin_id: int, **changes: Any) -> None:
        self.session.execute(update(CheckInRow).where(CheckInRow.id == checkin_id).values(**changes))

    @_pending_writes
    def stop_checkins(self, employee_id: str, at: datetime) -> int:
        result = self.session.execute(
            update(CheckInRow)
            .where(CheckInRow.employee_id == employee_id, CheckInRow.status.in_([SCHEDULED, ASKED]))
            .values(status=STOPPED, step=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    @_pending_writes
    def lock_due_checkins(self, now: datetime, limit: int) -> Sequence[CheckInRow]:
        stmt = (
            select(CheckInRow)
            .where(CheckInRow.status == SCHEDULED, CheckInRow.due_at <= now)
            .order_by(CheckInRow.due_at, CheckInRow.id)
            .limit(limit)
        )
        if _pg(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    @_pending_writes
    def expire_open_checkins(self, employee_id: str, except_id: int) -> None:
        """An older question still waiting is superseded by a new check-in."""
        self.session.execute(
            update(CheckInRow)
            .where(CheckInRow.employee_id == employee_id, CheckInRow.status == ASKED, CheckInRow.id != except_id)
            .values(status=EXPIRED, step=None)
        )

    # -- digest ------------------------------------------------------------------------------

    @_pending_writes
    def add_digest_item(self, manager_id: str, reference: str, digest_at: datetime) -> None:
        self.session.add(DigestItemRow(manager_id=manager_id, reference=reference, digest_at=digest_at))
        self.session.flush()

    @_pending_writes
    def lock_due_digest_items(self, now: datetime, limit: int) -> Sequence[DigestItemRow]:
        stmt = (
            select(DigestItemRow)
            .where(DigestItemRow.included_at.is_(None), DigestItemRow.digest_at <= now)
            .order_by(DigestItemRow.manager_id, DigestItemRow.id)
            .limit(limit)
        )
        if _pg(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    # -- the outbox: claim, then settle -----------------------------------------------------

    @_pending_writes
    def claim_outbox(self, now: datetime, stale_before: datetime, token: str, limit: int,
                     skip: Collection[int] = ()) -> list[ClaimedMessage]:
        """Mark up to `limit` due rows as 'sending' by `token`; the caller commits before sending anything.

        Due rows are pending rows whose time has come, and rows left in 'sending' by a worker
        that did not finish before `stale_before` (it crashed); `skip` are rows this worker
        gave back during the same tick. On PostgreSQL the rows are
        locked with FOR UPDATE SKIP LOCKED, so concurrent workers claim disjoint rows; on
        SQLite the transaction starts with BEGIN IMMEDIATE, which serialises claims.
        """
        due = or_(
            and_(OutboxRow.status == "pending", OutboxRow.due_at <= now),
            and_(OutboxRow.status == "sending", OutboxRow.claimed_at <= stale_before),
        )
        ids_stmt = select(OutboxRow.id).where(due).order_by(OutboxRow.due_at, OutboxRow.id).limit(limit)
        if skip:
            ids_stmt = ids_stmt.where(OutboxRow.id.not_in(list(skip)))
        if _pg(self.session):
            ids_stmt = ids_stmt.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(ids_stmt))
        if not ids:
            return []
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(status="sending", claimed_by=token, claimed_at=now, attempts=OutboxRow.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        rows = self.session.execute(
            select(OutboxRow.id, OutboxRow.employee_id, OutboxRow.channel, OutboxRow.kind, OutboxRow.payload,
                   OutboxRow.attempts).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.due_at, OutboxRow.id)
        )
        return [ClaimedMessage(r.id, r.employee_id, r.channel, r.kind, r.payload, r.attempts, token) for r in rows]

    @_pending_writes
    def settle_all(self, messages: Sequence[ClaimedMessage], **values: Any) -> list[ClaimedMessage]:
        """Record one outcome for several sends, only for the rows whose claim is still ours, in one statement
        per claim (not one per row); returns those rows, in the order given."""
        by_token: dict[str, list[int]] = {}
        for message in messages:
            by_token.setdefault(message.token, []).append(message.id)
        ours: set[int] = set()
        outbox = OutboxRow.__table__.c
        for token, ids in by_token.items():
            ours.update(self.session.connection().execute(
                update(OutboxRow.__table__)
                .where(outbox.id.in_(ids), outbox.status == "sending", outbox.claimed_by == token)
                .values(**values)
                .returning(outbox.id)
            ).scalars())
        return [m for m in messages if m.id in ours]

    @_pending_writes
    def settle(self, message: ClaimedMessage, **values: Any) -> bool:
        """Record the outcome of a send, only while the claim is still ours; False when it is not."""
        return bool(self.settle_all([message], **values))


class FollowUpUnitOfWork(SqlUnitOfWork):
    """The SQL unit of work with the follow-up store in the same transaction (`uow.followup`)."""

    followup: FollowUpStore

    def __enter__(self) -> FollowUpUnitOfWork:
        super().__enter__()
        self.followup = self._store = SqlFollowUpStore(self.session)
        return self

    def commit(self) -> None:
        self._store.flush()
        super().commit()

    def rollback(self) -> None:
        self._store.discard()
        super().rollback()


def summaries_by_reference(session: StorageSession, references: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The action lines of these reports, oldest first, for 'mijn meldingen'."""
    found: dict[str, list[str]] = {ref: [] for ref in references}
    if not references:
        return {}
    rows = session.execute(
        select(ActionRow.reference, ActionRow.summary)
        .where(ActionRow.reference.in_(list(references)))
        .order_by(ActionRow.id)
    )
    for ref, summary in rows:
        found[ref].append(summary)
    return {ref: tuple(lines) for ref, lines in found.items()}

