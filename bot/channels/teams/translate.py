"""Teams activities as IncomingMessage: identity, mentions, card submits and conversation references."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from microsoft_agents.activity import Activity, ChannelAccount, ConversationAccount, ConversationReference

from bot.conversation.messages import IncomingMessage

CHANNEL = "teams"
PERSONAL = "personal"
NOT_OURS = "?"  # in_reply_to for a card submit we cannot read: the flow answers it as a stale button
MAX_PROMPT_ID = 64
MAX_CHOICE = 100
MAX_DELIVERY_ID = 200  # the width of processed_deliveries.delivery_id
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t]{2,}")
# Teams repeats a formatted message as a text/html attachment; only other attachments are files.
_TEXT_ATTACHMENTS = ("text/html", "text/plain")


def strip_mentions(text: str) -> str:
    """The text without <at>…</at> mentions (of the bot or anyone else), trimmed."""
    text = _MENTION.sub(" ", text.replace("&nbsp;", " ").replace("\u00a0", " "))
    return _SPACES.sub(" ", text).strip()


def tenant_of(activity: Activity) -> str | None:
    """The Microsoft Entra tenant the activity comes from (conversation, else channelData.tenant)."""
    conversation = activity.conversation
    if conversation is not None and conversation.tenant_id:
        return conversation.tenant_id
    data = activity.channel_data
    tenant = data.get("tenant") if isinstance(data, dict) else None
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return str(tenant["id"])
    return None


def is_personal(activity: Activity) -> bool:
    """True for the one-to-one chat with the bot; group chats and team channels are not for reports."""
    conversation = activity.conversation
    if conversation is None or conversation.is_group:
        return False
    return conversation.conversation_type in (None, PERSONAL)


def user_of(activity: Activity, tenant_id: str | None = None) -> str:
    """The sender's aadObjectId, the key of the identities table; '' when absent or from another tenant."""
    sender = activity.from_property
    aad = sender.aad_object_id if sender is not None else None
    if not aad:
        return ""
    if tenant_id and (tenant_of(activity) or "").lower() != tenant_id.lower():
        return ""
    return aad


def card_pick(value: Any) -> tuple[str | None, int, str | None] | None:
    """(prompt_id, 0-based choice, label) from the data of one of our Action.Submit buttons, else None."""
    if not isinstance(value, dict) or "choice" not in value:
        return None
    choice = value.get("choice")
    if isinstance(choice, str) and choice.isdigit():
        choice = int(choice)
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < MAX_CHOICE:
        return None
    prompt_id = value.get("prompt_id")
    if prompt_id is not None and (not isinstance(prompt_id, str) or not 0 < len(prompt_id) <= MAX_PROMPT_ID):
        return None
    label = value.get("label")
    return prompt_id, choice, label if isinstance(label, str) else None


def delivery_key(activity: Activity) -> str | None:
    """The dedup key: the activity id within its conversation.

    Teams activity ids are unique per conversation only (they are often timestamps), so the key
    carries a short hash of the conversation id; it stays within the delivery log's 200 characters.
    """
    if not activity.id:
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    key = f"{_digest(conversation_id)[:16]}:{activity.id}"
    return key if len(key) <= MAX_DELIVERY_ID else _digest(key)


def has_files(activity: Activity) -> bool:
    return any(
        (a.content_type or "").split(";")[0].strip().lower() not in _TEXT_ATTACHMENTS
        for a in activity.attachments or ()
    )


def address_of(activity: Activity) -> dict[str, Any]:
    """The conversation reference to store for proactive messages: ids and the service URL, not the user's name."""
    user = activity.from_property
    bot = activity.recipient
    conversation = activity.conversation
    reference = ConversationReference(
        channel_id=activity.channel_id,
        service_url=activity.service_url,
        conversation=ConversationAccount(
            id=conversation.id if conversation else "",
            conversation_type=conversation.conversation_type if conversation else None,
            tenant_id=tenant_of(activity),
        ),
    )
    if bot is not None:
        reference.agent = ChannelAccount(id=bot.id, name=bot.name)
    if user is not None:
        reference.user = ChannelAccount(id=user.id, aad_object_id=user.aad_object_id)
    return reference.model_dump(mode="json", by_alias=True, exclude_none=True)


def reference_from(address: dict[str, Any]) -> ConversationReference:
    """A stored address back as the SDK's ConversationReference; ValueError when it cannot be used."""
    reference = ConversationReference.model_validate(address)
    if not reference.service_url or not reference.conversation or not reference.conversation.id:
        raise ValueError("conversation reference without service URL or conversation id")
    return reference


def to_incoming(activity: Activity, *, tenant_id: str | None = None) -> IncomingMessage:
    """A message activity as the core's IncomingMessage (a card submit becomes the choice's number)."""
    text = strip_mentions(activity.text or "")
    in_reply_to: str | None = None
    unsupported: str | None = None
    pick = card_pick(activity.value)
    if pick is not None:
        prompt_id, choice, label = pick
        if prompt_id is not None:
            in_reply_to, text = prompt_id, str(choice + 1)
        else:  # a button without a prompt: its label is safer than a number for whatever is asked now
            text = label or str(choice + 1)
    elif activity.value is not None and not text:
        in_reply_to = NOT_OURS
    elif not text and has_files(activity):
        unsupported = "file"
    return IncomingMessage(
        channel=CHANNEL,
        user=user_of(activity, tenant_id),
        text=text,
        delivery_id=delivery_key(activity),
        received_at=activity.timestamp if activity.timestamp and activity.timestamp.tzinfo else None,
        in_reply_to=in_reply_to,
        address=address_of(activity),
        unsupported=unsupported,
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
