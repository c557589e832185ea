"""`meldbot tick` and `meldbot aangifte` on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app
from bot.settings import Settings
from tests.conftest import ChatHarness
from tests.fakes import FakeUnderstander
from tests.integration.followup.conftest import link
from tests.integration.followup.smtp import Inbox
from tests.unit.followup.script import file_report


@pytest.fixture
def filed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A severe report filed in a database that the commands will use; returns its reference."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MELDBOT_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    container = bootstrap(Settings(database_url=url), understander=FakeUnderstander())
    try:
        return file_report(ChatHarness(container.chat.handle, user="demo"))
    finally:
        container.close()


def test_tick_sends_due_email_once(filed: str, inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MELDBOT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MELDBOT_SMTP_PORT", str(inbox[1]))
    first = CliRunner().invoke(app, ["tick"])
    assert first.exit_code == 0, first.output
    assert "verstuurd: 2" in first.output  # a severe report: the manager and the coordinator
    second = CliRunner().invoke(app, ["tick"])
    assert "verstuurd: 0" in second.output
    assert [m["To"] for m in inbox[0].messages] == ["linda.jansen@voorbeeldstad.example",
                                                    "fatima.yilmaz@voorbeeldstad.example"]


def test_tick_leaves_chat_messages_to_the_server_that_has_the_channel(
    filed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MELDBOT_TELEGRAM_TOKEN", "123:abc")
    container = bootstrap(Settings(), understander=FakeUnderstander())
    link(container, "mgr", 2001)
    container.close()
    result = CliRunner().invoke(app, ["tick"])
    assert result.exit_code == 0, result.output
    assert "voor de server: 1" in result.output


def test_aangifte_prints_the_draft_and_can_write_a_file(filed: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["aangifte", filed])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Concept voor je aangifte bij de politie (melding {filed})")
    assert "VPT-incident" in result.output
    out = tmp_path / "aangifte.txt"
    assert CliRunner().invoke(app, ["aangifte", filed.lower(), "-o", str(out)]).exit_code == 0
    assert "Domiciliekeuze" in out.read_text(encoding="utf-8")


def test_aangifte_of_an_unknown_report_fails_clearly(filed: str) -> None:
    result = CliRunner().invoke(app, ["aangifte", "MLD-2026-09999"])
    assert result.exit_code == 1
    assert "Onbekende melding: MLD-2026-09999" in result.output
