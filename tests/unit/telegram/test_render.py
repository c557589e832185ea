"""Replies become Telegram messages: split at 4,096 characters, buttons whose payload fits in 64 bytes."""

from __future__ import annotations

import pytest

from bot.channels.telegram.render import (
    MAX_CALLBACK_DATA,
    MAX_TEXT,
    callback_data,
    parse_callback_data,
    render,
    split_text,
    utf16_len,
)
from bot.conversation import flow
from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from nlu.result import PRIMARY_FORMS


def test_a_short_reply_is_one_message_with_one_button_a_row() -> None:
    out = render([Reply("Waren er getuigen?", ("Ja", "Nee", "Weet ik niet"), "p7")])
    assert len(out) == 1
    assert out[0].text == "Waren er getuigen?"
    assert out[0].keyboard is not None
    rows = out[0].keyboard.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("Ja", "p7|0")], [("Nee", "p7|1")], [("Weet ik niet", "p7|2")]
    ]


def test_a_long_text_is_split_at_line_breaks_and_the_keyboard_goes_on_the_last_part() -> None:
    lines = [f"regel {i} " + "x" * 90 for i in range(100)]
    out = render([Reply("\n".join(lines), ("Versturen",), "p3")])
    assert len(out) == 3
    assert all(utf16_len(o.text) <= MAX_TEXT for o in out)
    assert [o.keyboard is not None for o in out] == [False, False, True]
    assert "\n".join(o.text for o in out) == "\n".join(lines)


def test_text_without_line_breaks_is_split_between_words() -> None:
    words = ["woord"] * 2000
    parts = split_text(" ".join(words))
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert " ".join(parts).split() == words


def test_text_without_spaces_is_cut_hard_and_never_inside_an_emoji() -> None:
    text = "😡" * 3000  # 6,000 UTF-16 units
    parts = split_text(text)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == text


def test_an_exactly_full_message_is_not_split() -> None:
    assert split_text("a" * MAX_TEXT) == ["a" * MAX_TEXT]


def test_several_replies_become_messages_in_order() -> None:
    out = render([Reply("Een"), Reply(""), Reply("Twee", ("a",), "p1")])
    assert [o.text for o in out] == ["Een", "Twee"]


def test_callback_data_round_trips() -> None:
    assert parse_callback_data(callback_data("p12", 3)) == ("p12", 3)
    assert parse_callback_data(callback_data(None, 0)) == (None, 0)
    assert parse_callback_data("zomaar") is None
    assert parse_callback_data("p1|x") is None


def test_callback_data_over_64_bytes_is_refused_and_such_choices_fall_back_to_numbered_text() -> None:
    with pytest.raises(ValueError, match="64"):
        callback_data("p" * 63, 1)
    out = render([Reply("Kies", ("Ja", "Nee"), "p" * 70)])
    assert (out[0].text, out[0].keyboard) == ("Kies\n  1. Ja\n  2. Nee", None)


def _all_flow_keyboards(texts: Texts, prompt_seq: int) -> list[Reply]:
    engine = flow.Engine()
    replies = []
    steps = [s for s in flow.EXPECTING if s != "idle"]
    for form in (None, *PRIMARY_FORMS):
        for step in steps:
            state = ConversationState(step=step, draft={"primary_form": form}, prompt_seq=prompt_seq)
            choices = engine.choices_for(step, state, texts)
            if choices:
                replies.append(Reply("?", choices, state.prompt_id))
    return replies


def test_every_keyboard_the_flow_can_produce_fits_telegrams_callback_data_limit(texts: Texts) -> None:
    replies = _all_flow_keyboards(texts, prompt_seq=10**12)  # far more prompts than a person ever answers
    assert {len(r.choices) for r in replies} >= {1, 2, 3, 4, 5, 6, 8}
    for message in render(replies):
        assert message.keyboard is not None
        for row in message.keyboard.inline_keyboard:
            assert len(row) == 1
            data = row[0].callback_data
            assert isinstance(data, str)
            assert 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
