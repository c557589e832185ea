"""Backup of the embedded setup and restore into an empty directory: a restored server shows the same reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.bootstrap import Container, bootstrap
from bot.cli import app
from bot.settings import Settings
from bot.storage.repositories import SqlReportRepository
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.admin.conftest import Seed


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """The embedded default only: SQLite (PostgreSQL is backed up with pg_dump)."""
    with database_url("sqlite", tmp_path) as url:
        yield url


def reports_of(container: Container) -> list[tuple[str, str, str]]:
    with container.session_factory() as session:
        return [(r.reference, r.description, r.status) for r in SqlReportRepository(session).all()]


def test_a_backup_restored_into_an_empty_directory_serves_the_same_reports_and_files(
    container: Container, seed: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed("MLD-2026-00031")
    seed("MLD-2026-00032", status="afgerond")
    before = reports_of(container)
    archive = tmp_path / "backups" / "meldbot.tar.gz"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MELDBOT_DATABASE_URL", container.settings.database_url)
    monkeypatch.setenv("MELDBOT_ATTACHMENTS_DIR", str(container.settings.attachments_dir))

    made = CliRunner().invoke(app, ["backup", str(archive)])  # while the server's engine is open
    assert made.exit_code == 0, made.output
    assert "2 meldingen, 2 bewijsstukken" in made.output
    assert CliRunner().invoke(app, ["backup", str(archive)]).exit_code == 1  # never overwrites

    fresh = tmp_path / "elders"
    monkeypatch.setenv("MELDBOT_DATABASE_URL", f"sqlite:///{fresh / 'meldbot.db'}")
    monkeypatch.setenv("MELDBOT_ATTACHMENTS_DIR", str(fresh / "attachments"))
    restored = CliRunner().invoke(app, ["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert CliRunner().invoke(app, ["restore", str(archive)]).exit_code == 1  # not over an existing database

    settings = Settings(database_url=f"sqlite:///{fresh / 'meldbot.db'}", attachments_dir=fresh / "attachments",
                        model_dir=tmp_path / "model", scheduler_enabled=False)
    server = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
    try:
        assert reports_of(server) == before
    finally:
        server.close()
    for ref in ("MLD-2026-00031", "MLD-2026-00032"):
        copied = fresh / "attachments" / "telegram" / f"{ref}.jpg"
        assert copied.read_bytes() == (container.settings.attachments_dir / "telegram" / f"{ref}.jpg").read_bytes()


def test_backup_refuses_postgresql_and_restore_refuses_what_is_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MELDBOT_DATABASE_URL", "postgresql://db.example/meldbot")
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "x.tar.gz")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    monkeypatch.setenv("MELDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    (tmp_path / "nope.tar.gz").write_bytes(b"not a backup")
    assert CliRunner().invoke(app, ["restore", str(tmp_path / "nope.tar.gz")]).exit_code == 1
    assert not (tmp_path / "new.db").exists()
