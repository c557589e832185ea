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
