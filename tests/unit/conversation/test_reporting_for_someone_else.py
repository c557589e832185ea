"""Reporting for a colleague or as a witness, push/pop style: reporter and victim apart, told only with consent."""

from __future__ import annotations

import pytest

from bot.domain.model import Organisation, Report
from tests.conftest import ChatHarness
from tests.fakes import FakeUnitOfWork

ON_BEHALF = "Ik meld dit namens mijn collega Noor. Een klant schold haar uit aan de balie."
WITNESS = "Ik zag dat een klant mijn collega Noor uitschold aan de balie."


def answer_until(chat: ChatHarness, stop_at: str) -> str:
    """Answer the usual questions plainly until `stop_at` is asked (or the summary shows)."""
    answers = {"Wanneer gebeurde het?": "vanochtend", "Hoe voel je je nu?": "Gaat wel", "Wat wil je nu?": "niets",
               "Klopt dat?": "Klopt", "gewond": "Nee", "getuigen": "Nee", "Nog iets toevoegen": "Nee, verder",
               "Wil je nog iets toevoegen?": "Nee, verder"}
    for _ in range(12):
        if stop_at in chat.text or "Klopt dit?" in chat.text:
            return chat.text
        said = next((a for q, a in answers.items() if q in chat.text), None)
        assert said is not None, chat.text
        chat.say(said)
    raise AssertionError(chat.text)


def filed(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> Report:
    answer_until(chat, "Klopt dit?")
    chat.press("Versturen")
    return fake_uow.store.reports[-1]


def test_a_report_for_a_named_colleague_records_reporter_and_victim_apart(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say(ON_BEHALF)
    question = answer_until(chat, "Mag ik")
    assert chat.replies[-1].text == ("Mag ik Noor Bakker laten weten dat je dit hebt gemeld? "
                                     "Dan vraag ik Noor de komende weken ook hoe het gaat.")
    assert chat.choices == ("Ja, laat het weten", "Nee, liever niet")
    assert "Wie is het overkomen?" not in question  # named in the story and found: not asked
    chat.press("Ja, laat het weten")
    summary = answer_until(chat, "Klopt dit?")
    assert "\nWie het overkwam: Noor Bakker\nJouw rol: je meldt het voor iemand anders\n" \
           "Bericht aan Noor: ja, met nazorgvragen\n" in summary
    report = filed(chat, fake_uow)
    assert (report.reporter_id, report.reporter_role) == ("demo", "on_behalf")
    assert (report.victim_id, report.victim_name, report.victim_told) == ("noor", "Noor Bakker", True)
    assert "Ik laat Noor Bakker weten dat je dit hebt gemeld." in chat.text
    assert "De leidinggevende neemt binnen 24 uur contact op met Noor" in chat.text
    assert "contact met je op" not in chat.text  # the manager turns to Noor, not to the one who reported it


def test_the_questions_ask_about_someone_else_not_about_you(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("Ik meld dit namens mijn collega Noor. Een klant schold haar uit.")
    chat.press("Nee, verder")
    chat.say("vanochtend")
    assert chat.replies[-1].text == "Waar of hoe was er contact met de burger?"
    chat.press("Telefoon")
    assert chat.replies[-1].text.startswith("Is er iemand gewond geraakt of is er iets kapot gegaan? En waren er")


def test_a_colleague_not_named_is_asked_for_once(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say("Ik wil dit melden voor mijn collega. Een klant schold haar uit aan de balie.")
    assert chat.press("Nee, verder")[0].text == "Wie is het overkomen? Bijvoorbeeld: 'mijn collega Noor Bakker'."
    chat.say("Noor")
    assert "Mag ik Noor Bakker laten weten" in answer_until(chat, "Mag ik")
    chat.press("Nee, liever niet")
    report = filed(chat, fake_uow)
    assert (report.victim_id, report.victim_told) == ("noor", False)
    assert "Ik laat Noor" not in chat.text


def test_a_name_not_in_the_organisation_is_asked_once_then_kept_as_words(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say("Ik meld dit namens mijn collega Jan. Een klant schold hem uit aan de balie.")
    assert chat.press("Nee, verder")[0].text == (
        "Ik kan Jan niet vinden bij je organisatie. Wat is de hele naam? Is het geen collega? Typ dan wie het is.")
    assert chat.say("Jan, een stagiair van het uitzendbureau")[0].text == "Wanneer gebeurde het?"
    summary = answer_until(chat, "Klopt dit?")
    assert "Wie het overkwam: Jan, een stagiair van het uitzendbureau\n" in summary
    assert "Bericht aan" not in summary  # nobody to tell: no consent asked
    report = filed(chat, fake_uow)
    assert (report.victim_id, report.victim_name, report.victim_told) == (
        None, "Jan, een stagiair van het uitzendbureau", False)


def test_weet_ik_niet_keeps_the_name_that_was_said(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say("Ik meld dit namens mijn collega Jan. Een klant schold hem uit aan de balie.")
    chat.press("Nee, verder")
    chat.press("Weet ik niet")
    assert filed(chat, fake_uow).victim_name == "Jan"


def test_markup_as_the_victim_is_asked_again_and_not_recorded(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say("Ik wil dit melden voor mijn collega. Een klant schold haar uit aan de balie.")
    chat.press("Nee, verder")
    assert chat.say("<b></b>")[0].text == (
        "Typ de naam van wie het overkwam. Bijvoorbeeld: 'Noor Bakker' of 'een stagiair'.")
    chat.say("Noor Bakker")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["victim_id"] == "noor"


def test_without_a_clear_yes_the_colleague_is_not_told(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(ON_BEHALF)
    answer_until(chat, "Mag ik")
    assert chat.say("misschien later")[0].text == "Kies 'Ja, laat het weten' of 'Nee, liever niet'."
    chat.say("hmm")
    assert filed(chat, fake_uow).victim_told is False


def test_a_witness_is_recorded_as_witness_with_the_colleague_as_victim(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say(WITNESS)
    answer_until(chat, "Mag ik")
    chat.press("Ja, laat het weten")
    assert "Jouw rol: je zag het gebeuren\n" in answer_until(chat, "Klopt dit?")
    report = filed(chat, fake_uow)
    assert (report.reporter_role, report.victim_id) == ("witness", "noor")
    assert "Je zag het gebeuren. Ook dat kan veel met je doen." in chat.text


@pytest.mark.parametrize("story", [
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel.",
    "Ik zag dat hij een mes had en hij bedreigde me aan de balie.",
])
def test_a_story_about_yourself_asks_nothing_about_someone_else(chat: ChatHarness, fake_uow: FakeUnitOfWork,
                                                               story: str) -> None:
    chat.say("Hallo")
    chat.say(story)
    summary = answer_until(chat, "Klopt dit?")
    assert "Wie het overkwam" not in summary
    assert "Mag ik" not in summary
    assert filed(chat, fake_uow).reporter_role == "self"


def test_a_colleague_is_found_by_full_or_first_name_only_when_unique(org: Organisation) -> None:
    assert org.employee_named("noor bakker").id == "noor"  # type: ignore[union-attr]
    assert org.employee_named("Noor").id == "noor"  # type: ignore[union-attr]
    assert org.employee_named("Sam", besides="demo") is None  # never the reporter
    assert org.employee_named("Jan") is None


def test_who_it_happened_to_can_be_changed_from_the_summary_and_the_new_colleague_is_not_told_unasked(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say(ON_BEHALF)
    answer_until(chat, "Mag ik")
    chat.press("Ja, laat het weten")
    answer_until(chat, "Klopt dit?")
    chat.press("Iets aanpassen")
    assert chat.choices[:2] == ("Wat er gebeurde", "Wie het overkwam")
    chat.press("Wie het overkwam")
    assert chat.text.startswith("Wie is het overkomen?")
    summary = chat.say("Ahmed El Amrani")
    text = "\n".join(r.text for r in summary)
    assert "Wie het overkwam: Ahmed El Amrani\n" in text
    assert "Bericht aan Ahmed: nee" in text
    report = filed(chat, fake_uow)
    assert (report.victim_id, report.victim_told, report.team_id) == ("ahmed", False, "klantcontact")


def test_a_report_about_yourself_offers_no_victim_to_change(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("Vanochtend aan de balie schold een klant me uit voor idioot.")
    answer_until(chat, "Klopt dit?")
    chat.press("Iets aanpassen")
    assert "Wie het overkwam" not in chat.choices
