"""The channel against the fake Bot API: polling, the webhook route, commands, sending and its errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.channels.telegram import TelegramChannel, create_telegram_channel
from bot.conversation.messages import Reply
from bot.ports import Undeliverable
from bot.storage.orm import DeliveryRow
from tests.integration.telegram.conftest import link_code, telegram_settings, until
from tests.integration.telegram.fake_bot_api import FakeBotApi
from tests.unit.telegram import updates as u

SECRET = "Geheim_token-123"
HOOK = "https://meldbot.example.nl/telegram/hook-7f3a"


def deliveries(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(DeliveryRow)) or 0)


async def test_polling_registers_dutch_commands_and_handles_updates_in_order(
    tg_container: Container, api: FakeBotApi
) -> None:
    code = link_code(tg_container, "demo")
    first = api.push(u.text(f"/start {code}"))
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await ch.start()
    try:
        await until(lambda: len(api.sent()) == 1)
        last = api.push(u.text("/mijnmeldingen"))
        await until(lambda: len(api.sent()) == 3)
    finally:
        await ch.stop()

    assert [m["text"] for m in api.sent()] == [
        "Gelukt, je bent gekoppeld als Sam de Vries. Typ wat er is gebeurd als je iets wilt melden.",
        "Je hebt nog geen meldingen gedaan.",
        "Wil je iets melden? Vertel in je eigen woorden wat er is gebeurd.",
    ]
    methods = [c.method for c in api.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert api.called("deleteWebhook") == [{"drop_pending_updates": False}]
    [commands] = api.called("setMyCommands")
    assert [c["command"] for c in commands["commands"]] == ["start", "melden", "stop", "help", "mijnmeldingen"]
    assert commands["commands"][1]["description"] == "Agressie of intimidatie melden"
    polls = api.called("getUpdates")
    assert all(p["allowed_updates"] == ["message", "callback_query"] for p in polls)
    # The offset moves past an update only after it was handled, and is confirmed when stopping.
    assert polls[-1]["offset"] == last + 1
    assert first + 1 in [p.get("offset") for p in polls]
    assert api.pending() == []


async def test_polling_goes_on_past_an_update_this_ptb_version_cannot_parse(
    tg_container: Container, api: FakeBotApi
) -> None:
    code = link_code(tg_container, "demo")
    api.push(u.text(f"/start {code}"))
    legacy_poll = u.unsupported("poll")
    del legacy_poll["message"]["poll"]["members_only"]
    api.push(legacy_poll)
    api.push(u.text("/help"))
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await ch.start()
    try:
        await until(lambda: len(api.sent()) >= 4)
    finally:
        await ch.stop()
    texts = [m["text"] for m in api.sent()]
    assert texts[1].startswith("Dit soort bericht kan ik niet verwerken.")
    assert texts[3].startswith("Met meldbot meld je agressie")


async def test_polling_retries_an_update_while_the_bot_api_is_down(tg_container: Container, api: FakeBotApi) -> None:
    api.push(u.text("hallo"))
    api.fail_next("sendMessage", 502, "Bad Gateway")
    ch = create_telegram_channel(tg_container, poll_timeout=1, backoff=0.05)
    await ch.start()
    try:
        await until(lambda: len(api.sent()) == 2)  # refused once, then sent again from the stored replies
    finally:
        await ch.stop()
    assert api.sent()[0]["text"] == api.sent()[1]["text"]
    assert api.sent()[1]["text"].startswith("Ik ken je nog niet.")


@pytest.fixture
async def webhook_channel(container: Container, api: FakeBotApi) -> AsyncIterator[tuple[TelegramChannel, Container]]:
    tg = telegram_settings(container, api, telegram_webhook_url=HOOK, telegram_webhook_secret=SECRET)
    ch = create_telegram_channel(tg, backoff=0.05)
    await ch.start()
    await until(ch.ready.is_set)
    yield ch, tg
    await ch.stop()


async def test_webhook_mode_sets_the_webhook_with_its_secret(
    webhook_channel: tuple[TelegramChannel, Container], api: FakeBotApi
) -> None:
    await until(lambda: bool(api.called("setWebhook")))  # the fake records a call after answering it
    assert api.called("setWebhook") == [
        {"url": HOOK, "secret_token": SECRET, "allowed_updates": ["message", "callback_query"]}
    ]
    assert api.called("getUpdates") == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),
        ({"X-Telegram-Bot-Api-Secret-Token": "Geheim_token-124"}, 403),
        ({"X-Telegram-Bot-Api-Secret-Token": ""}, 403),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, 200),
    ],
)
async def test_the_webhook_answers_403_without_the_right_secret_and_200_after_the_turn(
    webhook_channel: tuple[TelegramChannel, Container], api: FakeBotApi, headers: dict[str, str], status: int
) -> None:
    ch, tg = webhook_channel
    app = FastAPI()
    app.include_router(ch.router)
    code = link_code(tg, "demo")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as client:
        response = await client.post("/telegram/hook-7f3a", json=u.with_id(u.text(f"/start {code}"), 51),
                                     headers=headers)
    assert response.status_code == status
    if status == 403:
        assert (deliveries(tg), api.sent()) == (0, [])
    else:  # committed and answered before the 200
        assert deliveries(tg) == 1
        assert api.sent()[0]["text"].startswith("Gelukt, je bent gekoppeld")


async def test_the_webhook_refuses_a_body_that_is_no_update(
    webhook_channel: tuple[TelegramChannel, Container],
) -> None:
    ch, _ = webhook_channel
    app = FastAPI()
    app.include_router(ch.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert (await client.post("/telegram/hook-7f3a", content=b"{", headers=headers)).status_code == 400
        assert (await client.post("/telegram/hook-7f3a", json={"a": 1}, headers=headers)).status_code == 400


async def test_the_webhook_asks_for_redelivery_when_the_reply_could_not_be_sent(
    webhook_channel: tuple[TelegramChannel, Container], api: FakeBotApi
) -> None:
    ch, tg = webhook_channel
    app = FastAPI()
    app.include_router(ch.router)
    api.fail_next("sendMessage", 502, "Bad Gateway")
    update = u.with_id(u.text("hallo"), 61)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as client:
        assert (await client.post("/telegram/hook-7f3a", json=update, headers=headers)).status_code == 500
        assert (await client.post("/telegram/hook-7f3a", json=update, headers=headers)).status_code == 200
    # The first attempt was refused by the Bot API; the redelivery sends the stored replies.
    assert [m["text"][:18] for m in api.sent()] == ["Ik ken je nog niet", "Ik ken je nog niet"]
    assert deliveries(tg) == 0  # a stranger: nothing stored, also not the delivery


def test_webhook_mode_without_a_valid_secret_does_not_start(container: Container, api: FakeBotApi) -> None:
    for secret in (None, "met spaties", "x" * 257):
        tg = telegram_settings(container, api, telegram_webhook_url=HOOK, telegram_webhook_secret=secret)
        with pytest.raises(ValueError, match="MELDBOT_TELEGRAM_WEBHOOK_SECRET"):
            create_telegram_channel(tg)


async def test_send_delivers_proactive_messages_with_buttons(channel: TelegramChannel, api: FakeBotApi) -> None:
    await channel.send({"chat_id": 4242}, [Reply("Nieuwe melding 2026-0001", ("Ik bel vandaag", "Later"), "esc1")])
    [sent] = api.sent(4242)
    assert sent["text"] == "Nieuwe melding 2026-0001"
    assert sent["reply_markup"] == {"inline_keyboard": [
        [{"text": "Ik bel vandaag", "callback_data": "esc1|0"}], [{"text": "Later", "callback_data": "esc1|1"}]
    ]}


async def test_send_to_a_user_who_blocked_the_bot_is_undeliverable(channel: TelegramChannel, api: FakeBotApi) -> None:
    api.blocked_chats.add(4242)
    with pytest.raises(Undeliverable):
        await channel.send({"chat_id": 4242}, [Reply("Hoe gaat het met je?")])
    with pytest.raises(Undeliverable):
        await channel.send({}, [Reply("Hoe gaat het met je?")])


async def test_send_waits_and_retries_when_telegram_says_retry_after(
    channel: TelegramChannel, api: FakeBotApi
) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await channel.send({"chat_id": 4242}, [Reply("Hoe gaat het met je?")])
    assert len(api.called("sendMessage")) == 2
    assert [m["text"] for m in api.sent(4242)] == ["Hoe gaat het met je?", "Hoe gaat het met je?"]
