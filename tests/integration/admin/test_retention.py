"""Closed reports past retention are deleted with everything kept for them; the audit log says so."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from typer.testing import Result

from actions.retention import closing_time, is_due, retention_cutoff
from bot.bootstrap import Container
from bot.conversation.state import ConversationState
from bot.storage.followup import ActionRow, CheckInRow, ClockRow, DigestItemRow
from bot.storage.orm import AuditRow, ConversationRow, OutboxRow, ReportRow
from tests.integration.admin.conftest import Seed

TABLES: dict[str, Any] = {"reports": ReportRow, "report_clocks": ClockRow, "report_actions": ActionRow,
                          "checkins": CheckInRow, "digest_items": DigestItemRow, "outbox": OutboxRow,
                          "conversations": ConversationRow}


def counts(container: Container, reference: str) -> dict[str, int]:
    """Rows that still belong to the report, per table."""
    found = {}
    with container.session_factory() as s:
        for name, model in TABLES.items():
            if model is OutboxRow:
                where = OutboxRow.dedup_key == f"escalation:{reference}"
            elif model is ConversationRow:
                where = ConversationRow.user_key.like(f"%{reference}")
            else:
                where = model.reference == reference
            found[name] = int(s.scalar(select(func.count()).select_from(model).where(where)) or 0)
    return found


def test_retention_policy_counts_from_the_closing_time() -> None:
    from datetime import UTC, datetime

    now = datetime(2031, 6, 1, tzinfo=UTC)
    cutoff = retention_cutoff(now, 5)
    updated, done = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC)
    assert closing_time(updated, None) == updated
    assert closing_time(updated, done) == done
    assert is_due("afgerond", updated, cutoff)
    assert not is_due("afgerond", done, cutoff)
    assert not is_due("ingediend", updated, cutoff)
    with pytest.raises(ValueError, match="negative"):
        retention_cutoff(now, -1)


def test_closed_reports_past_retention_are_deleted_with_their_rows_and_files(
    container: Container, seed: Seed, cli: Callable[..., Result]
) -> None:
    now = container.clock.now()
    long_ago = now - timedelta(days=6 * 366)
    old = seed("MLD-2020-00001", status="afgerond", created_at=long_ago, done_at=long_ago + timedelta(days=3))
    recently_closed = seed("MLD-2020-00002", status="afgerond", created_at=long_ago, done_at=now - timedelta(days=30))
    still_open = seed("MLD-2020-00003", created_at=long_ago)
    attachments = container.settings.attachments_dir
    with container.session_factory() as s:  # an audit row about the report, written while it was handled
        s.add(AuditRow(at=long_ago, actor="mgr", action="report_viewed", reference=old))
        s.commit()

    dry = cli("retention", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert old in dry.output
    assert recently_closed not in dry.output
    assert counts(container, old)["reports"] == 1

    result = cli("retention")
    assert result.exit_code == 0, result.output
    assert "1 afgeronde meldingen verwijderd (1 bewijsstukken)" in result.output
    assert counts(container, old) == dict.fromkeys(TABLES, 0)
    assert not (attachments / "telegram" / f"{old}.jpg").exists()
    for kept in (recently_closed, still_open):
        assert counts(container, kept) == {**dict.fromkeys(TABLES, 1), "report_actions": int(kept == recently_closed)}
        assert (attachments / "telegram" / f"{kept}.jpg").exists()
    with container.session_factory() as s:
        audit = [(r.action, r.actor) for r in s.scalars(select(AuditRow).where(AuditRow.reference == old)
                                                         .order_by(AuditRow.id))]
    assert audit == [("report_viewed", "mgr"), ("report_deleted", "retention")]

    assert cli("retention").output.startswith("0 afgeronde meldingen")
    # The audit log stays append-only: nothing of it could be removed along the way.
    with container.session_factory() as s, pytest.raises(DBAPIError):
        s.execute(update(AuditRow).values(actor="x"))


def test_the_retention_period_is_configurable(container: Container, seed: Seed, cli: Callable[..., Result]) -> None:
    closed = container.clock.now() - timedelta(days=400)
    ref = seed("MLD-2025-00007", status="afgerond", created_at=closed)
    assert ref not in cli("retention", "--dry-run").output
    assert ref in cli("retention", "--dry-run", "--years", "1").output


def test_evidence_files_no_report_refers_to_are_swept_after_two_days(
    container: Container, seed: Seed, cli: Callable[..., Result]
) -> None:
    reference = seed("MLD-2026-00050")
    attachments = container.settings.attachments_dir
    in_progress = ConversationState(draft={"evidence": [{"kind": "photo", "path": "web/in-progress.jpg"}]})
    with container.uow_factory() as uow:  # a report being made: its photo is in the draft, not yet filed
        uow.conversations.save("web", "noor", "noor", in_progress, None)
        uow.commit()
    days_ago = time.time() - 3 * 24 * 3600
    files = {name: attachments / name for name in
             ("web/stopped.jpg", "web/in-progress.jpg", "telegram/failed-upload.pdf", "web/just-now.png")}
    for name, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"evidence")
        if name != "web/just-now.png":  # an upload of a moment ago may still become part of a report
            os.utime(path, (days_ago, days_ago))
    filed = attachments / "telegram" / f"{reference}.jpg"
    os.utime(filed, (days_ago, days_ago))

    dry = cli("retention", "--dry-run")
    assert "2 bewijsbestanden zonder melding zouden worden verwijderd." in dry.output
    assert all(path.exists() for path in files.values())

    result = cli("retention")
    assert result.exit_code == 0, result.output
    assert "2 bewijsbestanden zonder melding verwijderd" in result.output
    assert not files["web/stopped.jpg"].exists()
    assert not files["telegram/failed-upload.pdf"].exists()
    assert files["web/in-progress.jpg"].exists()
    assert files["web/just-now.png"].exists()
    assert filed.exists()
    with container.session_factory() as s:
        [row] = s.scalars(select(AuditRow).where(AuditRow.action == "evidence_swept")).all()
    assert row.details == {"files": 2}
