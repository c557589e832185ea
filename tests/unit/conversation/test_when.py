"""Absolute Dutch dates and times from what the understanding read (a table of cases, no model)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.conversation.texts import Texts
from bot.conversation.when import Occurrence, meant_instant, when_inline, when_text, with_absolute_time
from tests.conftest import TZ


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(("occurrence", "expected"), [
    (Occurrence(at(24, 13, 45), at(24, 14, 15), at(24, 14), "om 14:00"), "dinsdag 24 november 2026, 14:00"),
    (Occurrence(at(24, 13, 45), at(24, 14, 15), None, "om 14:00"), "dinsdag 24 november 2026, 14:00"),
    (Occurrence(at(23, 15, 45), at(23, 16, 15), at(23, 16), "rond 4 uur"), "maandag 23 november 2026, rond 16:00"),
    (Occurrence(at(24, 14), at(24, 15), None, "na 14:00"), "dinsdag 24 november 2026, na 14:00"),
    (Occurrence(at(24, 13), at(24, 14), None, "voor 14:00"), "dinsdag 24 november 2026, voor 14:00"),
    (Occurrence(at(24, 14), at(24, 15), None, "tussen 14 en 15 uur"),
     "dinsdag 24 november 2026, tussen 14:00 en 15:00"),
    (Occurrence(at(23), at(24), None, "gisteren"), "maandag 23 november 2026"),
    (Occurrence(at(23, 18), at(24), None, "gisteravond"), "maandag 23 november 2026, tussen 18:00 en 24:00"),
    (Occurrence(at(16), at(23), None, "vorige week"), "van maandag 16 november tot en met zondag 22 november 2026"),
    (Occurrence(at(23, 22), at(24, 6), None, "vannacht"),
     "van maandag 23 november 2026, 22:00 tot dinsdag 24 november 2026, 06:00"),
    (Occurrence(at(17, 19), None, None, "gisteravond"), "dinsdag 17 november 2026, 19:00"),
    (Occurrence(datetime(2025, 12, 29, tzinfo=TZ), datetime(2026, 1, 5, tzinfo=TZ), None, "die week"),
     "van maandag 29 december 2025 tot en met zondag 4 januari 2026"),
])
def test_when_it_happened_reads_as_an_absolute_date_and_time(texts: Texts, occurrence: Occurrence,
                                                             expected: str) -> None:
    assert when_text(occurrence, TZ, texts) == expected


def test_nothing_known_gives_no_date(texts: Texts) -> None:
    assert when_text(Occurrence(None, None, None, "na de lunchpauze ergens"), TZ, texts) is None


def test_a_clock_time_is_the_middle_of_its_half_hour_and_a_part_of_the_day_has_no_moment() -> None:
    assert meant_instant(at(24, 13, 45), at(24, 14, 15)) == at(24, 14)
    assert meant_instant(at(24, 12), at(24, 18)) is None


def test_the_time_words_in_a_story_are_replaced_by_the_date_and_the_rest_stays(texts: Texts) -> None:
    two = Occurrence(at(24, 13, 45), at(24, 14, 15), at(24, 14), "Vanmiddag om 14:00")
    assert with_absolute_time("Vanmiddag om 14:00 schold hij.", two, TZ, texts) == \
        "Op dinsdag 24 november 2026 om 14:00 schold hij."
    day = Occurrence(at(23), at(24), None, "gisteren")
    assert with_absolute_time("Hij belde gisteren en schold.", day, TZ, texts) == \
        "Hij belde op maandag 23 november 2026 en schold."
    assert when_inline(day, TZ, texts) == "op maandag 23 november 2026"


def test_a_story_without_the_time_words_stays_as_typed(texts: Texts) -> None:
    day = Occurrence(at(23), at(24), None, "gisteren")
    assert with_absolute_time("Hij schold me uit.", day, TZ, texts) == "Hij schold me uit."
