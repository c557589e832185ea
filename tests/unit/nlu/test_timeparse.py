"""The Dutch time-phrase resolver against data/training/time_phrases.yml and a few extra cases."""

from __future__ import annotations

import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from nlu.evaluation import time_case_ok, time_phrase_accuracy
from nlu.timeparse import _DIGIT, _PATTERNS, parse_when, tokenize

TRAINING_DIR = Path(__file__).resolve().parents[3] / "data" / "training"
PHRASES = TRAINING_DIR / "time_phrases.yml"
TZ = ZoneInfo("Europe/Amsterdam")
WEDNESDAY_10 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def _cases() -> list[dict[str, Any]]:
    if not PHRASES.exists():
        return []
    return list((yaml.safe_load(PHRASES.read_text(encoding="utf-8")) or {}).get("cases") or [])


@pytest.mark.skipif(not PHRASES.exists(), reason="time_phrases.yml not present")
def test_at_least_95_percent_of_the_time_phrase_set_resolves_exactly() -> None:
    result = time_phrase_accuracy(TRAINING_DIR)
    assert result is not None
    good, total = result
    assert good / total >= 0.95


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['text']}@{c['now'][:16]}")
def test_time_phrase_case_resolves_as_labelled(case: dict[str, Any]) -> None:
    assert time_case_ok(case)


def test_gisteravond_is_yesterday_from_six_to_midnight_in_amsterdam_time() -> None:
    span = parse_when("gisteravond", WEDNESDAY_10)
    assert span is not None
    assert (span.start, span.end) == (
        datetime(2026, 11, 17, 18, 0, tzinfo=TZ),
        datetime(2026, 11, 18, 0, 0, tzinfo=TZ),
    )
    assert span.start.utcoffset() is not None


def test_a_time_phrase_inside_a_description_is_found_with_its_words() -> None:
    span = parse_when("Gisteren rond 15:30 kwam een man aan de balie schreeuwen", WEDNESDAY_10)
    assert span is not None
    assert span.text == "Gisteren rond 15:30"
    assert span.start == datetime(2026, 11, 17, 15, 15, tzinfo=TZ)


def test_a_text_without_a_time_gives_none() -> None:
    assert parse_when("hij schreeuwde drie keer dat ik een sukkel ben", WEDNESDAY_10) is None


def test_tomorrow_resolves_with_low_confidence_because_incidents_lie_in_the_past() -> None:
    span = parse_when("morgen", WEDNESDAY_10)
    assert span is not None
    assert span.confidence < 0.5


def test_a_vague_phrase_resolves_with_low_confidence() -> None:
    span = parse_when("een tijdje geleden", WEDNESDAY_10)
    assert span is not None
    assert span.confidence < 0.5


def test_a_typo_still_resolves_but_with_less_confidence_than_the_correct_word() -> None:
    typo = parse_when("gisteravnd", WEDNESDAY_10)
    correct = parse_when("gisteravond", WEDNESDAY_10)
    assert typo is not None
    assert correct is not None
    assert (typo.start, typo.end) == (correct.start, correct.end)
    assert typo.confidence < correct.confidence


def test_an_absolute_date_with_a_month_name_uses_dateparser_in_dutch() -> None:
    span = parse_when("op 3 november om 14.00", WEDNESDAY_10)
    assert span is not None
    assert span.start == datetime(2026, 11, 3, 13, 45, tzinfo=TZ)


def test_a_naive_reference_time_is_taken_as_amsterdam_time() -> None:
    span = parse_when("net", datetime(2026, 7, 1, 12, 0))  # noqa: DTZ001 - deliberately naive
    assert span is not None
    assert span.end == datetime(2026, 7, 1, 12, 0, tzinfo=TZ)
    assert span.end.utcoffset() is not None


_WED = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("twee weken geleden", "2026-11-04T00:00:00+01:00", "2026-11-05T00:00:00+01:00"),
        ("31.10.74", "1974-10-31T00:00:00+01:00", "1974-11-01T00:00:00+01:00"),
        ("Pasen", "2026-04-05T00:00:00+02:00", "2026-04-07T00:00:00+02:00"),
        ("met kerst", "2025-12-25T00:00:00+01:00", "2025-12-27T00:00:00+01:00"),
        ("4 uur in de morgen", "2026-11-18T03:45:00+01:00", "2026-11-18T04:15:00+01:00"),
        ("vr. rond 14:00", "2026-11-13T13:45:00+01:00", "2026-11-13T14:15:00+01:00"),
    ],
)
def test_special_shapes_resolve_to_the_most_recent_past(text: str, start: str, end: str) -> None:
    span = parse_when(text, _WED)
    assert span is not None
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


def test_a_date_in_the_future_gets_low_confidence() -> None:
    span = parse_when("vrijdag deze week", _WED)
    assert span is not None
    assert span.start > _WED
    assert span.confidence <= 0.3


def _canonical(text: str) -> str:
    return " ".join(tok.word for tok in tokenize(text))


def test_no_time_pattern_matches_a_text_without_the_words_it_is_skipped_for() -> None:
    """`_find_hits` runs a pattern only when the text holds one of its words (or a digit); that must never
    skip a match. Checked on the labelled phrases and on random strings of the patterns' own words."""
    texts = [_canonical(t) for t in [*(case["text"] for case in _cases()), "tussen 2 en 3 uur", "op deze dag"]]
    vocabulary = sorted({w for _, pattern, _ in _PATTERNS for w in re.findall(r"[a-z]+", pattern.pattern)}
                        | {"1", "9", "12", "14:30", "3-4", "2026", "s", "man", "balie"})
    rng = random.Random(7)
    texts += [" ".join(rng.choices(vocabulary, k=rng.randint(1, 7))) for _ in range(20_000)]
    matched: set[int] = set()
    for canon in texts:
        present = set(canon.split()) | ({_DIGIT} if any(ch.isdigit() for ch in canon) else set())
        for n, (_, pattern, needs) in enumerate(_PATTERNS):
            if pattern.search(canon) is not None:
                matched.add(n)
                assert not needs.isdisjoint(present), (pattern.pattern, canon)
    assert matched == set(range(len(_PATTERNS)))  # every pattern was put to the test
