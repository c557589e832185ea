"""Shapes of real reports: deeds and threats by their form, negation per clause, severity, explanations."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.result import UnderstandContext
from nlu.rules import RuleAnalyzer
from nlu.understander import RuleUnderstander

ACTS = ("physical", "throw", "block", "vandalism", "sexual_touch")
THREATS = ("threat", "death_threat")
DESCRIBE = UnderstandContext(now=datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
                             expecting="description")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Hij greep me bij mijn keel.",
        "Meneer vloog de handhaver naar de keel.",
        "De man hield mijn collega in een nekklem.",
        "Ze nam de medewerker in een wurggreep.",
        "Hij gooide een nietmachine naar mijn collega.",
        "We werden bekogeld met eieren.",
        "Ze smeet haar tas tegen mijn hoofd.",
        "Hij reed met opzet op de handhaver in.",
        "De bromfietser gaf gas en reed recht op de boa af.",
        "Twee jongens schopten de boa in het gelaat.",
        "De passagier bespuugde de chauffeur.",
        "Hij verkocht me een knal voor mijn kop.",
        "De deurwaarder werd met stalen pijpen afgetuigd.",
    ],
)
def test_a_deed_on_the_body_or_at_a_person_is_physical_evidence(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual(*ACTS)


@pytest.mark.parametrize(
    "text",
    [
        "Als mijn vergunning niet doorkomt, gebeurt er iets met je.",
        "als ik die toeslag niet krijg weet ik je wel te vinden",
        "Jullie burgemeester moet vanavond oppassen.",
        "Let maar op, jij.",
        "Ga terug naar je eigen land, anders steek ik je neer.",
        "Ik haal de kettingzaag uit mijn auto.",
        "Ik weet waar jullie wonen.",
    ],
)
def test_a_veiled_threat_is_a_threat_by_its_shape(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual(*THREATS)


def test_a_modal_in_one_clause_does_not_undo_the_deed_in_the_next(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("hij zou me opwachten na werktijd en gooide een stoel naar me")
    assert [e.cue for e in analysis.actual("throw")] == ["throw"]
    assert analysis.denied("throw") == []


def test_a_negation_in_one_clause_does_not_deny_the_next(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("Hij zei niets en sloeg me in mijn gezicht.")
    assert analysis.actual("physical")


def test_a_threat_noun_is_not_denied_by_a_negation_of_another_verb(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("Hij uitte bedreigingen en ging niet akkoord met de beveiliger.")
    assert analysis.actual("threat")


def test_threatening_with_a_complaint_is_no_threat_of_harm(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("Hij dreigde met een klacht bij de wethouder.")
    assert analysis.actual("threat") == []
    assert analysis.actual("consequences")


@pytest.mark.parametrize(
    "text",
    [
        "Jullie zijn allemaal oplichters en zakkenvullers!",
        "Stelletje kankerambtenaren, jullie zijn allemaal hetzelfde.",
        "Hij schold me uit voor alles wat mooi en lelijk is, kutwijf, hoer, tyfuslijer.",
        "Ambtenaren worden met naam en toenaam op sociale media corrupt genoemd.",
    ],
)
def test_insults_however_coarse_are_not_severe_and_name_no_threat(
    understander: RuleUnderstander, text: str
) -> None:
    result = understander.understand(text, DESCRIBE)
    assert (result.primary_form, result.severe) == ("verbaal", False)
    assert "zelfdoding" not in result.explanation
    assert "voor de zekerheid" not in result.explanation


def test_a_grip_on_the_throat_is_severe_physical_violence(understander: RuleUnderstander) -> None:
    result = understander.understand("De klant greep me bij mijn keel over de balie.", DESCRIBE)
    assert (result.primary_form, result.abcd, result.severe) == ("fysiek", "D", True)
    assert "keel" in result.explanation


def test_a_threat_tied_to_a_permit_is_a_severe_d_threat(understander: RuleUnderstander) -> None:
    result = understander.understand(
        "Hij zei dat als zijn vergunning niet doorkwam, er iets met me zou gebeuren.", DESCRIBE
    )
    assert (result.primary_form, result.abcd, result.severe) == ("bedreiging", "D", True)


def test_a_throw_after_a_threat_is_counted_as_physical(understander: RuleUnderstander) -> None:
    result = understander.understand("hij zou me opwachten na werktijd en gooide een stoel naar me", DESCRIBE)
    assert result.primary_form == "fysiek"
    assert "niet gebeurde" not in result.explanation


def test_a_suicide_category_is_never_named_without_its_words(understander: RuleUnderstander) -> None:
    result = understander.understand("Jullie zijn allemaal hetzelfde, zei hij boos.", DESCRIBE)
    assert "dreigen_zelfdoding" not in result.forms
    assert "zelfdoding" not in result.explanation
