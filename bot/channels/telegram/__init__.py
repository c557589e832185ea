"""Telegram channel (python-telegram-bot 22): polling or webhook, a thin adapter around the chat service."""

from __future__ import annotations

import logging
import os
import re
from typing import TYPE_CHECKING

from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.channels.telegram.channel import TelegramChannel, Webhook
from bot.channels.telegram.evidence import EvidenceFetcher
from bot.channels.telegram.lookup import evidence_check
from bot.channels.telegram.parsing import KeepRawRequest
from bot.channels.telegram.translate import CHANNEL
from bot.channels.telegram.updates import UpdateProcessor
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.bootstrap import Container

__all__ = ["TelegramChannel", "build_bot", "create_telegram_channel"]

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token


def build_bot(settings: Settings, updates_request: HTTPXRequest | None = None) -> ExtBot[int]:
    """The Bot API client: configurable server (self-hosted Bot API), rate limited, retried on RetryAfter."""
    if settings.telegram_token is None:
        raise ValueError("MELDBOT_TELEGRAM_TOKEN is not set")
    # Opt in to PTB 23's time periods as timedelta: PTB's own RetryAfter otherwise warns of the
    # change on every flood-control answer. meldbot reads no time-period attribute itself.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(max(logging.getLogger("httpx").level, logging.WARNING))
    return ExtBot(
        token=settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        request=HTTPXRequest(connection_pool_size=32, read_timeout=15.0, write_timeout=15.0),
        get_updates_request=updates_request or HTTPXRequest(connection_pool_size=2),
        rate_limiter=AIORateLimiter(max_retries=3),
    )


def webhook_from(settings: Settings) -> Webhook | None:
    """Webhook mode when MELDBOT_TELEGRAM_WEBHOOK_URL is set; it then needs a valid secret."""
    if not settings.telegram_webhook_url:
        return None
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    if not _SECRET.match(secret):
        raise ValueError(
            "MELDBOT_TELEGRAM_WEBHOOK_SECRET is required with a webhook URL: 1-256 characters A-Z, a-z, 0-9, _ or -"
        )
    return Webhook(settings.telegram_webhook_url, secret)


def create_telegram_channel(container: Container, *, poll_timeout: int = 30, backoff: float = 1.0) -> TelegramChannel:
    settings = container.settings
    updates_request = KeepRawRequest(connection_pool_size=2)
    bot = build_bot(settings, updates_request)
    processor = UpdateProcessor(
        bot=bot,
        handle=container.chat.handle,
        fetcher=EvidenceFetcher(bot, settings.attachments_dir, settings.max_attachment_bytes),
        accepts_evidence=evidence_check(container.uow_factory, container.chat, CHANNEL),
        texts=container.texts,
        was_sent=container.chat.was_sent,
        mark_sent=container.chat.mark_sent,
    )
    return TelegramChannel(bot=bot, processor=processor, texts=container.texts, webhook=webhook_from(settings),
                           poll_timeout=poll_timeout, backoff=backoff, raw_updates=updates_request.last_updates)
