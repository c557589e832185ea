"""The time parser on Duckling's Dutch corpus, re-resolved to the most recent past (duckling_nl.yml)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu.timecorpus import DUCKLING_FILE, duckling_accuracy, load_cases
from nlu.timeparse import parse_when

TRAINING_DIR = Path(__file__).resolve().parents[3] / "data" / "training"

pytestmark = pytest.mark.skipif(not (TRAINING_DIR / DUCKLING_FILE).exists(), reason="duckling_nl.yml not present")


def test_the_reference_is_duckling_test_context_tuesday_0430_at_utc_minus_two() -> None:
    _cases, now, tz, _skipped = load_cases(TRAINING_DIR / DUCKLING_FILE)
    assert tz == "Etc/GMT+2"
    assert now.utcoffset() == timedelta(hours=-2)
    assert now == datetime(2013, 2, 12, 6, 30, tzinfo=UTC)


def test_the_past_meaning_share_stays_at_least_what_was_reached() -> None:
    score = duckling_accuracy(TRAINING_DIR)
    assert score is not None
    good, total = score.past
    assert total >= 200
    assert good / total >= 0.98, [c.phrase for c in score.failures]


def test_future_only_phrases_are_never_read_as_a_confident_past_moment() -> None:
    score = duckling_accuracy(TRAINING_DIR)
    assert score is not None
    future = next(f for f in score.families if f.family == "future")
    assert future.total >= 60
    assert future.share >= 0.98


def test_every_family_with_a_past_meaning_resolves_at_least_two_thirds() -> None:
    score = duckling_accuracy(TRAINING_DIR)
    assert score is not None
    weak = {f.family: round(f.share, 2) for f in score.families if f.share < 0.66}
    assert not weak


_WED = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_zat_with_a_full_stop_ending_a_sentence_is_the_verb_not_saturday() -> None:
    assert parse_when("Hij gaf me een zoen in mijn nek terwijl ik achter de computer zat.", _WED) is None


def test_a_month_named_in_passing_gives_way_to_a_finer_day() -> None:
    text = "Sinds ik in maart een bezwaar afwees, krijg ik berichten. Gisteren stond hij voor de deur."
    span = parse_when(text, _WED)
    assert span is not None
    assert span.start == datetime(2026, 11, 17, 0, 0, tzinfo=_WED.tzinfo)


def test_a_duration_ahead_is_no_clock_time() -> None:
    assert parse_when("tenzij wij binnen 24u alsnog betalen", _WED) is None
    assert parse_when("over twee uur", _WED) is None
