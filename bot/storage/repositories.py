"""SQLAlchemy implementations of the storage ports."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence, Report, ReportSummary, format_reference
from bot.ports import ConcurrencyConflict
from bot.storage.orm import (
    AuditRow,
    ConversationRow,
    DeliveryRow,
    IdentityRow,
    LinkCodeRow,
    OutboxRow,
    ReportCounterRow,
    ReportRow,
)

_REPORT_FIELDS = (
    "reference", "reporter_id", "team_id", "channel", "created_at", "description", "primary_form", "abcd",
    "severe", "severity", "explanation", "corrected_by_reporter", "occurred_text", "occurred_start",
    "occurred_end", "location_type", "location_text", "injury", "damage", "weapon", "witnesses",
    "perpetrator", "feeling", "suicide_threat", "doxing", "status",
)


def _for_update(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class SqlReportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_reference(self, year: int) -> str:
        stmt = select(ReportCounterRow).where(ReportCounterRow.year == year)
        if _for_update(self.session):
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one_or_none()
        if row is None:
            try:
                with self.session.begin_nested():
                    row = ReportCounterRow(year=year, last=0)
                    self.session.add(row)
            except IntegrityError:
                row = self.session.scalars(stmt).one()
        row.last += 1
        self.session.flush()
        return format_reference(year, row.last)

    def add(self, report: Report) -> None:
        values = {k: getattr(report, k) for k in _REPORT_FIELDS}
        self.session.add(
            ReportRow(
                **values,
                updated_at=report.created_at,
                forms=list(report.forms),
                quotes=list(report.quotes),
                wants=list(report.wants),
                evidence=[asdict(e) for e in report.evidence],
            )
        )
        self.session.flush()

    @staticmethod
    def _to_domain(row: ReportRow) -> Report:
        values = {k: getattr(row, k) for k in _REPORT_FIELDS}
        return Report(
            **values,
            forms=tuple(row.forms or ()),
            quotes=tuple(row.quotes or ()),
            wants=tuple(row.wants or ()),
            evidence=tuple(Evidence(**e) for e in row.evidence or ()),
        )

    def get(self, reference: str) -> Report | None:
        row = self.session.scalars(select(ReportRow).where(ReportRow.reference == reference)).one_or_none()
        return self._to_domain(row) if row else None

    def for_reporter(self, employee_id: str) -> Sequence[ReportSummary]:
        from bot.storage.followup import summaries_by_reference  # imported here: followup imports this module

        rows = list(self.session.scalars(
            select(ReportRow).where(ReportRow.reporter_id == employee_id).order_by(ReportRow.id.desc()).limit(20)
        ))
        actions = summaries_by_reference(self.session, [r.reference for r in rows])
        return [ReportSummary(r.reference, r.created_at, r.primary_form, r.status, actions.get(r.reference, ()))
                for r in rows]

    def all(self) -> Sequence[Report]:
        return [self._to_domain(r) for r in self.session.scalars(select(ReportRow).order_by(ReportRow.id))]

    def visible_to(self, employee_id: str, teams: frozenset[str] | None, limit: int = 200) -> Sequence[Report]:
        """Own reports plus those of `teams` (None: every report), newest first."""
        stmt = select(ReportRow).order_by(ReportRow.id.desc()).limit(limit)
        if teams is not None:
            stmt = stmt.where(or_(ReportRow.reporter_id == employee_id, ReportRow.team_id.in_(sorted(teams))))
        return [self._to_domain(r) for r in self.session.scalars(stmt)]

    def set_status(self, reference: str, status: str) -> None:
        self.session.execute(update(ReportRow).where(ReportRow.reference == reference).values(status=status))


class SqlConversationStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, channel: str, user: str) -> tuple[ConversationState, int] | None:
        stmt = select(ConversationRow.state, ConversationRow.version).where(
            ConversationRow.channel == channel, ConversationRow.user_key == user
        )
        if _for_update(self.session):
            stmt = stmt.with_for_update()
        row = self.session.execute(stmt).one_or_none()
        if row is None:
            return None
        return ConversationState.from_json(row.state), row.version

    def save(
        self, channel: str, user: str, employee_id: str, state: ConversationState, version: int | None
    ) -> None:
        now = state.last_activity or datetime.now().astimezone()
        if version is None:
            try:
                with self.session.begin_nested():
                    self.session.add(
                        ConversationRow(
                            channel=channel, user_key=user, employee_id=employee_id,
                            state=state.to_json(), version=1, updated_at=now,
                        )
                    )
            except IntegrityError as exc:
                raise ConcurrencyConflict(f"{channel}:{user}") from exc
            return
        result = self.session.execute(
            update(ConversationRow)
            .where(
                ConversationRow.channel == channel,
                ConversationRow.user_key == user,
                ConversationRow.version == version,
            )
            .values(state=state.to_json(), version=version + 1, updated_at=now, employee_id=employee_id)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrencyConflict(f"{channel}:{user}")


class SqlDeliveryLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def response(self, channel: str, delivery_id: str) -> list[dict[str, Any]] | None:
        return self.session.scalar(
            select(DeliveryRow.response).where(DeliveryRow.channel == channel, DeliveryRow.delivery_id == delivery_id)
        )

    def record(self, channel: str, delivery_id: str, response: list[dict[str, Any]], now: datetime) -> bool:
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            insert(DeliveryRow)
            .values(channel=channel, delivery_id=delivery_id, created_at=now, response=response)
            .on_conflict_do_nothing(index_elements=["channel", "delivery_id"])
            .returning(DeliveryRow.delivery_id)
        )
        # The database's own answer: a row comes back only when this insert created it. (rowcount is -1
        # for INSERT ... ON CONFLICT DO NOTHING on some PostgreSQL drivers, so it cannot be trusted.)
        return self.session.execute(stmt).first() is not None

    def sent_at(self, channel: str, delivery_id: str) -> datetime | None:
        return self.session.scalar(
            select(DeliveryRow.sent_at).where(DeliveryRow.channel == channel, DeliveryRow.delivery_id == delivery_id)
        )

    def mark_sent(self, channel: str, delivery_id: str, now: datetime) -> None:
        self.session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.channel == channel, DeliveryRow.delivery_id == delivery_id,
                   DeliveryRow.sent_at.is_(None))
            .values(sent_at=now)
        )

    def purge_before(self, when: datetime) -> int:
        result = self.session.execute(delete(DeliveryRow).where(DeliveryRow.created_at < when))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        employee_id: str,
        replies: Sequence[Reply],
        *,
        due_at: datetime,
        kind: str = "message",
        dedup_key: str | None = None,
        channel: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> int | None:
        payload = {
            "replies": [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id} for r in replies],
            "data": data or {},
        }
        row = OutboxRow(
            employee_id=employee_id, channel=channel, kind=kind, payload=payload, dedup_key=dedup_key,
            due_at=due_at, status="pending", attempts=0, created_at=due_at,
        )
        if dedup_key is not None:
            try:
                with self.session.begin_nested():
                    self.session.add(row)
            except IntegrityError:
                return None
        else:
            self.session.add(row)
        self.session.flush()
        return row.id


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, at: datetime, actor: str, action: str, reference: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        self.session.add(AuditRow(at=at, actor=actor, action=action, reference=reference, details=details))


class SqlIdentities:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, channel: str, external_id: str) -> IdentityRow | None:
        return self.session.scalars(
            select(IdentityRow).where(IdentityRow.channel == channel, IdentityRow.external_id == external_id)
        ).one_or_none()

    def find(self, channel: str, external_id: str) -> str | None:
        row = self._row(channel, external_id)
        return row.employee_id if row else None

    def link(self, channel: str, external_id: str, employee_id: str, at: datetime) -> None:
        row = self._row(channel, external_id)
        if row is None:
            self.session.add(IdentityRow(channel=channel, external_id=external_id, employee_id=employee_id,
                                         created_at=at, last_seen_at=at))
        else:
            row.employee_id = employee_id
            row.last_seen_at = at
        self.session.flush()

    def set_address(self, channel: str, external_id: str, address: dict[str, Any], at: datetime) -> None:
        row = self._row(channel, external_id)
        if row is not None and (row.address != address):
            row.address = address
            row.last_seen_at = at

    def addresses_of(self, employee_id: str) -> Sequence[tuple[str, str, dict[str, Any] | None]]:
        rows = self.session.scalars(
            select(IdentityRow).where(IdentityRow.employee_id == employee_id).order_by(IdentityRow.last_seen_at.desc())
        )
        return [(r.channel, r.external_id, r.address) for r in rows]


class SqlLinkCodes:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, employee_id: str, now: datetime, valid_days: int = 7) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        raw = "".join(secrets.choice(alphabet) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        self.session.add(LinkCodeRow(code=code, employee_id=employee_id, created_at=now,
                                     expires_at=now + timedelta(days=valid_days)))
        self.session.flush()
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        code = code.strip().upper()
        if len(code) == 8 and "-" not in code:
            code = f"{code[:4]}-{code[4:]}"
        row = self.session.get(LinkCodeRow, code)
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        return row.employee_id
