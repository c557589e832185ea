"""Removal of personal data: closed reports past retention, and one person's data on request (AVG), with audit rows.

The audit log is append-only (database triggers): removals add a row saying what went, and never touch the
rows that were there. Evidence files are removed after the rows are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from actions.retention import CLOSED, closing_time, is_due
from bot.storage.auth import LoginLinkRow, WebSessionRow
from bot.storage.followup import ActionRow, CheckInRow, ClockRow, DigestItemRow
from bot.storage.orm import (
    AuditRow,
    ConversationRow,
    DeliveryRow,
    IdentityRow,
    LinkCodeRow,
    OutboxRow,
    ReportRow,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DueReport:
    """A closed report past its retention period."""

    reference: str
    closed_at: datetime


@dataclass
class Removed:
    """What a removal took away: rows per table, and the evidence files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def add(self, table: str, count: int) -> None:
        if count:
            self.rows[table] = self.rows.get(table, 0) + count


def due_reports(session: Session, cutoff: datetime) -> list[DueReport]:
    """Closed reports whose closing time lies before `cutoff`, oldest first."""
    done = (select(ActionRow.reference, func.max(ActionRow.at).label("done_at"))
            .where(ActionRow.action == "done").group_by(ActionRow.reference).subquery())
    rows = session.execute(
        select(ReportRow.reference, ReportRow.status, ReportRow.updated_at, done.c.done_at)
        .outerjoin(done, done.c.reference == ReportRow.reference)
        .where(ReportRow.status == CLOSED)
        .order_by(ReportRow.id)
    ).all()
    due = [DueReport(r.reference, closing_time(r.updated_at, r.done_at)) for r in rows]
    return [d for d in due if is_due(CLOSED, d.closed_at, cutoff)]


def _mentioning(column: Any, reference: str) -> Any:
    """JSON columns (conversation state, outbox payload) that mention the reference."""
    return cast(column, Text).like(f"%{reference}%")


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(stmt).rowcount or 0)


def delete_report(session: Session, reference: str, attachments_dir: Path, removed: Removed) -> None:
    """Delete one report with everything kept for it; its evidence files are collected in `removed`."""
    row = session.scalars(select(ReportRow).where(ReportRow.reference == reference)).one_or_none()
    if row is None:
        return
    for item in row.evidence or ():
        path = _evidence_path(attachments_dir, item.get("path"))
        if path is not None:
            removed.files.append(path)
    reporter = row.reporter_id
    removed.add("report_clocks", _count(session, delete(ClockRow).where(ClockRow.reference == reference)))
    removed.add("report_actions", _count(session, delete(ActionRow).where(ActionRow.reference == reference)))
    removed.add("checkins", _count(session, delete(CheckInRow).where(CheckInRow.reference == reference)))
    removed.add("digest_items", _count(session, delete(DigestItemRow).where(DigestItemRow.reference == reference)))
    removed.add("outbox", _count(session, delete(OutboxRow).where(
        or_(OutboxRow.dedup_key.like(f"%{reference}%"), _mentioning(OutboxRow.payload, reference)))))
    removed.add("conversations", _count(session, delete(ConversationRow).where(
        ConversationRow.employee_id == reporter, _mentioning(ConversationRow.state, reference))))
    removed.add("processed_deliveries", _count(session, delete(DeliveryRow).where(
        _mentioning(DeliveryRow.response, reference))))
    session.delete(row)
    removed.add("reports", 1)
    session.flush()


def _evidence_path(attachments_dir: Path, relative: object) -> Path | None:
    """The stored file of an evidence item, only when it lies inside the attachments directory."""
    if not isinstance(relative, str) or not relative:
        return None
    base = attachments_dir.resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path != base else None


def remove_files(paths: Sequence[Path]) -> int:
    """Delete the files (after the commit); returns how many were there."""
    gone = 0
    for path in paths:
        try:
            path.unlink()
            gone += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("an evidence file could not be deleted (%s)", exc.__class__.__name__)
    return gone


def purge_closed_reports(session: Session, due: Sequence[DueReport], attachments_dir: Path, now: datetime,
                         *, actor: str = "retention") -> Removed:
    """Delete these reports, one audit row each; the caller commits, then removes `files`."""
    removed = Removed()
    for report in due:
        before = dict(removed.rows)
        delete_report(session, report.reference, attachments_dir, removed)
        rows = {k: v - before.get(k, 0) for k, v in removed.rows.items() if v - before.get(k, 0)}
        session.add(AuditRow(at=now, actor=actor, action="report_deleted", reference=report.reference,
                             details={"reason": "retention", "closed_at": report.closed_at.isoformat(),
                                      "rows": rows}))
    return removed


# -- evidence files no report or conversation refers to -----------------------------------------------

ORPHAN_GRACE = timedelta(days=2)  # an upload lands before its turn commits; a stopped report leaves its files


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (evidence items, drafts), wherever it sits."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def unreferenced_files(session: Session, attachments_dir: Path, now: datetime) -> list[Path]:
    """Evidence files older than ORPHAN_GRACE that no report and no conversation (a report in progress)
    refers to: kept from a report that was stopped, or from an upload whose turn never committed."""
    if not attachments_dir.is_dir():
        return []
    kept: set[Path] = set()
    for value in (*session.scalars(select(ReportRow.evidence)), *session.scalars(select(ConversationRow.state))):
        for text in _strings(value):
            path = _evidence_path(attachments_dir, text) if "/" in text else None
            if path is not None:
                kept.add(path)
    cutoff = (now - ORPHAN_GRACE).timestamp()
    base = attachments_dir.resolve()
    return sorted(path for path in base.rglob("*")
                  if path.is_file() and path not in kept and path.stat().st_mtime < cutoff)


def record_sweep(session: Session, paths: Sequence[Path], now: datetime, *, actor: str = "retention") -> None:
    """One audit row for the files about to be removed (how many; their names say nothing of anyone)."""
    session.add(AuditRow(at=now, actor=actor, action="evidence_swept", details={"files": len(paths)}))
    session.flush()


# -- one person (AVG access and erasure requests) ---------------------------------------------------


def _plain(row: Any, skip: Sequence[str] = ()) -> dict[str, Any]:
    values = {}
    for column in row.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def person_data(session: Session, employee_id: str) -> dict[str, Any]:
    """Everything stored about one employee, as plain JSON values (secrets left out)."""
    from actions.export import report_record
    from bot.storage.repositories import SqlReportRepository

    repo = SqlReportRepository(session)
    references = list(session.scalars(
        select(ReportRow.reference).where(ReportRow.reporter_id == employee_id).order_by(ReportRow.id)))
    reports = [report_record(r) for r in (repo.get(ref) for ref in references) if r is not None]
    about = list(session.scalars(  # reported by a colleague or a witness: it happened to this employee
        select(ReportRow.reference).where(ReportRow.victim_id == employee_id).order_by(ReportRow.id)))
    reports_about = [report_record(r) for r in (repo.get(ref) for ref in about) if r is not None]

    def rows(model: Any, *where: Any, skip: Sequence[str] = ()) -> list[dict[str, Any]]:
        return [_plain(r, skip) for r in session.scalars(select(model).where(*where))]

    return {
        "employee_id": employee_id,
        "reports": reports,
        "reports_about_them": reports_about,
        "report_actions": rows(ActionRow, ActionRow.reference.in_(references)),
        "checkins": rows(CheckInRow, CheckInRow.employee_id == employee_id),
        "conversations": rows(ConversationRow, ConversationRow.employee_id == employee_id),
        "identities": rows(IdentityRow, IdentityRow.employee_id == employee_id),
        "web_sessions": rows(WebSessionRow, WebSessionRow.employee_id == employee_id, skip=("id_hash",)),
        "login_links": rows(LoginLinkRow, LoginLinkRow.employee_id == employee_id, skip=("token_hash",)),
        "link_codes": rows(LinkCodeRow, LinkCodeRow.employee_id == employee_id, skip=("code",)),
        "audit_log": rows(AuditRow, AuditRow.actor == employee_id),
    }


def erase_person(session: Session, employee_id: str, attachments_dir: Path, now: datetime,
                 *, actor: str = "cli") -> Removed:
    """Delete one employee's reports, conversations, identities, sessions, links, codes and check-ins.

    The caller commits, then removes `files`. The audit log keeps its rows (append-only) and gains one.
    """
    removed = Removed()
    references = list(session.scalars(select(ReportRow.reference).where(ReportRow.reporter_id == employee_id)))
    for reference in references:
        delete_report(session, reference, attachments_dir, removed)
    # Reports a colleague or a witness filed about this employee stay theirs, without this employee's name.
    removed.add("reports_victim_cleared", _count(session, update(ReportRow).where(
        ReportRow.victim_id == employee_id).values(victim_id=None, victim_name=None, victim_told=False)))
    for table, model, column in (
        ("conversations", ConversationRow, ConversationRow.employee_id),
        ("identities", IdentityRow, IdentityRow.employee_id),
        ("web_sessions", WebSessionRow, WebSessionRow.employee_id),
        ("login_links", LoginLinkRow, LoginLinkRow.employee_id),
        ("link_codes", LinkCodeRow, LinkCodeRow.employee_id),
        ("checkins", CheckInRow, CheckInRow.employee_id),
        ("outbox", OutboxRow, OutboxRow.employee_id),
    ):
        removed.add(table, _count(session, delete(model).where(column == employee_id)))
    # Web chat deliveries carry the employee id in their key; other channels' expire within days.
    removed.add("processed_deliveries", _count(session, delete(DeliveryRow).where(
        DeliveryRow.channel == "web", DeliveryRow.delivery_id.startswith(f"{employee_id}:", autoescape=True))))
    session.add(AuditRow(at=now, actor=actor, action="person_erased",
                         details={"employee": employee_id, "reports": references, "rows": dict(removed.rows)}))
    session.flush()
    return removed
