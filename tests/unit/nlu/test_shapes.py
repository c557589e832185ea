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


@pytest.mark.parametrize(
    "text",
    [
        "Daarbij schopte hij een van de handhavers en beet hij een andere handhaver.",
        "De gedetineerde sloeg daarop de bewaker met gebalde vuist.",
        "Daarna spuwde hij een agent in het gezicht.",
        "Een koppel werd opgepakt dat naar agenten spuwde.",
        "Hij pakte een stok en sloeg de chauffeur ermee in het aangezicht.",
        "De buschauffeur kreeg van een passagier tijdens de rit een vuistslag vol in zijn aangezicht.",
        "De man diende de agent meteen een zware trap toe.",
        "Hij werd agressief en begon ze te schoppen en te slaan.",
        "Hij hoestte de agent op korte afstand in het gezicht.",
        "Ze besloot hard in de gezichten van de agenten te hoesten.",
        "Plotseling probeerde hij haar met een schilmesje in de hals te steken.",
        "Bij het wegrijden schepte de man de parkeerwachter.",
        "Een jongeman scheen met een laserpen in het oog van een politieambtenaar.",
        "Er was over en weer wat geduw en getrek.",
        "De brandweer werd opgewacht door jongeren die hen op een regen van stenen trakteerden.",
        "Hij sloeg later met een hamer de ramen van het Welzijnshuis stuk.",
        "Hij schold de medewerkers uit en stak daarna een brandje aan.",
        "Vijf boa's raakten gewond.",
    ],
)
def test_blows_spit_coughs_fights_and_arson_are_physical_by_their_shape(
    analyzer: RuleAnalyzer, text: str
) -> None:
    assert analyzer.analyze(text).actual(*ACTS, "injury")


@pytest.mark.parametrize(
    "text",
    [
        "De straatveegster kreeg zonder enige aanleiding een vuistslag in het gezicht.",
        "De medewerker kreeg uit het niets een vuistslag in het gezicht.",
        "Na een discussie over het niet betalen van een parkeerticket reed de man de parkeerwachter aan.",
    ],
)
def test_zonder_aanleiding_and_negations_inside_a_noun_deny_no_blow(analyzer: RuleAnalyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.actual("physical")
    assert analysis.denied("physical") == []


@pytest.mark.parametrize(
    "text",
    [
        "ik dacht eerst dat ie me ging slaan want hij kwam op me af",
        "hij wilde gooien met een stoel maar legde hem weer neer",
    ],
)
def test_a_blow_only_feared_or_wanted_is_not_counted(analyzer: RuleAnalyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.actual("physical", "throw") == []
    assert [e.status for e in analysis.denied("physical", "throw")] == ["hypothetical"]


@pytest.mark.parametrize(
    "text",
    [
        "De medewerker sloeg alarm.",
        "Huisvuilophalers krijgen zoveel verwensingen naar hun hoofd geslingerd.",
        "Een bestuurder slingerde de nodige verwensingen naar de hulpverleners.",
        "Hij kreeg de klant pas op de trap te spreken.",
        "Ik ben bang om gewond te raken bij de ontruiming.",
    ],
)
def test_figures_of_speech_are_no_deeds(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual(*ACTS, "injury") == []


def test_threatening_a_mayor_is_a_death_threat_not_a_complaint(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze("Daar bedreigde hij de burgemeester met de dood.")
    assert analysis.actual("death_threat")
    assert analysis.actual("threat")
    assert analysis.actual("consequences") == []


@pytest.mark.parametrize("text", ["Ik ga de wethouder bellen.", "Hij dreigde met de rechter."])
def test_calling_in_an_official_or_a_judge_is_a_consequence(analyzer: RuleAnalyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.actual("consequences")
    assert analysis.actual("threat") == []


def test_going_to_the_mayor_is_a_consequence_and_bedreigen_met_een_klacht_no_threat(
    analyzer: RuleAnalyzer,
) -> None:
    analysis = analyzer.analyze("Hij bedreigde haar met een klacht bij de burgemeester.")
    assert analysis.actual("threat") == []
    assert analysis.actual("consequences")


@pytest.mark.parametrize(
    "text",
    [
        "Aan de telefoon: 'ik sta nu voor jullie kantoor, ik zie jouw raam'.",
        "Een raadslid werd door een boze stadsgenoot met een stuk hout achterna gezeten.",
        "Ze trapten meermalen op de rem vlak voor de ambulance.",
        "Hij schopte tegen de muur en sloeg op de deur.",
        "De vader stuurde tientallen dreigbrieven.",
        "Hij moest weggaan, anders zou de jongen hem iets aandoen.",
        "Ongeduldige automobilisten dreigen hen af met een mes.",
    ],
)
def test_stalking_chasing_road_intimidation_and_letters_are_threats_by_shape(
    analyzer: RuleAnalyzer, text: str
) -> None:
    assert analyzer.analyze(text).actual("threat", "death_threat", "intimidation", "stalking")


def test_naming_someone_in_a_spread_letter_is_doxing_not_a_sexual_remark(analyzer: RuleAnalyzer) -> None:
    analysis = analyzer.analyze(
        "In een brief die honderd keer werd verspreid, werd de wijkagent met naam en toenaam genoemd "
        "en beticht van seksueel misbruik."
    )
    assert analysis.actual("doxing")
    assert analysis.actual("sexual_remark") == []


def test_naming_the_colour_of_a_jumper_is_no_insult(analyzer: RuleAnalyzer) -> None:
    assert analyzer.analyze("Hij noemde de kleur van mijn trui.").actual("insult") == []


def test_a_blow_beside_a_threat_is_physical_the_most_serious_form(understander: RuleUnderstander) -> None:
    result = understander.understand(
        "Hij bedreigde de baliemedewerker met een mes en de medewerker raakte gewond.", DESCRIBE
    )
    assert (result.primary_form, result.abcd, result.severe) == ("fysiek", "D", True)
    result = understander.understand(
        "Hij had gedreigd dat hij haar zou aanrijden en reed de parkeerwachter daarna opzettelijk aan.", DESCRIBE
    )
    assert result.primary_form == "fysiek"


def test_no_injury_denies_harm_but_is_not_explained_as_a_blow_that_did_not_happen(
    understander: RuleUnderstander,
) -> None:
    result = understander.understand("Hij schold me uit, ik raakte niet gewond.", DESCRIBE)
    assert (result.primary_form, result.severe) == ("verbaal", False)
    assert "niet gebeurde" not in result.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Bij de balie schold een vrouw me uit en gooide een folderstandaard om.",
        "Hij trapte de prullenbak om en liep weg.",
        "Ze gooide de tafel omver.",
        "De klant duwde het rek met folders om, toen ik nee zei.",
    ],
)
def test_knocking_things_over_told_with_the_particle_last_is_vandalism(analyzer: RuleAnalyzer, text: str) -> None:
    assert analyzer.analyze(text).actual("vandalism")


@pytest.mark.parametrize(
    "text",
    [
        "Na het gesprek gooide hij het roer om en werkte mee.",
        "Hij smeet zijn jas om en ging weg.",
        "Toen gooide ze de knop om en bleef ze rustig.",
    ],
)
def test_turning_things_around_in_words_is_no_vandalism(analyzer: RuleAnalyzer, text: str) -> None:
    assert not analyzer.analyze(text).actual("vandalism")
