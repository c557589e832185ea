"""Migration 0002 creates exactly the follow-up tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.bootstrap import Container
from bot.storage import followup
from bot.storage.orm import Base

FOLLOWUP_TABLES = {followup.ClockRow.__tablename__, followup.ActionRow.__tablename__,
                   followup.CheckInRow.__tablename__, followup.DigestItemRow.__tablename__}


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name in FOLLOWUP_TABLES:
            return str(name)
        if isinstance(part, str) and part in FOLLOWUP_TABLES:
            return part
    return None


def test_the_follow_up_migration_matches_the_models(container: Container) -> None:
    with container.db.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if _table_of(d) in FOLLOWUP_TABLES] == []
    assert set(Base.metadata.tables) >= FOLLOWUP_TABLES
