"""Handles one Telegram update completely: button answer, evidence, the turn, the replies."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from telegram import Bot, Update
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.evidence import EvidenceFetcher, EvidenceRejected
from bot.channels.telegram.sender import send_replies
from bot.channels.telegram.translate import Inbound, translate
from bot.conversation.messages import Attachment, IncomingMessage, Reply, TurnOutcome
from bot.conversation.texts import Texts
from bot.ports import Undeliverable

logger = logging.getLogger(__name__)

REJECTION_KEYS = {
    "too_large": "telegram_file_too_large",
    "wrong_type": "telegram_file_wrong_type",
    "unavailable": "telegram_file_unavailable",
}


class UpdateProcessor:
    """Turns an update into a committed turn and sent replies; used by polling and by the webhook.

    `process` returns only when the turn is committed and its replies are sent. It raises when
    the update should be delivered again (the database or the Bot API was unreachable); a
    redelivered update is a duplicate for the core, which hands back the stored replies.
    """

    def __init__(
        self,
        *,
        bot: Bot,
        handle: Callable[[IncomingMessage], TurnOutcome],
        fetcher: EvidenceFetcher,
        accepts_evidence: Callable[[str], bool],
        texts: Texts,
    ) -> None:
        self.bot = bot
        self.handle = handle
        self.fetcher = fetcher
        self.accepts_evidence = accepts_evidence
        self.texts = texts
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: Counter[int] = Counter()

    async def process(self, update: Update) -> None:
        inbound = translate(update)
        if inbound is None:
            logger.debug("update %s ignored", update.update_id)
            return
        if inbound.callback_query_id is not None:
            await self._answer_callback(inbound.callback_query_id)
        async with self._one_at_a_time(inbound.chat_id):
            replies = await self._turn(inbound)
            try:
                await send_replies(self.bot, inbound.chat_id, replies)
            except Undeliverable:
                logger.info("update %s: the user cannot be reached (blocked the bot?)", update.update_id)
            except BadRequest as exc:  # sending again would fail the same way
                logger.error("update %s: the Bot API refused a reply: %s", update.update_id, exc.message)

    async def _turn(self, inbound: Inbound) -> tuple[Reply, ...]:
        if inbound.file is not None:
            prepared = await self._with_evidence(inbound)
            if not isinstance(prepared, Inbound):
                return prepared
            inbound = prepared
        outcome = await asyncio.to_thread(self.handle, inbound.message)
        return outcome.replies

    async def _with_evidence(self, inbound: Inbound) -> Inbound | tuple[Reply, ...]:
        """Download the file first, so that the turn stores it with the report; or refuse it politely."""
        file = inbound.file
        assert file is not None
        if not await asyncio.to_thread(self.accepts_evidence, inbound.message.user):
            # A stranger, or no report going on: the core answers that, and nothing is downloaded.
            return inbound.with_attachment(
                Attachment(kind=file.kind, mime_type=file.mime_type, size=file.size, original_name=file.original_name)
            )
        try:
            attachment = await self.fetcher.fetch(file)
        except EvidenceRejected as exc:
            logger.info("evidence refused: %s", exc.reason)
            limit_mb = self.fetcher.max_bytes // (1024 * 1024)
            return (Reply(self.texts(REJECTION_KEYS[exc.reason], limit=limit_mb)),)
        return inbound.with_attachment(attachment)

    async def _answer_callback(self, query_id: str) -> None:
        """Stop the button's spinner; a failure here must not cost the turn."""
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:  # e.g. "query is too old" for a redelivered update
            logger.info("answerCallbackQuery failed: %s", exc.message)

    @asynccontextmanager
    async def _one_at_a_time(self, chat_id: int) -> AsyncIterator[None]:
        """Turns of one chat run in the order they arrive, also when webhook requests overlap."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._holders[chat_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[chat_id] -= 1
            if self._holders[chat_id] <= 0:
                del self._holders[chat_id]
                self._locks.pop(chat_id, None)
