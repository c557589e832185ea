"""Replies become Teams activities: plain text, or an Adaptive Card whose buttons carry the prompt."""

from __future__ import annotations

import json

from bot.channels.teams.cards import ADAPTIVE_CARD, to_activity
from bot.conversation.messages import Reply

WHERE = Reply("Waar of hoe had je contact met de burger?", ("Balie of kantoor", "Telefoon", "Anders"), "p3")


def test_a_reply_without_choices_is_plain_text() -> None:
    activity = to_activity(Reply("Dank je. *Niet* vet."))
    assert (activity.type, activity.text, activity.text_format) == ("message", "Dank je. *Niet* vet.", "plain")
    assert not activity.attachments


def test_choices_become_one_submit_button_each_with_prompt_choice_and_label() -> None:
    activity = to_activity(WHERE)
    assert activity.text == WHERE.text
    [attachment] = activity.attachments
    assert attachment.content_type == ADAPTIVE_CARD
    actions = [a for element in attachment.content["body"] for a in element["actions"]]
    assert [(a["type"], a["title"], a["data"]) for a in actions] == [
        ("Action.Submit", "Balie of kantoor", {"prompt_id": "p3", "choice": 0, "label": "Balie of kantoor"}),
        ("Action.Submit", "Telefoon", {"prompt_id": "p3", "choice": 1, "label": "Telefoon"}),
        ("Action.Submit", "Anders", {"prompt_id": "p3", "choice": 2, "label": "Anders"}),
    ]


def test_the_card_falls_back_to_the_numbered_text() -> None:
    card = to_activity(WHERE).attachments[0].content
    assert card["fallbackText"] == (
        "Waar of hoe had je contact met de burger?\n  1. Balie of kantoor\n  2. Telefoon\n  3. Anders"
    )


def test_the_activity_serialises_as_bot_framework_json() -> None:
    data = to_activity(WHERE).model_dump(mode="json", by_alias=True, exclude_none=True)
    assert data["textFormat"] == "plain"
    assert data["attachments"][0]["contentType"] == ADAPTIVE_CARD
    assert len(json.dumps(data)) < 40_000  # Teams refuses bot messages over 40 KB
