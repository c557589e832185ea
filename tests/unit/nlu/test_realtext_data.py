"""The real-text development set: large enough, every item sourced and labelled by the guide, never trained on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nlu.data import INCIDENTS_FILE, REALTEXT_FILE, Incident, load_incidents

TRAINING_DIR = Path(__file__).resolve().parents[3] / "data" / "training"


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb))


@pytest.fixture(scope="module")
def realtext() -> list[Incident]:
    path = TRAINING_DIR / REALTEXT_FILE
    if not path.exists():
        pytest.skip("realtext_dev.yml not present")
    return load_incidents(path)


def test_the_real_text_set_has_at_least_300_items_each_with_a_public_source(realtext: list[Incident]) -> None:
    raw = yaml.safe_load((TRAINING_DIR / REALTEXT_FILE).read_text(encoding="utf-8"))["incidents"]
    assert len(realtext) == len(raw) >= 300
    assert [item for item in raw if not re.match(r"https?://\w", str(item.get("source") or ""))] == []


def test_severity_follows_the_primary_form_as_the_labelling_guide_says(realtext: list[Incident]) -> None:
    assert [inc.severe for inc in realtext] == [inc.primary != "verbaal" for inc in realtext]
    allowed = {("fysiek", "D"), ("bedreiging", "D"), ("bedreiging", "C"), ("bedreiging", "A"),
               ("verbaal", "A"), ("verbaal", "B"), ("verbaal", "C")}  # fmt: skip
    assert {(inc.primary, inc.abcd) for inc in realtext} <= allowed


def test_no_real_text_item_is_told_twice(realtext: list[Incident]) -> None:
    texts = [inc.text for inc in realtext]
    twice = [(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :] if _overlap(a, b) > 0.6]
    assert twice == []


def test_no_real_text_item_is_in_the_training_set(realtext: list[Incident]) -> None:
    training = [inc.text for inc in load_incidents(TRAINING_DIR / INCIDENTS_FILE)]
    copied = [r.text for r in realtext for t in training if _overlap(r.text, t) > 0.5]
    assert copied == []
