"""A turn runs the understanding once per text and context, however often the engine asks."""

from __future__ import annotations

from tests.conftest import ChatHarness
from tests.fakes import FakeUnderstander

DESCRIPTION = "Gisteravond aan de balie dreigde een man: ik weet waar je woont."


def test_a_description_is_understood_once_in_its_turn(chat: ChatHarness, service: object) -> None:
    understander = service.understander  # type: ignore[attr-defined]
    assert isinstance(understander, FakeUnderstander)
    chat.say("Hallo")
    before = len(understander.calls)
    chat.say(DESCRIPTION)
    calls = understander.calls[before:]
    assert calls.count((DESCRIPTION, "description")) == 1
    assert chat.replies


def test_the_next_turn_understands_its_own_text_again(chat: ChatHarness, service: object) -> None:
    understander = service.understander  # type: ignore[attr-defined]
    chat.say("Hallo")
    chat.say(DESCRIPTION)
    before = len(understander.calls)
    chat.say(DESCRIPTION)
    assert len(understander.calls) > before


def _to_the_harm_question(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(DESCRIPTION)
    chat.press("Nee, verder")


def test_a_pressed_button_needs_no_understanding(chat: ChatHarness, service: object) -> None:
    understander = service.understander  # type: ignore[attr-defined]
    _to_the_harm_question(chat)
    question, choices = chat.text, chat.choices
    before = len(understander.calls)
    chat.press(choices[0])
    assert understander.calls[before:] == []
    assert chat.text != question  # the answer was taken: the next question is asked


def test_a_typed_choice_needs_no_understanding_but_free_words_do(chat: ChatHarness, service: object) -> None:
    understander = service.understander  # type: ignore[attr-defined]
    _to_the_harm_question(chat)
    before = len(understander.calls)
    chat.say(chat.choices[0])  # the label typed in full, no button
    assert understander.calls[before:] == []
    before = len(understander.calls)
    chat.say("gaat wel een beetje")  # not a choice: read by the understanding
    assert [text for text, _ in understander.calls[before:]] == ["gaat wel een beetje"]
