"""Rule analysis: negation and hypotheticals, and the entities taken from a description."""

from __future__ import annotations

import pytest

from nlu.rules import RuleAnalyzer

ACTS = ("physical", "throw", "block", "vandalism", "sexual_touch")


@pytest.mark.parametrize(
    "text",
    [
        "Hij sloeg niet, maar schreeuwde wel.",
        "hij heeft me niet geslagen maar kwam vlak voor me staan",
        "Hij dreigde bijna te slaan.",
        "ik was bang dat hij me zou slaan",
        "Hij sloeg me bijna, mijn collega hield hem tegen.",
        "Er vielen geen klappen.",
        "Hij had me kunnen slaan, zo boos was hij.",
        "De man riep 'ik sla je verrot' en liep weg.",
    ],
)
def test_a_negated_or_hypothetical_blow_is_no_physical_evidence(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual(*ACTS) == []


@pytest.mark.parametrize(
    "text",
    [
        "Hij gaf me een klap in mijn gezicht.",
        "Ik werd door de klant geschopt.",
        "De man gooide een stoel naar me.",
        "Hij hield me vast aan mijn arm en liet me niet gaan.",
        "Hij sloeg niet mij, maar wel de monitor van de balie kapot.",
    ],
)
def test_a_real_physical_act_is_physical_evidence(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual(*ACTS)


def test_a_spoken_blow_counts_as_a_threat(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("De man riep 'ik sla je verrot' en liep weg.")
    assert analysis.actual("threat")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Het gebeurde aan de telefoon.", "telefoon"),
        ("Hij stond aan het loket te schreeuwen.", "balie"),
        ("Bij de balie werd ik uitgescholden.", "balie"),
        ("Tijdens het huisbezoek werd het grimmig.", "veldbezoek"),
        ("Bij de inspectie van het pand ging het mis.", "veldbezoek"),
        ("Ik kreeg het via de mail.", "online"),
        ("Hij zette het op facebook.", "online"),
        ("Het gebeurde op straat.", "openbare_ruimte"),
    ],
)
def test_the_location_type_is_recognised(analyzer: RuleAnalyzer, text: str, expected: str) -> None:
    assert analyzer.analyze(text).entities.location_type == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Geen letsel, gelukkig.", False), ("Ik ben niet gewond.", False), ("Ik heb een blauwe plek.", True)],
)
def test_injury_is_read_with_its_negation(analyzer: RuleAnalyzer, text: str, expected: bool) -> None:
    assert analyzer.analyze(text).entities.injury is expected


def test_damage_is_found_and_emotional_kapot_is_not(analyzer: RuleAnalyzer) -> None:
    assert analyzer.analyze("Hij trapte de deur kapot.").entities.damage is True
    assert analyzer.analyze("Ik ben er helemaal kapot van.").entities.damage is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mijn collega zag het.", True),
        ("Er waren geen getuigen.", False),
        ("Niemand heeft het gezien.", False),
        ("Ik was alleen op kantoor.", False),
    ],
)
def test_witnesses_are_read_with_their_negation(analyzer: RuleAnalyzer, text: str, expected: bool) -> None:
    assert analyzer.analyze(text).entities.witnesses is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hij zei „ik weet waar je woont” en ging.", "ik weet waar je woont"),
        ("Hij zei 'je hoort nog van mij' en ging.", "je hoort nog van mij"),
        ('Hij riep "stelletje dieven" door de hal.', "stelletje dieven"),
        ("Ze schreef ‘ik vind je wel’ in de chat.", "ik vind je wel"),
        (
            "Hij schreeuwde: jullie zijn allemaal oplichters. Daarna ging hij.",
            "jullie zijn allemaal oplichters",
        ),
    ],
)
def test_quoted_words_are_taken_in_any_quote_style(analyzer: RuleAnalyzer, text: str, expected: str) -> None:
    assert analyzer.analyze(text).entities.quotes == (expected,)


def test_apostrophes_in_words_are_no_quotes(analyzer: RuleAnalyzer) -> None:
    assert (
        analyzer.analyze("Hij kwam 's avonds met z'n broer, m'n collega's zagen het.").entities.quotes == ()
    )


def test_perpetrator_mentions_are_collected_in_order(analyzer: RuleAnalyzer) -> None:
    entities = analyzer.analyze("De klant en een man kwamen binnen; meneer begon te schelden.").entities
    assert entities.perpetrator == ("De klant", "een man", "meneer")


def test_a_weapon_is_found_unless_denied(analyzer: RuleAnalyzer) -> None:
    assert analyzer.analyze("Hij trok een mes.").entities.weapon == "mes"
    assert analyzer.analyze("Hij had geen wapen bij zich.").entities.weapon is None


def test_suicide_threat_and_doxing_are_flagged(analyzer: RuleAnalyzer) -> None:
    suicide = analyzer.analyze("Ze zei dat ze zelfmoord pleegt als ik haar niet help.").entities
    doxing = analyzer.analyze("Hij heeft mijn adres op facebook gezet.").entities
    assert (suicide.suicide_threat, suicide.doxing) == (True, False)
    assert (doxing.suicide_threat, doxing.doxing) == (False, True)


@pytest.mark.parametrize(
    ("text", "cue", "status"),
    [
        ("Die komt niet veilig thuis vanavond.", "threat", "actual"),
        ("Ik kan niet instaan voor mijn vrienden als die bouwstop blijft.", "threat", "actual"),
        ("Ze zei dat ze niet meer verder wil.", "suicide", "actual"),
        ("Medewerkers krijgen intimiderende berichten.", "intimidation", "actual"),
        ("Tegenwoordig word je weggescholden.", "insult", "actual"),
        ("Collega's dachten dat hij ging slaan, maar hij schreeuwde alleen.", "physical", "hypothetical"),
    ],
)
def test_cues_that_carry_their_own_negation_or_inflection(text: str, cue: str, status: str) -> None:
    analysis = RuleAnalyzer().analyze(text)
    assert any(e.cue == cue and e.status == status for e in analysis.evidence), analysis.evidence


@pytest.mark.parametrize(
    "text",
    [
        "omdat de ambulance de weg versperde",
        "ik heb mn gezin kapot gemaakt",
        "regel mijn kwijtschelding",
    ],
)
def test_figurative_or_unrelated_words_are_no_cue(text: str) -> None:
    cues = {e.cue for e in RuleAnalyzer().analyze(text).evidence}
    assert not cues & {"block", "vandalism", "insult"}


def test_a_very_long_word_costs_no_time_in_the_typo_corrector() -> None:
    from nlu.fuzzy import Corrector

    corrector = Corrector(["bedreigen", "uitschelden"])
    assert corrector.correct("xy" * 2000) is None
    assert corrector.correct("bedriegen") == "bedreigen"
