"""Replies as Teams message activities: plain text, choices as an Adaptive Card with a numbered fallback.

Why a card and not suggestedActions: Teams shows suggested actions only in chats, drops them after
the next message and sends the bare label back (imBack), so a press could not be tied to its
question. A card's Action.Submit returns {"prompt_id", "choice", "label"}: an old card pressed
later is recognised as a stale button. Each button sits in its own ActionSet, so long Dutch labels
stack vertically and no button is cut off by the host's limit on actions per row.
"""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from bot.channels import numbered
from bot.conversation.messages import Reply

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.2"  # ActionSet needs 1.2; Teams renders 1.2 on desktop, web and mobile


def choice_card(reply: Reply) -> dict[str, Any]:
    """An Adaptive Card with one Action.Submit per choice; fallbackText is the numbered text."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "fallbackText": numbered(reply),
        "msteams": {"width": "Full"},
        "body": [
            {
                "type": "ActionSet",
                "actions": [
                    {
                        "type": "Action.Submit",
                        "title": label,
                        "data": {"prompt_id": reply.prompt_id, "choice": index, "label": label},
                    }
                ],
            }
            for index, label in enumerate(reply.choices)
        ],
    }


def to_activity(reply: Reply) -> Activity:
    """One reply as a message activity. Plain text format: user words in summaries are never markup."""
    activity = Activity(type=ActivityTypes.message, text=reply.text, text_format="plain")
    if reply.choices:
        activity.attachments = [Attachment(content_type=ADAPTIVE_CARD, content=choice_card(reply))]
    return activity


def to_activities(replies: tuple[Reply, ...] | list[Reply]) -> list[Activity]:
    return [to_activity(r) for r in replies]
