"""The Telegram channel: connects the bot, registers commands, then polls or serves the webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand
from telegram.error import InvalidToken, TelegramError

from bot.channels.telegram.polling import MAX_BACKOFF, Poller
from bot.channels.telegram.sender import send_replies
from bot.channels.telegram.translate import ALLOWED_UPDATES, CHANNEL, COMMANDS
from bot.channels.telegram.updates import UpdateProcessor
from bot.channels.telegram.webhook import webhook_path, webhook_router
from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.ports import Undeliverable

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Webhook mode: the public URL Telegram posts to, and the secret it sends along."""

    url: str
    secret: str


def bot_commands(texts: Texts) -> list[BotCommand]:
    """The command menu, with the Dutch descriptions from the texts file."""
    return [BotCommand(name, texts(f"telegram_command_{name}")) for name in COMMANDS]


class TelegramChannel:
    """Runs beside the web server: start() returns at once, connecting and polling go on in the background."""

    name = CHANNEL

    def __init__(
        self,
        *,
        bot: Bot,
        processor: UpdateProcessor,
        texts: Texts,
        webhook: Webhook | None = None,
        poll_timeout: int = 30,
        backoff: float = 1.0,
        raw_updates: Callable[[], list[dict[str, Any]] | None] = lambda: None,
    ) -> None:
        self.bot = bot
        self.processor = processor
        self.texts = texts
        self.webhook = webhook
        self.backoff = backoff
        self.poller = None if webhook else Poller(bot, processor.process, timeout=poll_timeout, backoff=backoff,
                                                  raw_updates=raw_updates)
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.router = (
            webhook_router(webhook_path(webhook.url), webhook.secret, bot, processor.process, self.ready.is_set)
            if webhook
            else None
        )

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="telegram")

    async def stop(self) -> None:
        """Let polling finish the update in hand (15 s at most), then disconnect."""
        if self._task is not None:
            if self.poller is not None and self.ready.is_set():
                await self.poller.stop()
                await asyncio.wait({self._task}, timeout=15)
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:  # noqa: BLE001 - report it, stop anyway
                logger.exception("telegram: the channel ended with an error")
            self._task = None
        self.ready.clear()
        try:
            await self.bot.shutdown()
        except Exception:  # noqa: BLE001 - stopping goes on regardless
            logger.warning("telegram: shutting the bot client down failed", exc_info=True)

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        """A message outside a turn (outbox, escalations); Undeliverable when the chat is gone."""
        chat_id = address.get("chat_id")
        if chat_id is None:
            raise Undeliverable("telegram: no chat_id in the address")
        if not self.ready.is_set():
            raise RuntimeError("telegram channel is not connected yet")  # the outbox tries again later
        await send_replies(self.bot, chat_id, replies)

    async def _run(self) -> None:
        try:
            await self._connect()
        except InvalidToken:
            logger.error("telegram: the Bot API refused the token; the channel is off")
            return
        if self.poller is not None:
            await self.poller.run()

    async def _connect(self) -> None:
        """getMe (then updates can be handled), the webhook (set, or deleted for polling), the command menu."""
        await self._retry(self.bot.initialize)
        self.ready.set()  # before setWebhook: Telegram may post the first update right after it
        try:
            await self._retry(self._set_or_delete_webhook)
        except InvalidToken:  # after a working getMe: the server lacks the method; go on without it
            logger.error("telegram: the Bot API server refused set/deleteWebhook")
        try:
            await self.bot.set_my_commands(bot_commands(self.texts))
        except TelegramError as exc:  # the menu is a convenience; typed commands work without it
            logger.warning("telegram: setMyCommands failed (%s)", exc.__class__.__name__)
        logger.info("telegram: connected, %s", "webhook" if self.webhook else "polling")

    async def _set_or_delete_webhook(self) -> None:
        if self.webhook is not None:
            await self.bot.set_webhook(self.webhook.url, secret_token=self.webhook.secret,
                                       allowed_updates=list(ALLOWED_UPDATES))
        else:
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def _retry(self, call: Callable[[], Awaitable[object]]) -> None:
        """Call until it works (Telegram or the network may be down at start); InvalidToken is final."""
        delay = self.backoff
        while True:
            try:
                await call()
                return
            except InvalidToken:
                raise
            except TelegramError as exc:
                logger.warning("telegram: connecting failed (%s); trying again in %.0f s",
                               exc.__class__.__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
