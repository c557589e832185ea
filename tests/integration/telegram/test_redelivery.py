"""Redelivered updates re-send only what was not sent; evidence that cannot be fetched is answered, never silent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from telegram.error import NetworkError

from bot.bootstrap import Container
from bot.channels.telegram import TelegramChannel, create_telegram_channel
from bot.conversation.messages import IncomingMessage, TurnOutcome
from bot.storage.orm import ConversationRow, DeliveryRow
from tests.integration.telegram.conftest import Phone, link_code, telegram_settings, until
from tests.integration.telegram.fake_bot_api import FakeBotApi
from tests.unit.telegram import updates as u

SECRET = "Geheim_token-123"
HOOK = "https://meldbot.example.nl/telegram/hook-7f3a"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
DESCRIPTION = "Een klant schold me uit aan de balie"


def photo_unavailable(container: Container) -> str:
    """The text for a photo that could not be fetched (the general file text until its own key exists)."""
    key = "telegram_photo_unavailable"
    known = set(container.texts.keys())
    return container.texts(key if key in known else "telegram_file_unavailable")


def delivery(container: Container, update_id: int) -> DeliveryRow:
    with container.session_factory() as session:
        return session.scalars(select(DeliveryRow).where(DeliveryRow.channel == "telegram",
                                                         DeliveryRow.delivery_id == str(update_id))).one()


def version(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalars(select(ConversationRow.version)).one())


async def test_replies_are_marked_sent_and_a_redelivered_update_sends_nothing_again(
    linked_phone: Callable[[], Any], tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    first = await phone.send(u.text(DESCRIPTION), update_id=700)
    assert first != []
    assert delivery(tg_container, 700).sent_at == tg_container.clock.now()
    state = version(tg_container)

    assert await phone.send(u.text(DESCRIPTION), update_id=700) == []
    assert version(tg_container) == state


async def test_a_redelivered_update_whose_replies_did_not_go_out_sends_the_stored_replies(
    linked_phone: Callable[[], Any], api: FakeBotApi, tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    api.fail_next("sendMessage", 502, "Bad Gateway")
    with pytest.raises(NetworkError):
        await phone.send(u.text(DESCRIPTION), update_id=701)
    assert delivery(tg_container, 701).sent_at is None
    state = version(tg_container)

    again = await phone.send(u.text(DESCRIPTION), update_id=701)
    assert [m["text"] for m in again][-1].startswith("Dank je. Wil je nog iets toevoegen?")
    assert version(tg_container) == state  # the turn had its effect once
    assert delivery(tg_container, 701).sent_at is not None
    assert await phone.send(u.text(DESCRIPTION), update_id=701) == []


@pytest.fixture
async def webhook_app(container: Container, api: FakeBotApi) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    tg = telegram_settings(container, api, telegram_webhook_url=HOOK, telegram_webhook_secret=SECRET)
    ch = create_telegram_channel(tg, backoff=0.05)
    await ch.start()
    await until(ch.ready.is_set)
    app = FastAPI()
    assert ch.router is not None
    app.include_router(ch.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as client:
        yield client, tg
    await ch.stop()


async def test_the_webhook_answers_a_redelivered_update_200_without_sending_again(
    webhook_app: tuple[httpx.AsyncClient, Container], api: FakeBotApi
) -> None:
    client, tg = webhook_app
    start = u.with_id(u.text(f"/start {link_code(tg, 'demo')}"), 81)
    assert (await client.post("/telegram/hook-7f3a", json=start, headers=HEADERS)).status_code == 200
    update = u.with_id(u.text(DESCRIPTION), 82)
    assert (await client.post("/telegram/hook-7f3a", json=update, headers=HEADERS)).status_code == 200
    sent = len(api.sent())

    # Telegram did not see the 200 (a timeout) and posts the update again.
    assert (await client.post("/telegram/hook-7f3a", json=update, headers=HEADERS)).status_code == 200
    assert len(api.sent()) == sent


async def test_polling_after_a_restart_does_not_send_the_replies_of_a_handled_update_again(
    tg_container: Container, api: FakeBotApi, channel: TelegramChannel
) -> None:
    phone = Phone(channel, api)
    await phone.say(f"/start {link_code(tg_container, 'demo')}")
    await phone.send(u.text(DESCRIPTION), update_id=5000)
    help_replies = [m["text"] for m in await phone.say("/help")]
    sent = len(api.sent())
    # The process stopped before the offset was confirmed: Telegram delivers the update again.
    api.updates.append(u.with_id(u.text(DESCRIPTION), 5000))
    api.updates.append(u.with_id(u.text("/help"), 5002))
    restarted = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await restarted.start()
    try:
        await until(lambda: len(api.sent()) > sent)
        await until(lambda: api.pending() == [])
    finally:
        await restarted.stop()
    # Only the answer to /help; nothing for update 5000.
    assert [m["text"] for m in api.sent()[sent:]] == help_replies


async def test_a_photo_the_file_server_cannot_serve_gets_a_dutch_reply_at_once(
    linked_phone: Callable[[], Any], api: FakeBotApi, tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    await phone.say(DESCRIPTION)
    api.fail_next("getFile", 404, "Not Found")

    await phone.send(u.photo("ph404"))

    assert phone.text == photo_unavailable(tg_container)
    assert not (tg_container.settings.attachments_dir / "telegram").exists()


async def test_a_photo_while_the_file_server_is_down_is_retried_then_asked_for_again(
    tg_container: Container, api: FakeBotApi
) -> None:
    api.push(u.text(f"/start {link_code(tg_container, 'demo')}"))
    api.push(u.text(DESCRIPTION))
    api.add_file("ph5", u.JPEG, "photos/file_5.jpg")
    api.push(u.photo("ph5"))
    for _ in range(5):
        api.fail_next("getFile", 502, "Bad Gateway")
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await ch.start()
    try:
        await until(lambda: any(m["text"] == photo_unavailable(tg_container) for m in api.sent()))
        await until(lambda: api.pending() == [])
    finally:
        await ch.stop()
    assert len(api.called("getFile")) == 3  # then the user is asked to send it again
    assert api.sent()[-1]["text"] == photo_unavailable(tg_container)


async def test_a_photo_update_that_keeps_failing_is_answered_after_five_attempts_not_skipped_in_silence(
    tg_container: Container, api: FakeBotApi
) -> None:
    api.push(u.text(f"/start {link_code(tg_container, 'demo')}"))
    api.push(u.text(DESCRIPTION))
    api.add_file("ph6", u.JPEG, "photos/file_6.jpg")
    photo = api.push(u.photo("ph6"))
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.01)
    real = ch.processor.handle
    attempts: list[str] = []

    def broken(msg: IncomingMessage) -> TurnOutcome:
        if msg.delivery_id == str(photo):
            attempts.append(msg.delivery_id)
            raise RuntimeError("a bug in the turn")
        return real(msg)

    ch.processor.handle = broken
    await ch.start()
    try:
        await until(lambda: api.pending() == [] and len(attempts) >= 5)
    finally:
        await ch.stop()
    assert len(attempts) == 5
    assert api.sent()[-1]["text"] == photo_unavailable(tg_container)
