"""Replies as Telegram messages: texts split at 4,096 characters, choices as inline keyboards."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels import numbered
from bot.conversation.messages import Reply

logger = logging.getLogger(__name__)

MAX_TEXT = 4096  # Bot API sendMessage limit, counted here in UTF-16 code units (the stricter reading)
MAX_CALLBACK_DATA = 64  # bytes, Bot API limit for InlineKeyboardButton.callback_data
_SEPARATOR = "|"
EMPTY_TEXT = "…"  # the Bot API refuses an empty message; used only for a reply with buttons and no text


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One sendMessage call: plain text (no parse mode) and an optional keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def callback_data(prompt_id: str | None, index: int) -> str:
    """The payload of a button: '<prompt_id>|<0-based index>'; ValueError when over 64 bytes."""
    data = f"{prompt_id or ''}{_SEPARATOR}{index}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback_data of {len(data.encode('utf-8'))} bytes is over {MAX_CALLBACK_DATA}")
    return data


def parse_callback_data(data: str | None) -> tuple[str | None, int] | None:
    """(prompt_id, index) from a button payload, or None when it is not ours."""
    if not data or _SEPARATOR not in data:
        return None
    prompt_id, _, index = data.rpartition(_SEPARATOR)
    if not index.isdigit():
        return None
    return (prompt_id or None), int(index)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button a row (labels can be long); None when the reply has no choices."""
    if not reply.choices:
        return None
    rows = [[InlineKeyboardButton(label, callback_data=callback_data(reply.prompt_id, i))]
            for i, label in enumerate(reply.choices)]
    return InlineKeyboardMarkup(rows)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut at a line break, else a space, else anywhere."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        head = _prefix_within(rest, limit)
        cut = head.rfind("\n")
        if cut <= 0:
            cut = head.rfind(" ")
        if cut <= 0:
            parts.append(head)
            rest = rest[len(head):]
            continue
        parts.append(head[:cut].rstrip())
        rest = rest[cut + 1:]
    parts.append(rest)
    return [p for p in parts if p.strip()]


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of at most `limit` UTF-16 units (never splits a surrogate pair)."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:i]
    return text


def render(replies: Iterable[Reply]) -> list[Outgoing]:
    """The messages to send for these replies, in order; a keyboard goes on a reply's last part."""
    out: list[Outgoing] = []
    for reply in replies:
        try:
            markup = keyboard(reply)
            text = reply.text
        except ValueError:
            # A prompt id too long for a button: numbered text still works when typed.
            logger.error("choices rendered as numbered text: callback_data would exceed %s bytes", MAX_CALLBACK_DATA)
            markup, text = None, numbered(reply)
        parts = split_text(text) or ([EMPTY_TEXT] if markup else [])
        out.extend(Outgoing(p) for p in parts[:-1])
        if parts:
            out.append(Outgoing(parts[-1], markup))
    return out
