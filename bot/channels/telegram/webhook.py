"""The webhook route: checks Telegram's secret header, handles the update, then answers 200."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from telegram import Bot, Update

from bot.channels.telegram.parsing import parse_update

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """The path this server serves for a public webhook URL (a proxy in front may map the host)."""
    return urlsplit(url).path or "/"


def secret_matches(given: str | None, secret: str) -> bool:
    """Constant-time comparison; a missing header never matches."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def webhook_router(
    path: str,
    secret: str,
    bot: Bot,
    process: Callable[[Update], Awaitable[None]],
    is_ready: Callable[[], bool],
) -> APIRouter:
    """A route that answers 200 only after the update's turn is committed and its replies are sent.

    PTB's own webhook server acknowledges an update before handling it; a crash in between would
    lose the message, so it is not used. Any other status makes Telegram deliver the update again.
    """
    router = APIRouter()

    @router.post(path, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            return Response(status_code=403)
        if not is_ready():
            return Response(status_code=503)  # still connecting to the Bot API; Telegram retries
        try:
            data: Any = await request.json()
        except (ValueError, RecursionError):  # not JSON, or nested too deep to parse: no update either way
            data = None
        update = parse_update(data, bot)
        if update is None:  # sending it again will not help
            logger.warning("webhook: body is not a Telegram update")
            return Response(status_code=400)
        try:
            await process(update)
        except Exception:  # noqa: BLE001 - not committed or not sent: let Telegram deliver it again
            logger.exception("webhook: update %s failed; Telegram will deliver it again", update.update_id)
            return Response(status_code=500)
        return Response(status_code=200)

    return router
