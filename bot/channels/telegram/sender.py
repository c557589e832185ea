"""Sends replies to a Telegram chat; Bot API errors that mean 'unreachable' become Undeliverable."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.channels.telegram.render import render
from bot.conversation.messages import Reply
from bot.ports import Undeliverable

# BadRequest descriptions that say the chat is gone rather than that the message was wrong.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid")


async def send_replies(bot: Bot, chat_id: int | str, replies: Sequence[Reply]) -> None:
    """Send every reply (split, with keyboards) in order; Undeliverable when the user cannot be reached."""
    try:
        for out in render(replies):
            await bot.send_message(chat_id=chat_id, text=out.text, reply_markup=out.keyboard)
    except Forbidden as exc:  # the user blocked the bot or deleted the account
        raise Undeliverable(f"telegram: {exc.message}") from exc
    except BadRequest as exc:
        if any(s in exc.message.lower() for s in _GONE):
            raise Undeliverable(f"telegram: {exc.message}") from exc
        raise
