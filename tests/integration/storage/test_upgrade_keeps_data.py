"""A database of the previous release (schema 0002) with reports and clocks upgrades to the newest schema intact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from bot.storage.db import alembic_config, make_engine, migrate
from tests.dbs import database_url


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_old_database_upgrades_and_the_inbox_knows_the_next_deadline(kind: str, tmp_path: Path) -> None:
    with database_url(kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            cfg = alembic_config(engine)
            with engine.connect() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "0002")
                conn.commit()
            filed = datetime(2026, 11, 2, 9, tzinfo=UTC).replace(tzinfo=None)
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO reports (reference, reporter_id, team_id, channel, created_at, updated_at, status, "
                    "description, forms, severe, severity, explanation, corrected_by_reporter, quotes, wants, "
                    "suicide_threat, doxing, evidence) VALUES ('MLD-2026-00001', 'demo', 'handhaving', 'web', :t, :t, "
                    "'ingediend', 'Hij schold.', '[]', false, 'laag', '', false, '[]', '[]', false, false, '[]')"),
                    {"t": filed})
                for kind_, due, ack in (("contact_today", "2026-11-03 09:00:00", "2026-11-02 10:00:00"),
                                        ("perpetrator_48h", "2026-11-04 09:00:00", None)):
                    conn.execute(text(
                        "INSERT INTO report_clocks (reference, kind, owner_id, starts_at, due_at, acknowledged_at, "
                        "alerts_sent) VALUES ('MLD-2026-00001', :k, 'mgr', :t, :d, :a, 0)"),
                        {"k": kind_, "t": filed, "d": datetime.fromisoformat(due),
                         "a": datetime.fromisoformat(ack) if ack else None})
            migrate(engine)
            with engine.connect() as conn:
                row = conn.execute(text("SELECT description, next_due_at FROM reports")).one()
                copies = conn.execute(text("SELECT DISTINCT team_id, filed_at FROM report_clocks")).all()
            assert row[0] == "Hij schold."
            assert str(row[1]).startswith("2026-11-04 09:00:00")
            assert len(copies) == 1
            assert copies[0][0] == "handhaving"
            assert str(copies[0][1]).startswith("2026-11-02 09:00:00")
        finally:
            engine.dispose()
