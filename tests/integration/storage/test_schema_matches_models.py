"""The migrations create exactly the tables, columns and indexes the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot.storage.auth  # noqa: F401  (registers the sign-in tables)
import bot.storage.followup  # noqa: F401  (registers the follow-up tables)
from bot.bootstrap import Container
from bot.storage.orm import Base


def test_the_migrated_schema_matches_the_models(container: Container) -> None:
    with container.db.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
