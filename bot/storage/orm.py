"""Typed SQLAlchemy table models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored as UTC (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[str | None] = mapped_column(String(64))


class EmployeeRow(Base):
    __tablename__ = "employees"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[str] = mapped_column(String(200), default="employee")
    email: Mapped[str | None] = mapped_column(String(200))


class IdentityRow(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]


class LinkCodeRow(Base):
    __tablename__ = "link_codes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ReportCounterRow(Base):
    __tablename__ = "report_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_status_created", "status", "created_at"),
                      Index("ix_reports_created_at", "created_at"),
                      Index("ix_reports_team_created", "team_id", "created_at"),
                      Index("ix_reports_next_due", "next_due_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    reporter_id: Mapped[str] = mapped_column(String(64), index=True)
    team_id: Mapped[str | None] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32), default="ingediend")
    description: Mapped[str] = mapped_column(Text)
    primary_form: Mapped[str | None] = mapped_column(String(32))
    forms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    abcd: Mapped[str | None] = mapped_column(String(1))
    severe: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text, default="")
    corrected_by_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_text: Mapped[str | None] = mapped_column(Text)
    occurred_start: Mapped[datetime | None]
    occurred_end: Mapped[datetime | None]
    occurred_at: Mapped[datetime | None]  # the moment the reporter named, inside start–end
    location_type: Mapped[str | None] = mapped_column(String(32))
    location_text: Mapped[str | None] = mapped_column(Text)
    injury: Mapped[str | None] = mapped_column(Text)
    damage: Mapped[str | None] = mapped_column(Text)
    weapon: Mapped[str | None] = mapped_column(Text)
    witnesses: Mapped[str | None] = mapped_column(Text)
    perpetrator: Mapped[str | None] = mapped_column(Text)
    quotes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    feeling: Mapped[str | None] = mapped_column(Text)
    wants: Mapped[list[Any]] = mapped_column(JSON, default=list)
    suicide_threat: Mapped[bool] = mapped_column(Boolean, default=False)
    doxing: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Reported for someone else or as a witness: the reporter's part, and who it happened to.
    reporter_role: Mapped[str] = mapped_column(String(16), default="self", server_default="self")
    victim_id: Mapped[str | None] = mapped_column(String(64), index=True)
    victim_name: Mapped[str | None] = mapped_column(Text)
    victim_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The earliest deadline still open (kept by the follow-up store), so the inbox sorts without a join.
    next_due_at: Mapped[datetime | None]


class AuditRow(Base):
    """Append-only: who did what when. Never updated or deleted by the application."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(32), index=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ConversationRow(Base):
    __tablename__ = "conversations"
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime]


class DeliveryRow(Base):
    """A processed delivery (web message_id, Telegram update_id, Teams activity id); kept at least 24 h."""

    __tablename__ = "processed_deliveries"
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    response: Mapped[list[Any] | None] = mapped_column(JSON)
    sent_at: Mapped[datetime | None]  # when the channel sent the replies; a redelivery then sends nothing


class OutboxRow(Base):
    """A message to send outside a turn; claimed and sent by the scheduler's tick."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), default="message")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
