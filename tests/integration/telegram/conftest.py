"""Telegram integration fixtures: the fake Bot API server, a channel on the real storage, a phone to chat with."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.bootstrap import Container
from bot.channels.telegram import TelegramChannel, create_telegram_channel
from tests.integration.telegram.fake_bot_api import TOKEN, FakeBotApi, running
from tests.unit.telegram import updates as u

_update_ids = itertools.count(1)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with running() as fake:
        yield fake


def telegram_settings(container: Container, api: FakeBotApi, **extra: Any) -> Container:
    if isinstance(extra.get("telegram_webhook_secret"), str):
        extra["telegram_webhook_secret"] = SecretStr(extra["telegram_webhook_secret"])
    settings = container.settings.model_copy(update={
        "telegram_token": SecretStr(TOKEN),
        "telegram_base_url": api.base_url,
        "telegram_base_file_url": api.base_file_url,
        **extra,
    })
    return dataclasses.replace(container, settings=settings)


@pytest.fixture
def tg_container(container: Container, api: FakeBotApi) -> Container:
    return telegram_settings(container, api)


@pytest.fixture
async def channel(tg_container: Container) -> AsyncIterator[TelegramChannel]:
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await ch.bot.initialize()
    ch.ready.set()
    yield ch
    await ch.stop()


def link_code(container: Container, employee_id: str) -> str:
    with container.uow_factory() as uow:
        code = uow.link_codes.create(employee_id, container.clock.now())
        uow.commit()
    return code


class Phone:
    """One Telegram user: send an update through the channel, read what the bot sent back."""

    def __init__(self, channel: TelegramChannel, api: FakeBotApi, uid: int = u.USER_ID) -> None:
        self.channel = channel
        self.api = api
        self.uid = uid
        self.received: list[dict[str, Any]] = []

    async def send(self, update: dict[str, Any], update_id: int | None = None) -> list[dict[str, Any]]:
        before = len(self.api.sent(self.uid))
        data = u.with_id(update, update_id if update_id is not None else next(_update_ids))
        await self.channel.processor.process(Update.de_json(data, self.channel.bot))
        self.received = self.api.sent(self.uid)[before:]
        return self.received

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.send(u.text(text, self.uid))

    def button(self, label: str, messages: list[dict[str, Any]] | None = None) -> str:
        """The callback_data of the newest button with this label."""
        for m in reversed(messages if messages is not None else self.api.sent(self.uid)):
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if b["text"] == label:
                        return str(b["callback_data"])
        raise AssertionError(f"no button {label!r}")

    async def press(self, label: str) -> list[dict[str, Any]]:
        return await self.send(u.callback(self.button(label), self.uid))

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.received)

    @property
    def buttons(self) -> list[str]:
        last = next((m for m in reversed(self.received) if m.get("reply_markup")), None)
        if last is None:
            return []
        return [b["text"] for row in last["reply_markup"]["inline_keyboard"] for b in row]


@pytest.fixture
def phone(channel: TelegramChannel, api: FakeBotApi) -> Phone:
    return Phone(channel, api)


@pytest.fixture
def linked_phone(phone: Phone, tg_container: Container) -> Callable[[], Any]:
    async def link() -> Phone:
        await phone.say(f"/start {link_code(tg_container, 'demo')}")
        assert "gekoppeld als Sam de Vries" in phone.text
        return phone

    return link


async def until(predicate: Callable[[], bool]) -> None:
    """Wait in the event loop (the channel runs here) until the predicate holds, 10 s at most."""
    for _ in range(500):  # the fake Bot API runs in another thread: poll its records
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met within 10 s")
