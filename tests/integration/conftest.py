"""Integration fixtures: the real storage on SQLite and on PostgreSQL, with fake clock and understanding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, attachments_dir=tmp_path / "attachments", model_dir=tmp_path / "model",
                    scheduler_enabled=False)


@pytest.fixture
def container(settings: Settings, clock: FakeClock) -> Iterator[Container]:
    c = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
    yield c
    c.close()
