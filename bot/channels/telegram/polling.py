"""Long polling with getUpdates: each update is handled completely before its offset is confirmed.

Why not PTB's Updater: it confirms an update to Telegram (the next getUpdates offset) as soon
as the update is queued, before any handler ran. A crash between the two would lose the
message. Here the offset moves past an update only after its turn is committed and its replies
are sent; after a crash Telegram delivers it again and the core recognises it by its update_id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, TelegramError

from bot.channels.telegram.parsing import parse_update
from bot.channels.telegram.translate import ALLOWED_UPDATES
from bot.channels.telegram.updates import is_outage

logger = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
MAX_ATTEMPTS = 6  # backstop: the processor itself answers an update that failed 5 times; then skip it


class Poller:
    """Fetches updates in order and hands each to `process`; stop() waits for the update in hand."""

    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        *,
        timeout: int = 30,
        backoff: float = 1.0,
        raw_updates: Callable[[], list[dict[str, Any]] | None] = lambda: None,
    ) -> None:
        self.bot = bot
        self.raw_updates = raw_updates
        self.process = process
        self.timeout = timeout
        self.backoff = backoff
        self.offset: int | None = None
        self._stopping = asyncio.Event()
        self._fetching: asyncio.Task[tuple[Update, ...]] | None = None

    async def run(self) -> None:
        delay = self.backoff
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    break
                raise
            except Exception as exc:  # noqa: BLE001 - polling must outlive any one failure
                # Conflict: a webhook is set or another process polls with the same token;
                # InvalidToken: the token is wrong (logged as an error, retried slowly).
                level = logging.ERROR if isinstance(exc, Conflict | InvalidToken) else logging.WARNING
                logger.log(level, "getUpdates failed (%s); trying again in %.0f s", exc.__class__.__name__, delay)
                await self._sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = self.backoff
            for update in updates:
                if not await self._handle_fully(update):
                    break
                self.offset = update.update_id + 1
                if self._stopping.is_set():
                    break
        await self._confirm()

    async def stop(self) -> None:
        """Finish the update in hand, confirm it to Telegram, and end run()."""
        self._stopping.set()
        if self._fetching is not None:
            self._fetching.cancel()

    async def _fetch(self) -> tuple[Update, ...]:
        self._fetching = asyncio.ensure_future(
            self.bot.get_updates(offset=self.offset, timeout=self.timeout, allowed_updates=list(ALLOWED_UPDATES))
        )
        try:
            return await self._fetching
        except (TypeError, KeyError, ValueError):
            # PTB could not parse the batch (one update it does not understand): parse them one by one.
            raw = self.raw_updates()
            if raw is None:
                raise
            return tuple(u for u in (parse_update(d, self.bot) for d in raw) if u is not None)
        finally:
            self._fetching = None

    async def _handle_fully(self, update: Update) -> bool:
        """True when the update is done with (handled, or skipped as hopeless); False when stopping first."""
        attempt = 0
        delay = self.backoff
        while True:
            attempt += 1
            try:
                await self.process(update)
                return True
            except Exception as exc:
                outage = is_outage(exc)
                if not outage and attempt >= MAX_ATTEMPTS:
                    logger.exception("update %s skipped after %s attempts", update.update_id, attempt)
                    return True
                logger.warning("update %s failed (%s); trying again in %.0f s",
                               update.update_id, exc.__class__.__name__, delay, exc_info=not outage)
                if self._stopping.is_set():
                    return False  # not confirmed: Telegram delivers it again after a restart
                await self._sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _confirm(self) -> None:
        """Tell Telegram which updates are done, so that a restart does not deliver them again."""
        if self.offset is None:
            return
        try:
            await self.bot.get_updates(offset=self.offset, timeout=0, limit=1,
                                       allowed_updates=list(ALLOWED_UPDATES))
        except TelegramError as exc:
            logger.info("could not confirm the last updates: %s", exc.__class__.__name__)
