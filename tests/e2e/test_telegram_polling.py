"""End to end: `meldbot serve` with a Telegram token polls a Bot API server; a report with a photo and buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.bootstrap import Container, bootstrap
from bot.cli import app as cli
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakes import FakeUnderstander
from tests.integration.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.integration.telegram.fake_bot_api import running as bot_api
from tests.servers import running
from tests.unit.telegram import updates as u


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with bot_api() as fake:
        yield fake


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'meldbot.db'}"
    monkeypatch.setenv("MELDBOT_DATABASE_URL", url)
    monkeypatch.setenv("MELDBOT_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    monkeypatch.chdir(tmp_path)
    return url


@pytest.fixture
def container(db_env: str, tmp_path: Path, api: FakeBotApi) -> Iterator[Container]:
    settings = Settings(
        database_url=db_env, attachments_dir=tmp_path / "attachments", scheduler_enabled=False,
        telegram_token=SecretStr(TOKEN), telegram_base_url=api.base_url, telegram_base_file_url=api.base_file_url,
    )
    c = bootstrap(settings, understander=FakeUnderstander())
    yield c
    c.close()


def cli_output(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def converse(api: FakeBotApi, update: dict[str, Any]) -> list[str]:
    """Queue an update and wait until the bot has answered it completely (a question, or the last reply)."""
    before = len(api.sent())
    api.push(update)
    api.wait_for(lambda: len(api.sent()) > before and not api.pending())
    return [m["text"] for m in api.sent()[before:]]


def press(api: FakeBotApi, label: str) -> list[str]:
    return converse(api, u.callback(api.button(label)))


def test_an_inspector_links_and_reports_from_telegram_by_polling(api: FakeBotApi, container: Container) -> None:
    code = cli_output("link-code", "demo").split()[-1]
    api.add_file("ph1", u.JPEG, "photos/file_1.jpg")

    with running(create_app(container=container)):
        api.wait_for(lambda: api.called("getUpdates"))
        assert converse(api, u.text(f"/start {code}"))[0].startswith("Gelukt, je bent gekoppeld als Sam de Vries")
        converse(api, u.text("/melden"))
        converse(api, u.text("Bij de inspectie dreigde de eigenaar dat hij weet waar je woont"))
        assert converse(api, u.photo("ph1"))[0].startswith("Bewijs ontvangen")
        assert press(api, "Nee, verder") == ["Wanneer gebeurde het?"]
        converse(api, u.text("vanochtend"))
        for label in ("Huisbezoek, inspectie of buitendienst", "Nee, niemand gewond en geen getuigen", "Niet goed",
                      "Contact met mijn leidinggevende", "Klopt"):
            press(api, label)
        assert "Je melding is opgeslagen onder" in press(api, "Versturen")[0]
        api.wait_for(lambda: not api.pending())

    assert api.called("deleteWebhook")
    assert api.called("setMyCommands")
    [report] = json.loads(cli_output("export", "--format", "json"))
    assert report["channel"] == "telegram"
    assert report["location_type"] == "veldbezoek"
    assert report["evidence"][0]["kind"] == "photo"
    assert (container.settings.attachments_dir / report["evidence"][0]["path"]).read_bytes() == u.JPEG
