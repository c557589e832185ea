"""Handles one Telegram update completely: button answer, evidence, the turn, the replies."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.exc import OperationalError
from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, TelegramError

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
# A photo that could not be fetched has its own wording; the file text serves until the key is in the texts.
PHOTO_UNAVAILABLE = "telegram_photo_unavailable"
MESSAGE_FAILED = "telegram_message_failed"  # a message that could not be handled
MAX_ATTEMPTS = 5  # a turn that fails this often for another reason than an outage: answer politely, go on
MAX_FETCH_OUTAGES = 3  # the file server was unreachable this often for one update: ask for the file again
_REMEMBERED_FAILURES = 1000


def _never(msg: IncomingMessage) -> bool:
    return False


def _nothing(msg: IncomingMessage) -> None:
    return None


def is_outage(exc: BaseException) -> bool:
    """A failure that goes away by itself (network, Telegram, database): retry the same update."""
    if isinstance(exc, NetworkError):
        return not isinstance(exc, BadRequest)  # BadRequest is a NetworkError in PTB, but permanent
    return isinstance(exc, OperationalError | ConnectionError | TimeoutError)


class UpdateProcessor:
    """Turns an update into a committed turn and sent replies; used by polling and by the webhook.

    `process` returns only when the turn is committed and its replies are sent. It raises when
    the update should be delivered again (the database or the Bot API was unreachable); a
    redelivered update is a duplicate for the core, which hands back the stored replies. Those
    are sent again only when they had not gone out yet (`was_sent`; `mark_sent` after sending).
    An update that keeps failing for another reason gets a polite answer instead of silence.
    """

    def __init__(
        self,
        *,
        bot: Bot,
        handle: Callable[[IncomingMessage], TurnOutcome],
        fetcher: EvidenceFetcher,
        accepts_evidence: Callable[[str], bool],
        texts: Texts,
        was_sent: Callable[[IncomingMessage], bool] = _never,
        mark_sent: Callable[[IncomingMessage], None] = _nothing,
    ) -> None:
        self.bot = bot
        self.handle = handle
        self.fetcher = fetcher
        self.accepts_evidence = accepts_evidence
        self.texts = texts
        self._known_texts = texts.keys()
        self.was_sent = was_sent
        self.mark_sent = mark_sent
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: Counter[int] = Counter()
        self._failures: Counter[int] = Counter()  # update_id -> failed attempts (not outages)
        self._fetch_outages: Counter[int] = Counter()  # update_id -> file server unreachable

    async def process(self, update: Update) -> None:
        inbound = translate(update)
        if inbound is None:
            logger.debug("update %s ignored", update.update_id)
            return
        if inbound.callback_query_id is not None:
            await self._answer_callback(inbound.callback_query_id)
        async with self._one_at_a_time(inbound.chat_id):
            try:
                replies = await self._turn(update.update_id, inbound)
            except Exception as exc:
                if is_outage(exc) or not self._gives_up(update.update_id):
                    raise
                logger.exception("update %s failed %s times; answered with an apology", update.update_id,
                                 MAX_ATTEMPTS)
                replies = self._apology(inbound)
            if replies is None:
                logger.info("update %s: repeated, its replies were sent before", update.update_id)
                return
            try:
                await send_replies(self.bot, inbound.chat_id, replies)
            except Undeliverable:
                logger.info("update %s: the user cannot be reached (blocked the bot?)", update.update_id)
            except BadRequest as exc:  # sending again would fail the same way
                logger.error("update %s: the Bot API refused a reply: %s", update.update_id, exc.message)
            await self._mark_sent(inbound.message)

    def _gives_up(self, update_id: int) -> bool:
        """Count a failed attempt; True when it was the last one."""
        if len(self._failures) > _REMEMBERED_FAILURES:
            self._failures.clear()
        self._failures[update_id] += 1
        if self._failures[update_id] < MAX_ATTEMPTS:
            return False
        del self._failures[update_id]
        return True

    async def _mark_sent(self, message: IncomingMessage) -> None:
        """Note that the replies went out; if that fails, a redelivery would only send them once more."""
        try:
            await asyncio.to_thread(self.mark_sent, message)
        except Exception as exc:  # noqa: BLE001 - the replies were sent; the update is done
            logger.warning("could not note a delivery as sent (%s)", exc.__class__.__name__)

    async def _turn(self, update_id: int, inbound: Inbound) -> tuple[Reply, ...] | None:
        """The replies to send, or None for a repeated update whose replies went out before."""
        if inbound.file is not None:
            # A redelivered update with a file: when its turn is done, nothing is downloaded again.
            if await asyncio.to_thread(self.was_sent, inbound.message):
                return None
            prepared = await self._with_evidence(update_id, inbound)
            if not isinstance(prepared, Inbound):
                return prepared
            inbound = prepared
        outcome = await asyncio.to_thread(self.handle, inbound.message)
        if outcome.duplicate and await asyncio.to_thread(self.was_sent, inbound.message):
            return None
        return outcome.replies

    def _apology(self, inbound: Inbound) -> tuple[Reply, ...]:
        """What the user hears when their update could not be handled at all."""
        if inbound.file is not None:
            return (Reply(self._unavailable_text(inbound)),)
        if MESSAGE_FAILED in self._known_texts:
            return (Reply(self.texts(MESSAGE_FAILED)),)
        return ()

    def _unavailable_text(self, inbound: Inbound) -> str:
        file = inbound.file
        if file is not None and file.kind == "photo" and PHOTO_UNAVAILABLE in self._known_texts:
            return self.texts(PHOTO_UNAVAILABLE)
        return self.texts(REJECTION_KEYS["unavailable"])

    async def _with_evidence(self, update_id: int, inbound: Inbound) -> Inbound | tuple[Reply, ...]:
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
            if exc.reason == "unavailable":
                return (Reply(self._unavailable_text(inbound)),)
            return (Reply(self.texts(REJECTION_KEYS[exc.reason], limit=limit_mb)),)
        except Exception as exc:
            if is_outage(exc):
                # The file server may be back soon: retry the update, but not forever.
                self._fetch_outages[update_id] += 1
                if self._fetch_outages[update_id] < MAX_FETCH_OUTAGES:
                    raise
            logger.warning("evidence could not be fetched (%s); asking for it again", exc.__class__.__name__)
            self._fetch_outages.pop(update_id, None)
            return (Reply(self._unavailable_text(inbound)),)
        self._fetch_outages.pop(update_id, None)
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
