"""RuleUnderstander: short-answer intents, slot answers, crude forms; the package stays light to import."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu.data import load_intents
from nlu.result import FINE_FORMS, INTENTS, LOCATION_TYPES, PRIMARY_FORMS, SEVERITIES, UnderstandContext
from nlu.understander import RuleUnderstander

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
INTENTS_FILE = Path(__file__).resolve().parents[3] / "data" / "training" / "nlu.yml"


def _ctx(expecting: str | None = None) -> UnderstandContext:
    return UnderstandContext(now=NOW, expecting=expecting)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ja", "yes"),
        ("Jaaa hoor", "yes"),
        ("klopt", "yes"),
        ("👍", "yes"),
        ("nee", "no"),
        ("nee, er waren geen getuigen", "no"),
        ("klopt niet", "no"),
        ("weet ik niet", "dont_know"),
        ("geen idee", "dont_know"),
        ("sla over", "dont_know"),
        ("stop", "stop"),
        ("ik wil stoppen", "stop"),
        ("help", "help"),
        ("terug", "back"),
        ("mijn meldingen", "my_reports"),
        ("hoi", "greeting"),
        ("bedankt!", "thanks"),
        ("moet ik aangifte doen?", "question"),
    ],
)
def test_short_answers_get_their_intent(understander: RuleUnderstander, text: str, intent: str) -> None:
    assert understander.understand(text, _ctx("yes_no")).intent == intent


def test_rules_alone_get_most_control_answers_of_the_intent_data_right(
    understander: RuleUnderstander,
) -> None:
    if not INTENTS_FILE.exists():
        pytest.skip("nlu.yml not present")
    examples = [ex for ex in load_intents(INTENTS_FILE) if ex.intent in ("yes", "no", "dont_know", "stop")]
    right = sum(understander.understand(ex.text, _ctx()).intent == ex.intent for ex in examples)
    assert right / len(examples) >= 0.85


def test_a_time_answer_is_content_with_a_resolved_time(understander: RuleUnderstander) -> None:
    result = understander.understand("gisteravond rond acht uur", _ctx("when"))
    assert result.intent == "describe"
    assert result.entities.when is not None
    assert result.entities.when.start == datetime(2026, 11, 17, 19, 45, tzinfo=NOW.tzinfo)
    assert result.primary_form is None


def test_dont_know_to_the_time_question_is_dont_know_without_a_time(understander: RuleUnderstander) -> None:
    result = understander.understand("weet ik niet meer", _ctx("when"))
    assert (result.intent, result.entities.when) == ("dont_know", None)


def test_a_plain_no_to_the_injury_question_means_no_injury(understander: RuleUnderstander) -> None:
    assert understander.understand("nee", _ctx("injury")).entities.injury is False


def test_a_plain_yes_to_the_witness_question_means_witnesses(understander: RuleUnderstander) -> None:
    assert understander.understand("ja", _ctx("witnesses")).entities.witnesses is True


def test_an_unknown_place_is_kept_as_anders_with_its_words(understander: RuleUnderstander) -> None:
    result = understander.understand("in de kantine van de sporthal", _ctx("location"))
    assert (result.entities.location_type, result.entities.location_text) == (
        "anders",
        "in de kantine van de sporthal",
    )


def test_a_negated_blow_is_not_classified_as_physical_violence(understander: RuleUnderstander) -> None:
    result = understander.understand(
        "Hij sloeg me niet, maar schold me wel uit voor klootzak.", _ctx("description")
    )
    assert result.primary_form != "fysiek"


def test_a_real_blow_is_physical_violence_of_high_severity(understander: RuleUnderstander) -> None:
    result = understander.understand("De klant gaf me een klap in mijn gezicht.", _ctx("description"))
    assert (result.primary_form, result.abcd, result.severe, result.severity) == ("fysiek", "D", True, "hoog")
    assert "klap" in result.explanation


def test_a_threat_is_explained_in_dutch_with_the_words_that_drove_it(understander: RuleUnderstander) -> None:
    result = understander.understand("Hij zei 'ik weet waar je woont' en liep weg.", _ctx("description"))
    assert result.primary_form == "bedreiging"
    assert result.explanation == (
        "Ik zie dit als bedreiging (D-gedrag): er werd gedreigd ('ik weet waar je woont')."
    )


def test_every_label_in_the_result_comes_from_the_contract(understander: RuleUnderstander) -> None:
    text = "Gisteren aan de balie gooide een man een stoel naar me en riep dat hij me zou vinden."
    result = understander.understand(text, _ctx("description"))
    assert result.intent in INTENTS
    assert result.primary_form in PRIMARY_FORMS
    assert all(f in PRIMARY_FORMS or f in FINE_FORMS for f in result.forms)
    assert result.severity in SEVERITIES
    assert result.entities.location_type in LOCATION_TYPES
    assert result.to_json()["entities"]["when"]["start"] == "2026-11-17T00:00:00+01:00"


def test_importing_nlu_loads_no_model_and_no_spacy() -> None:
    code = "import sys, nlu; assert 'spacy' not in sys.modules and 'dateparser' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


READ_AGAIN = [
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont.",
    "hij sloeg me niet, maar schold me wel uit",
    "vanochtend rond 10 uur",
    "ja",
    "Hallo",
]
EXPECTING = [None, "description", "when", "location", "injury", "witnesses", "yes_no", "choice"]


@pytest.mark.parametrize("text", READ_AGAIN)
def test_reading_a_text_again_for_another_question_answers_as_a_first_reading(text: str) -> None:
    """What a thread keeps of its last text (analysis, time, reading) changes no answer."""
    again, fresh = RuleUnderstander(), RuleUnderstander()
    for first in EXPECTING:
        for second in EXPECTING:
            again.understand(text, _ctx(first))
            fresh.understand("iets anders", _ctx())  # so that `fresh` keeps nothing of `text`
            assert again.understand(text, _ctx(second)) == fresh.understand(text, _ctx(second))


def test_another_moment_reads_the_time_again() -> None:
    understander = RuleUnderstander()
    today = understander.understand("vanochtend rond 10 uur", _ctx("when")).entities.when
    later = understander.understand("vanochtend rond 10 uur", UnderstandContext(
        now=NOW.replace(day=19), expecting="when")).entities.when
    assert today is not None
    assert later is not None
    assert (later.start - today.start).days == 1
