"""Several choices typed instead of tapped: by number or label, with or without commas and 'en'."""

from __future__ import annotations

import pytest

from bot.conversation.answers import match_many

WISHES = ["Contact met mijn leidinggevende", "Hulp bij aangifte", "Iemand om mee te praten", "Klaar"]


@pytest.mark.parametrize(("typed", "picked"), [
    ("1 en 3", [0, 2]),
    ("1, 2 en 3", [0, 1, 2]),
    ("1 2 3", [0, 1, 2]),
    ("3 1", [0, 2]),
    ("1 En 3", [0, 2]),
    ("1;2", [0, 1]),
    ("Hulp bij aangifte, Iemand om mee te praten", [1, 2]),
    ("hulp bij aangifte en 1", [0, 1]),
    ("klaar", [3]),
])
def test_several_choices_by_number_or_label(typed: str, picked: list[int]) -> None:
    assert match_many(typed, WISHES) == picked


@pytest.mark.parametrize("typed", ["", ", ,", "5", "1 en 5", "0", "mes en 2", "1 2 drie", "ik wil hulp"])
def test_anything_else_is_not_a_pick(typed: str) -> None:
    assert match_many(typed, WISHES) is None


def test_a_label_with_a_comma_or_en_is_one_choice() -> None:
    labels = ["Nee, niemand gewond en geen getuigen", "Weet ik niet"]
    assert match_many("Nee, niemand gewond en geen getuigen", labels) == [0]
