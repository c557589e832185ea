"""Telegram updates become the IncomingMessage the core expects."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.parsing import parse_update
from bot.channels.telegram.translate import FileToFetch, translate
from bot.conversation.messages import Attachment, IncomingMessage
from tests.unit.telegram import updates as u


def inbound(update: dict[str, Any], update_id: int = 41):
    return translate(Update.de_json(u.with_id(update, update_id), None))


def test_a_text_message_becomes_an_incoming_message_with_its_update_id_and_chat() -> None:
    got = inbound(u.text("Een klant schold me uit aan de balie"))
    assert got is not None
    assert got.message == IncomingMessage(
        channel="telegram", user=str(u.USER_ID), text="Een klant schold me uit aan de balie", delivery_id="41",
        received_at=got.message.received_at,
    )
    assert got.message.address == {"chat_id": u.USER_ID}
    assert got.chat_id == u.USER_ID


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("/melden", "melden"),
        ("/stop", "stop"),
        ("/help", "help"),
        ("/mijnmeldingen", "mijn meldingen"),
        ("/start", "start"),
        ("/start ABCD-EFGH", "/start ABCD-EFGH"),
        ("/melden@meldbot_test_bot", "melden"),
    ],
)
def test_commands_become_the_words_of_the_conversation(typed: str, text: str) -> None:
    got = inbound(u.text(typed))
    assert got is not None
    assert (got.message.text, got.message.unsupported) == (text, None)


def test_an_unknown_command_is_unsupported() -> None:
    got = inbound(u.text("/onzin"))
    assert got is not None
    assert got.message.unsupported == "command"


def test_a_button_press_becomes_the_choice_number_for_its_prompt() -> None:
    got = inbound(u.callback("p12|3", query_id="q-9"), update_id=77)
    assert got is not None
    assert (got.message.text, got.message.in_reply_to, got.message.delivery_id) == ("4", "p12", "77")
    assert got.callback_query_id == "q-9"
    assert got.chat_id == u.USER_ID


def test_a_button_payload_that_is_not_ours_counts_as_a_stale_button() -> None:
    got = inbound(u.callback("something else"))
    assert got is not None
    assert got.message.in_reply_to == "?"
    assert got.callback_query_id == "cq-1"


def test_a_photo_is_fetched_in_its_largest_size_with_the_caption_as_text() -> None:
    got = inbound(u.photo("ph1", caption="de klant"))
    assert got is not None
    assert got.file == FileToFetch("photo", "ph1", "uph1", "image/jpeg", len(u.JPEG), None)
    assert got.message.text == "de klant"


def test_a_document_is_fetched_with_its_declared_type_and_name() -> None:
    got = inbound(u.document("d1", "application/pdf", "brief.pdf", size=1234))
    assert got is not None
    assert got.file == FileToFetch("document", "d1", "ud1", "application/pdf", 1234, "brief.pdf")


@pytest.mark.parametrize("update", [u.location(52.09, 5.12), u.venue(52.09, 5.12)])
def test_a_location_is_an_attachment_without_download(update: dict[str, Any]) -> None:
    got = inbound(update)
    assert got is not None
    assert got.file is None
    assert got.message.attachments == (Attachment(kind="location", latitude=52.09, longitude=5.12),)


@pytest.mark.parametrize("kind", sorted(u.UNSUPPORTED))
def test_other_content_is_unsupported_by_kind(kind: str) -> None:
    got = inbound(u.unsupported(kind))
    assert got is not None
    assert got.message.unsupported == kind
    assert got.file is None


def test_a_poll_from_an_older_bot_api_is_still_answered_as_unsupported() -> None:
    update = u.with_id(u.unsupported("poll"), 5)
    del update["message"]["poll"]["members_only"]  # required by this PTB version, absent before Bot API 10
    parsed = parse_update(update, None)
    assert parsed is not None
    got = translate(parsed)
    assert got is not None
    assert (got.message.unsupported, got.message.delivery_id) == ("poll", "5")


def test_messages_in_groups_are_ignored() -> None:
    assert inbound(u.text("hallo", chat_kind="group")) is None


def test_an_update_without_message_or_button_is_ignored() -> None:
    assert translate(Update.de_json({"update_id": 3}, None)) is None


def test_a_body_that_is_no_update_is_refused() -> None:
    assert parse_update({"hello": 1}, None) is None
    assert parse_update([1, 2], None) is None
