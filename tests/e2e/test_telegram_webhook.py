"""End to end: `meldbot serve` in webhook mode; Telegram posts updates with the secret set by setWebhook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.orm import DeliveryRow
from bot.web.app import create_app
from tests.fakes import FakeUnderstander
from tests.integration.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.integration.telegram.fake_bot_api import running as bot_api
from tests.servers import free_port, running
from tests.unit.telegram import updates as u

SECRET = "e2e_Secret-token"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with bot_api() as fake:
        yield fake


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def container(tmp_path: Path, api: FakeBotApi, port: int) -> Iterator[Container]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", attachments_dir=tmp_path / "attachments",
        scheduler_enabled=False, telegram_token=SecretStr(TOKEN), telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url, telegram_webhook_url=f"http://127.0.0.1:{port}/tg/hook",
        telegram_webhook_secret=SecretStr(SECRET),
    )
    c = bootstrap(settings, understander=FakeUnderstander())
    yield c
    c.close()


def deliveries(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(DeliveryRow)) or 0)


def link_code(container: Container) -> str:
    with container.uow_factory() as uow:
        code = uow.link_codes.create("demo", container.clock.now())
        uow.commit()
    return code


def test_the_webhook_secret_matrix_and_a_conversation_over_http(
    api: FakeBotApi, container: Container, port: int
) -> None:
    code = link_code(container)
    with running(create_app(container=container), port=port) as base:
        api.wait_for(lambda: api.webhook is not None)
        assert api.webhook is not None
        assert api.webhook["secret_token"] == SECRET
        start = u.text(f"/start {code}")

        assert api.deliver(start, secret="") == 403  # no header at all
        assert api.deliver(start, secret="e2e_Secret-tokem") == 403
        assert (deliveries(container), api.sent()) == (0, [])
        assert api.deliver(start) == 200
        # 200 came after the turn was committed and answered.
        assert deliveries(container) == 1
        assert api.sent()[0]["text"].startswith("Gelukt, je bent gekoppeld als Sam de Vries")

        assert api.deliver(u.text("Een klant schold me uit aan de balie")) == 200
        assert api.sent()[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Nee, verder"
        stale = api.button("Nee, verder")
        assert api.deliver(u.callback(stale)) == 200
        assert api.sent()[-1]["text"] == "Wanneer gebeurde het?"
        assert api.deliver(u.callback(stale)) == 200
        assert api.sent()[-2]["text"] == "Die knop hoort bij een eerdere vraag. Er is niets veranderd."
        assert api.deliver(u.unsupported("sticker")) == 200
        assert api.sent()[-2]["text"].startswith("Dit soort bericht kan ik niet verwerken.")

        assert httpx.get(f"{base}/healthz").status_code == 200
    assert len(api.called("answerCallbackQuery")) == 2
    assert api.called("getUpdates") == []
