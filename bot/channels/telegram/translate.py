"""Telegram updates as IncomingMessage: texts, commands, button presses, evidence and the rest."""

from __future__ import annotations

from dataclasses import dataclass, replace

from telegram import Message, Update
from telegram.constants import ChatType, MessageAttachmentType

from bot.channels.telegram.parsing import UNPARSED
from bot.channels.telegram.render import parse_callback_data
from bot.conversation.messages import Attachment, IncomingMessage

CHANNEL = "telegram"
ALLOWED_UPDATES = ("message", "callback_query")
NOT_OURS = "?"  # in_reply_to for a button payload we cannot read: the flow answers it as a stale button

# Bot commands and the words the conversation understands for them.
COMMANDS = {
    "start": "start",
    "melden": "melden",
    "stop": "stop",
    "help": "help",
    "mijnmeldingen": "mijn meldingen",
}


@dataclass(frozen=True, slots=True)
class FileToFetch:
    """A photo or document that has to be downloaded before the turn."""

    kind: str  # "photo" | "document"
    file_id: str
    file_unique_id: str
    mime_type: str | None
    size: int | None
    original_name: str | None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One translated update: the message for the core and what the adapter must do around it."""

    message: IncomingMessage
    chat_id: int
    file: FileToFetch | None = None
    callback_query_id: str | None = None

    def with_attachment(self, attachment: Attachment) -> Inbound:
        return replace(self, message=replace(self.message, attachments=(attachment,)))


def translate(update: Update) -> Inbound | None:
    """The inbound message of an update, or None for updates meldbot ignores (groups, channels, edits)."""
    if update.callback_query is not None:
        return _from_callback(update)
    message = update.message
    if message is None or message.from_user is None or message.chat.type != ChatType.PRIVATE:
        return None
    base = IncomingMessage(
        channel=CHANNEL,
        user=str(message.from_user.id),
        text="",
        delivery_id=str(update.update_id),
        received_at=message.date,
        address={"chat_id": message.chat.id},
    )
    chat_id = message.chat.id
    if message.text is not None:
        text, unsupported = command_text(message.text)
        return Inbound(replace(base, text=text, unsupported=unsupported), chat_id)
    caption = message.caption or ""
    if message.photo:
        biggest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        file = FileToFetch("photo", biggest.file_id, biggest.file_unique_id, "image/jpeg", biggest.file_size, None)
        return Inbound(replace(base, text=caption), chat_id, file=file)
    if message.document is not None and message.animation is None:
        doc = message.document
        file = FileToFetch("document", doc.file_id, doc.file_unique_id, doc.mime_type, doc.file_size, doc.file_name)
        return Inbound(replace(base, text=caption), chat_id, file=file)
    location = message.venue.location if message.venue is not None else message.location
    if location is not None:
        spot = Attachment(kind="location", latitude=location.latitude, longitude=location.longitude)
        return Inbound(replace(base, attachments=(spot,)), chat_id)
    kind = unsupported_kind(message) or message.api_kwargs.get(UNPARSED)
    if kind is None:
        return None  # a service message (e.g. a pinned message): nothing to answer
    return Inbound(replace(base, text=caption, unsupported=kind), chat_id)


def command_text(text: str) -> tuple[str, str | None]:
    """What a typed text means to the conversation, and 'command' for a command meldbot lacks."""
    if not text.startswith("/"):
        return text, None
    head, _, payload = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    payload = payload.strip()
    if name == "start" and payload:
        return f"/start {payload}", None  # a link code; the service links strangers with it
    if name in COMMANDS:
        return COMMANDS[name], None
    return text, "command"


def unsupported_kind(message: Message) -> str | None:
    """The kind of content the conversation cannot use (voice, sticker, poll, ...), or None."""
    for kind in MessageAttachmentType:
        if getattr(message, kind.value, None):
            return str(kind.value)
    return None


def _from_callback(update: Update) -> Inbound | None:
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is not None and message.chat.type != ChatType.PRIVATE:
        return None
    chat_id = message.chat.id if message is not None else query.from_user.id
    parsed = parse_callback_data(query.data)
    prompt_id: str | None
    if parsed is None:
        text, prompt_id = "", NOT_OURS
    else:
        prompt_id, index = parsed
        text = str(index + 1)
    msg = IncomingMessage(
        channel=CHANNEL,
        user=str(query.from_user.id),
        text=text,
        delivery_id=str(update.update_id),
        in_reply_to=prompt_id,
        address={"chat_id": chat_id},
    )
    return Inbound(msg, chat_id, callback_query_id=query.id)
