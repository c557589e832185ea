"""What channels hand to the core and what they render back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Attachment:
    """Evidence stored by a channel before the turn: a file in the attachments directory or a location."""

    kind: str  # "photo" | "document" | "location"
    path: str | None = None  # relative to the attachments directory
    mime_type: str | None = None
    size: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    original_name: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message from a user, already translated from the platform's format.

    `user` is the channel's own id for the person (web/terminal: the employee id,
    telegram: the Telegram user id, teams: the aadObjectId). `delivery_id` is the
    platform's id for this delivery (web message_id, Telegram update_id, Teams
    activity id); the same delivery id on the same channel is processed once.
    """

    channel: str
    user: str
    text: str
    delivery_id: str | None = None
    received_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()
    # The prompt a pressed button belongs to (Reply.prompt_id); a button of an older
    # prompt is answered politely and changes nothing. With it, `text` may be the
    # 1-based number of the choice.
    in_reply_to: str | None = None
    # How to reach this user later (Telegram: {"chat_id": ...}; Teams: the
    # conversation reference). Stored on the identity for proactive messages.
    address: dict[str, Any] | None = field(default=None, compare=False)
    # What kind of content arrived when it is not text (e.g. "voice", "sticker");
    # the core answers politely and leaves the conversation as it was.
    unsupported: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One bot message: text plus optional choices (buttons, or numbered text where a channel has none)."""

    text: str
    choices: tuple[str, ...] = ()
    # Identifies the question these choices answer; channels put it in the
    # button payload and hand it back as IncomingMessage.in_reply_to.
    prompt_id: str | None = None


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """What a channel sends back for one incoming message."""

    replies: tuple[Reply, ...]
    duplicate: bool = False  # the delivery was seen before; replies are the stored ones
