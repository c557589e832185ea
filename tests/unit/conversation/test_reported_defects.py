"""Regressions from the product owner's issue, push/pop style; some with the rule-based understanding."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from actions.aangifte import draft_text
from actions.filing import ReportFiler
from bot.channels.terminal import run_terminal_chat
from bot.conversation.messages import Reply
from bot.conversation.reading import named_witnesses
from bot.conversation.texts import Texts
from bot.domain.model import Organisation, Report
from bot.service import ChatService
from nlu.result import UnderstandContext, Understanding
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeClock, FakeUnderstander, FakeUnitOfWork

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
SPARSE = "een meneer schold me helemaal verrot"


@pytest.fixture(scope="module")
def rules() -> object:
    import nlu

    return nlu.RuleUnderstander()


@pytest.fixture
def real(rules: object, org: Organisation, texts: Texts, clock: FakeClock, fake_uow: FakeUnitOfWork) -> ChatHarness:
    """A chat with the rule-based understanding (which reads 'Ja, stoppen' as a stop intent)."""
    service = ChatService(uow_factory=fake_uow, understander=rules, texts=texts, org=org,  # type: ignore[arg-type]
                          clock=clock, tz=TZ, on_filed=ReportFiler(org))
    return ChatHarness(service.handle)


def to_summary(chat: ChatHarness) -> str:
    """Answer what is still asked (the first button, else 'weet ik niet') until the summary shows."""
    for _ in range(10):
        if "Klopt dit?" in chat.text:
            break
        chat.say("weet ik niet") if not chat.choices else chat.press(chat.choices[0])
    assert "Klopt dit?" in chat.text
    return chat.text


def count_questions(replies: list[Reply]) -> int:
    return sum(1 for r in replies if r.text.rstrip().endswith("?") or r.choices or "Vertel in je eigen" in r.text)


# 1 -------------------------------------------------------------------------------------------------------


def test_the_button_ja_stoppen_stops_the_report(real: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    real.say("Hallo")
    real.say(SPARSE)
    real.say("stop")
    prompt = real.replies[-1].prompt_id
    assert real.say("Ja, stoppen", in_reply_to=prompt)[0].text.startswith("Gestopt.")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.step == "idle"


def test_typing_ja_stoppen_stops_the_report(real: ChatHarness) -> None:
    real.say("Hallo")
    real.say(SPARSE)
    real.say("stop")
    assert real.say("Ja, stoppen")[0].text.startswith("Gestopt.")


def test_stoppen_from_the_summary_asks_once_and_then_stops(real: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    real.say("Hallo")
    real.say(RICH)
    real.say("Nee, verder")
    real.say("Gaat wel")
    real.say("niets")
    real.say("Klopt")
    assert real.replies[-1].text == "Klopt dit?"
    assert real.say("Stoppen", in_reply_to=real.replies[-1].prompt_id)[0].text.startswith("Weet je zeker")
    assert real.say("Ja, stoppen", in_reply_to=real.replies[-1].prompt_id)[0].text.startswith("Gestopt.")
    assert fake_uow.store.reports == []


def test_stop_typed_again_at_the_stop_question_stops(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.say("stop")
    assert chat.say("stop")[0].text.startswith("Gestopt.")


# 2 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["vorige week", "vorige maand", "vorige vrijdag"])
def test_vorige_as_a_time_is_an_answer_not_the_command_terug(real: ChatHarness, fake_uow: FakeUnitOfWork,
                                                            answer: str) -> None:
    real.say("Hallo")
    real.say(SPARSE)
    assert real.say("Nee, verder")[0].text == "Wanneer gebeurde het?"
    assert real.say(answer)[0].text == "Waar of hoe had je contact met de burger?"
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["occurred_text"] == answer


def test_terug_as_a_whole_message_still_goes_back(real: ChatHarness) -> None:
    real.say("Hallo")
    real.say(SPARSE)
    real.say("Nee, verder")
    real.say("vanochtend")
    assert real.say("terug")[0].text == "Wanneer gebeurde het?"


# 5 and 9 -------------------------------------------------------------------------------------------------


def test_the_transcript_is_kept_for_a_reopened_chat_and_names_pressed_buttons(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.press("Nee, verder")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    said = [(e["who"], e["text"]) for e in state.transcript]
    # The greeting the chat showed before the first message stays on top, once.
    assert said[0][0] == "bot"
    assert said[0][1].startswith("Hoi Sam")
    assert said[2] == ("me", "Hallo")
    assert sum(text.startswith("Hoi Sam") for _, text in said) == 1
    assert ("me", SPARSE) in said
    assert ("me", "Nee, verder") in said  # the button pressed, not its number
    assert said[-1] == ("bot", "Wanneer gebeurde het?")


def test_after_stop_nothing_of_the_report_stays_in_the_transcript(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.say("stop")
    chat.press("Ja, stoppen")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert [e["who"] for e in state.transcript] == ["bot"]
    assert SPARSE not in str(state.transcript)


def test_a_new_report_after_stop_does_not_greet_after_the_story(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.say("stop")
    chat.press("Ja, stoppen")
    replies = chat.say(RICH)
    assert not any(r.text.startswith("Hoi Sam") for r in replies)
    assert replies[0].text.startswith("Dank je. Wil je nog iets toevoegen?")


def test_a_new_report_after_my_reports_does_not_greet_after_the_story(chat: ChatHarness) -> None:
    chat.say("mijn meldingen")
    replies = chat.say(RICH)
    assert not any(r.text.startswith("Hoi Sam") for r in replies)


def to_harm_question(chat: ChatHarness, story: str = SPARSE) -> None:
    """A story without time, place, harm or witnesses; time and place answered: harm and witnesses are asked
    (or harm alone when the story names witnesses)."""
    chat.say("Hallo")
    chat.say(story)
    chat.press("Nee, verder")
    chat.say("vanochtend")
    chat.press("Telefoon")


# 6 -------------------------------------------------------------------------------------------------------


def test_a_script_tag_as_injury_is_asked_again_and_not_recorded(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    to_harm_question(chat)
    chat.say("geen getuigen")  # harm is left open: the injury question comes on its own
    assert "Bijvoorbeeld" in chat.say("<script>alert(1)</script>")[0].text
    chat.say("<b></b>")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert (state.draft["injury"], state.draft["damage"]) == (None, None)
    assert "<script>" not in str(state.draft)


def test_klopt_as_injury_is_asked_again_then_kept_marked_unclear(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    to_harm_question(chat)
    chat.say("geen getuigen")  # harm is left open: the injury question comes on its own
    assert chat.say("Klopt")[0].text == "Kies een optie, of beschrijf het kort. Bijvoorbeeld: 'nee, niets'."
    assert chat.say("Klopt")[0].text == "Ik noteer het zo."
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["injury"] is None  # a bare 'yes' is no injury on record
    assert state.draft["unclear"] == {"injury": "Klopt"}


def test_goed_as_the_place_is_asked_again_then_marked_unclear_in_the_summary(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.press("Nee, verder")
    chat.say("vanochtend")
    assert "Bijvoorbeeld" in chat.say("Goed")[0].text
    chat.say("Goed")
    for _ in range(6):
        if "Klopt dit?" in chat.text:
            break
        chat.say("weet ik niet") if not chat.choices else chat.press(chat.choices[0])
    assert "Waar: Goed (niet duidelijk)" in chat.text


# 7 -------------------------------------------------------------------------------------------------------


def test_an_address_in_the_story_reaches_waar(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say("Vanochtend aan de balie van het stadskantoor Breda dreigde een man me te slaan. Geen letsel. "
             "Geen getuigen.")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["place"] == "stadskantoor Breda"
    assert state.draft["location_type"] == "balie"


def test_an_address_as_the_answer_to_waar_is_kept(real: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    real.say("Hallo")
    real.say(SPARSE)
    real.say("Nee, verder")
    real.say("vanochtend")
    real.say("Hoefstraat 12, Tilburg")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["location_text"] == "Hoefstraat 12, Tilburg"


def test_after_yes_there_were_witnesses_the_bot_asks_who(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    to_harm_question(chat)
    assert chat.say("niet gewond")[0].text == "Waren er getuigen? Bijvoorbeeld een collega."
    assert chat.press("Ja")[0].text.startswith("Wie waren de getuigen?")
    assert chat.say("mijn collega Sanne")[0].text == "Hoe voel je je nu?"
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["witnesses"] == "mijn collega Sanne"


# 8 -------------------------------------------------------------------------------------------------------

TUESDAY_AFTERNOON = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 16:00 in Amsterdam
AT_TWO = "Vanmiddag om 14:00 schold een man me uit aan de balie. Geen letsel, geen getuigen."


def chat_at(now: datetime, rules: object, org: Organisation, texts: Texts, fake_uow: FakeUnitOfWork) -> ChatHarness:
    """A chat with the rule-based understanding at a fixed moment."""
    service = ChatService(uow_factory=fake_uow, understander=rules, texts=texts, org=org,  # type: ignore[arg-type]
                          clock=FakeClock(now), tz=TZ, on_filed=ReportFiler(org))
    return ChatHarness(service.handle)


@pytest.fixture
def tuesday(rules: object, org: Organisation, texts: Texts, fake_uow: FakeUnitOfWork) -> ChatHarness:
    """A chat with the rule-based understanding on Tuesday 24 November 2026, 16:00."""
    return chat_at(TUESDAY_AFTERNOON, rules, org, texts, fake_uow)


def filed(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> Report:
    to_summary(chat)
    chat.press("Versturen")
    return fake_uow.store.reports[-1]


def test_om_14_00_is_14_00_in_the_summary(tuesday: ChatHarness) -> None:
    tuesday.say("Hallo")
    tuesday.say(AT_TWO)
    assert "Wanneer: dinsdag 24 november 2026, 14:00\n" in to_summary(tuesday)


def test_the_report_keeps_the_interval_and_the_moment_the_reporter_named(
    tuesday: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    tuesday.say("Hallo")
    tuesday.say(AT_TWO)
    report = filed(tuesday, fake_uow)
    assert report.occurred_at == datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
    assert (report.occurred_start, report.occurred_end) == (
        datetime(2026, 11, 24, 13, 45, tzinfo=TZ), datetime(2026, 11, 24, 14, 15, tzinfo=TZ))


def test_the_aangifte_draft_says_14_00_and_no_relative_words(
    tuesday: ChatHarness, fake_uow: FakeUnitOfWork, org: Organisation, texts: Texts
) -> None:
    tuesday.say("Hallo")
    tuesday.say(AT_TWO)
    draft = draft_text(filed(tuesday, fake_uow), org.employee("demo"), org, texts, TZ)  # type: ignore[arg-type]
    assert "Wanneer: dinsdag 24 november 2026, 14:00\n" in draft
    assert "Wat: Op dinsdag 24 november 2026 om 14:00 schold een man me uit aan de balie." in draft
    assert "13:45" not in draft
    assert "vanmiddag" not in draft.lower()


@pytest.mark.parametrize(("answer", "when"), [
    ("om 14:00", "dinsdag 24 november 2026, 14:00"),
    ("gisteren", "maandag 23 november 2026"),
    ("Vanmiddag", "dinsdag 24 november 2026, tussen 12:00 en 18:00"),
    ("gisteravond", "maandag 23 november 2026, tussen 18:00 en 24:00"),
    ("gisteren rond 4 uur", "maandag 23 november 2026, rond 16:00"),
    ("vorige week", "van maandag 16 november tot en met zondag 22 november 2026"),
])
def test_an_answer_to_wanneer_shows_as_an_absolute_date_in_the_summary(tuesday: ChatHarness, answer: str,
                                                                        when: str) -> None:
    tuesday.say("Hallo")
    tuesday.say(SPARSE)
    assert tuesday.say("Nee, verder")[0].text == "Wanneer gebeurde het?"
    tuesday.say(answer)
    assert f"Wanneer: {when}\n" in to_summary(tuesday)


def test_gisteren_as_the_answer_leaves_no_relative_word_in_the_aangifte_draft(
    tuesday: ChatHarness, fake_uow: FakeUnitOfWork, org: Organisation, texts: Texts
) -> None:
    tuesday.say("Hallo")
    tuesday.say(SPARSE)
    tuesday.say("Nee, verder")
    tuesday.say("gisteren")
    report = filed(tuesday, fake_uow)
    assert report.occurred_at is None  # a whole day: no moment was named
    draft = draft_text(report, org.employee("demo"), org, texts, TZ)  # type: ignore[arg-type]
    assert "Wanneer: maandag 23 november 2026\n" in draft
    assert "gisteren" not in draft.lower()


# 10 ------------------------------------------------------------------------------------------------------


def test_a_report_started_on_the_web_goes_on_in_the_terminal(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    assert chat.press("Nee, verder")[0].text == "Wanneer gebeurde het?"
    terminal = ChatHarness(chat.handle, user="demo", channel="terminal")
    assert [r.text for r in terminal.say("vanochtend")] == [
        "Je was in de browser bezig met een melding. We gaan hier verder waar je was.",
        "Waar of hoe had je contact met de burger?",
    ]
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["occurred_text"] == "vanochtend"
    assert ("terminal", "demo") not in fake_uow.store.conversations  # one conversation, one version


def test_a_report_started_in_the_terminal_goes_on_on_the_web_and_is_filed_once(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    terminal = ChatHarness(chat.handle, user="demo", channel="terminal")
    terminal.say("Hallo")
    terminal.say(RICH)
    replies = chat.say("Nee, verder")
    assert replies[0].text == "Je was in de terminal bezig met een melding. We gaan hier verder waar je was."
    assert replies[1].text == "Hoe voel je je nu?"
    assert chat.say("Gaat wel")[0].text.startswith("Wat wil je nu?")  # said once, not at every answer
    chat.say("niets")
    chat.say("Klopt")
    chat.press("Versturen")
    assert terminal.say("Hallo")[0].text.startswith("Hoi Sam")  # nothing left in progress in the terminal
    assert len(fake_uow.store.reports) == 1


def test_the_terminal_opening_says_where_the_report_was_and_the_first_answer_does_not_repeat_it(
    chat: ChatHarness, service: ChatService
) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.press("Nee, verder")
    assert [r.text for r in service.open_chat("terminal", "demo")] == [
        "Je was in de browser bezig met een melding. We gaan hier verder waar je was.",
        "Wanneer gebeurde het?",
    ]
    terminal = ChatHarness(chat.handle, user="demo", channel="terminal")
    assert [r.text for r in terminal.say("vanochtend")] == ["Waar of hoe had je contact met de burger?"]


def test_opening_a_chat_with_nothing_in_progress_greets_and_stores_nothing(
    service: ChatService, fake_uow: FakeUnitOfWork
) -> None:
    assert service.open_chat("terminal", "demo")[0].text.startswith("Hoi Sam")
    assert service.open_chat("terminal", "onbekend") == ()
    assert fake_uow.store.conversations == {}


def test_a_redelivered_terminal_message_is_still_processed_once(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.press("Nee, verder")
    terminal = ChatHarness(chat.handle, user="demo", channel="terminal")
    first = terminal.say("vanochtend", delivery_id="t-1")
    again = terminal.say("vanochtend", delivery_id="t-1")
    assert again == first
    state, version = fake_uow.store.conversations[("web", "demo")]
    assert (state.step, version) == ("where", 4)


def test_a_linked_telegram_user_keeps_an_own_conversation(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    fake_uow.store.identities[("telegram", "555")] = "demo"
    chat.say("Hallo")
    chat.say(SPARSE)
    telegram = ChatHarness(chat.handle, user="555", channel="telegram")
    assert telegram.say("Hallo")[0].text.startswith("Hoi Sam")
    assert fake_uow.store.conversations[("telegram", "555")][0].step == "describe"
    assert fake_uow.store.conversations[("web", "demo")][0].step == "describe_more"


# 11 and the unsure question ------------------------------------------------------------------------------


def test_a_story_of_only_a_time_asks_what_happened(real: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    real.say("Hallo")
    assert real.say("gisteren rond 4 uur")[0].text.startswith("Wat deed of zei de burger?")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.step == "describe"
    assert fake_uow.store.reports == []


class UnsureUnderstander(FakeUnderstander):
    """The fake understanding, but unsure about the form of behaviour."""

    def understand(self, text: str, context: UnderstandContext) -> Understanding:
        from dataclasses import replace

        u = super().understand(text, context)
        return replace(u, confidence=0.4) if u.primary_form else u


def test_when_the_understanding_is_unsure_one_plain_question_is_asked(
    org: Organisation, texts: Texts, clock: FakeClock, fake_uow: FakeUnitOfWork
) -> None:
    service = ChatService(uow_factory=fake_uow, understander=UnsureUnderstander(), texts=texts, org=org,
                          clock=clock, tz=TZ, on_filed=ReportFiler(org))
    chat = ChatHarness(service.handle)
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    replies = chat.say("niets")
    assert replies[0].text == "Wat gebeurde er vooral?"
    assert replies[0].choices == ("Uitgescholden of beledigd", "Bedreigd", "Fysiek (geduwd, geslagen, iets gegooid)")
    assert chat.press("Uitgescholden of beledigd")[-1].text == "Klopt dit?"
    chat.press("Versturen")
    report = fake_uow.store.reports[0]
    assert (report.primary_form, report.severe) == ("verbaal", False)


# pre-report questions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "start"), [
    ("Hoort dit er niet gewoon bij?", "Nee. Agressie hoort niet bij je werk"),
    ("Heeft melden zin?", "Ja. Je leidinggevende neemt contact met je op"),
    ("Wie ziet mijn melding?", "Je leidinggevende en de veiligheidscoördinator zien je melding."),
    ("Kan ik anoniem melden?", "Nee, anoniem melden kan niet."),
    ("Moet ik aangifte doen?", "Dat hoeft niet"),
])
def test_questions_before_reporting_get_a_short_answer(chat: ChatHarness, question: str, start: str) -> None:
    replies = chat.say(question)
    assert replies[0].text.startswith(start)
    assert replies[-1].text == "Wil je iets melden? Vertel in je eigen woorden wat er is gebeurd."


def test_a_question_mid_report_is_answered_and_the_report_goes_on(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(SPARSE)
    chat.press("Nee, verder")
    replies = chat.say("Wie ziet mijn melding?")
    assert [r.text for r in replies[1:]] == ["We gaan verder met je melding.", "Wanneer gebeurde het?"]


# 12 ------------------------------------------------------------------------------------------------------


def test_the_summary_says_no_injury_and_no_damage_in_plain_dutch(chat: ChatHarness) -> None:
    to_harm_question(chat)
    chat.press("Nee, niemand gewond en geen getuigen")
    chat.press("Gaat wel")
    chat.say("niets")
    chat.press("Klopt")
    assert "Letsel of schade: geen letsel en geen schade\n" in chat.text


def test_the_filed_message_does_not_offer_the_aangifte_help_already_asked_for(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    chat.say("2")
    chat.press("Klopt")
    text = chat.press("Versturen")[0].text
    assert "Wil je aangifte doen?" not in text
    assert "Typ 'aangifte MLD-2026-00001' voor een concept van je aangifte." in text
    assert "naar de burger" not in text


def test_two_brackets_in_a_row_become_one_in_the_explanation(chat: ChatHarness) -> None:
    from bot.conversation.answers import tidy_explanation

    assert tidy_explanation("je werd gevolgd (stalking) ('volgde me').") == "je werd gevolgd (stalking, 'volgde me')."


# 3 -------------------------------------------------------------------------------------------------------


def test_on_the_web_several_choices_are_toggles_with_a_done_button(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    replies = chat.press("Gaat wel")
    assert replies[0].text.startswith("Wat wil je nu? Tik aan wat je wilt")
    assert replies[0].choices[-1] == "Klaar"
    # The page sends the chosen labels when 'Klaar' is tapped.
    chat.say("Contact met mijn leidinggevende, Iemand om mee te praten", in_reply_to=replies[0].prompt_id)
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["wants"] == ["manager_contact", "aftercare"]


def test_klaar_with_nothing_chosen_means_nothing_extra(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    chat.press("Klaar")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["wants"] == []


def test_text_channels_keep_numbered_several_choices(chat: ChatHarness) -> None:
    tg = ChatHarness(chat.handle, user="demo", channel="terminal")
    tg.say("Hallo")
    tg.say(RICH)
    tg.say("Nee, verder")
    replies = tg.say("Gaat wel")
    assert replies[0].text == "Wat wil je nu? Je kunt meer kiezen, bijvoorbeeld '1 en 3'."
    assert "Klaar" not in replies[0].choices


def test_no_reask_text_asks_for_a_number(texts: Texts) -> None:
    for key in ("reask_edit_field", "reask_abcd"):
        assert "'1'" not in texts(key)
        assert "'2'" not in texts(key)


# question count ------------------------------------------------------------------------------------------


def test_a_rich_story_with_the_rule_understanding_needs_at_most_six_questions(real: ChatHarness,
                                                                             fake_uow: FakeUnitOfWork) -> None:
    questions = count_questions(real.say("Hallo"))
    questions += count_questions(real.say(RICH))
    for _ in range(10):
        if "Klopt dit?" in real.text:
            break
        if real.choices:
            answer = {"Nee, verder": "Nee, verder", "Goed": "Gaat wel", "Klopt": "Klopt"}.get(real.choices[0])
            replies = real.press(answer) if answer else real.say("1")
        else:
            replies = real.say("weet ik niet")
        questions += count_questions(replies)
    assert "Klopt dit?" in real.text
    assert questions <= 6


def test_one_answer_to_the_question_on_harm_and_witnesses_can_tell_both(
    real: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    to_harm_question(real)
    assert real.say("Niet gewond, mijn collega Sanne zag het")[0].text == "Hoe voel je je nu?"
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["injury"] == "nee"
    assert "Sanne" in state.draft["witnesses"]


def test_witnesses_told_in_the_answer_about_injury_are_not_asked_for_again(
    real: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    to_harm_question(real)
    real.say("het ging allemaal heel snel")  # not about harm or witnesses: each is asked on its own
    assert real.text.startswith("Ben je gewond geraakt, of is er iets kapot gegaan?")
    assert real.say("niet gewond, collega Ahmed stond ernaast")[0].text == "Hoe voel je je nu?"
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["injury"] == "nee"
    assert state.draft["witnesses"] == "collega Ahmed"  # who, without the verb that made them a witness


def test_a_witness_answer_given_before_stays_when_the_injury_is_told_again(
    real: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    to_harm_question(real, f"{SPARSE}, mijn collega Sanne zag het")
    assert real.text.startswith("Ben je gewond geraakt")
    real.say("niet gewond, collega Ahmed stond ernaast")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert "Sanne" in state.draft["witnesses"]


# 13 ------------------------------------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def quiet_stdout(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    prompts = io.StringIO()
    monkeypatch.setattr("sys.stdout", prompts)
    return prompts


def test_the_terminal_greets_before_anyone_types_and_ends_cleanly_on_ctrl_d(
    service: ChatService, quiet_stdout: io.StringIO
) -> None:
    shown: list[str] = []
    sent = run_terminal_chat(service.handle, "demo", stdin=Tty(""), write=shown.append)
    assert sent == 0
    assert shown[1].startswith("meldbot> Hoi Sam, ik ben meldbot.")
    assert shown[-1] == ""  # Ctrl-D: the shell starts on a new line


@pytest.mark.parametrize(("said", "stored"), [
    ("collega Ahmed stond", "collega Ahmed"),
    ("collega Sanne zag", "collega Sanne"),
    ("Piet en Klaas zagen het", "Piet en Klaas zagen het"),
    ("er waren getuigen", "ja"),
    ("Sanne was", "Sanne"),
])
def test_who_saw_it_is_stored_without_the_verb_that_made_them_a_witness(said: str, stored: str) -> None:
    assert named_witnesses(said) == stored


def test_harm_told_in_the_answer_about_witnesses_is_taken_where_it_was_unknown(
    real: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    # The story tells damage (so harm is not asked) but not whether the reporter was hurt.
    to_harm_question(real, "een vrouw schold me uit voor rotwijf en gooide een folderstandaard om")
    assert real.text.startswith("Waren er getuigen?")
    real.say("niet gewond, collega Ahmed stond ernaast")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["injury"] == "nee"
    assert state.draft["damage"] not in (None, "nee")  # what the story told stays
    assert state.draft["witnesses"] == "collega Ahmed"


# Found while measuring: the bot's own examples must be understood, at any hour -----------------------------

EARLY_MORNING = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 03:00 in Amsterdam


@pytest.fixture
def early(rules: object, org: Organisation, texts: Texts, fake_uow: FakeUnitOfWork) -> ChatHarness:
    """A chat with the rule-based understanding on Monday 30 November 2026, 03:00."""
    return chat_at(EARLY_MORNING, rules, org, texts, fake_uow)


def test_a_time_still_to_come_is_called_that_not_misunderstood(early: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    early.say("Hallo")
    early.say(SPARSE)
    assert early.say("Nee, verder")[0].text == "Wanneer gebeurde het?"
    reply = early.say("vanochtend rond 10 uur")[0].text
    assert reply.startswith("Die tijd is nog niet geweest.")
    assert "Ik begrijp" not in reply
    early.say("gisteren rond 10 uur")  # the example it gives is understood
    assert "Wanneer: zondag 29 november 2026, rond 10:00\n" in to_summary(early)


def test_a_time_to_come_said_twice_is_kept_as_typed_and_marked(early: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    early.say("Hallo")
    early.say(SPARSE)
    early.say("Nee, verder")
    early.say("vanmiddag")
    assert early.say("vanmiddag")[0].text == "Ik noteer het zo."
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["occurred_text"] == "vanmiddag"
    assert state.draft["occurred_start"] is None


@pytest.mark.parametrize(("answer", "kept"), [
    ("mijn collega Sanne", "mijn collega Sanne"),  # the example the bot gives when it asks again
    ("de beveiliger", "de beveiliger"),
    ("Ahmed en Els", "Ahmed en Els"),
])
def test_naming_the_witnesses_answers_waren_er_getuigen(real: ChatHarness, fake_uow: FakeUnitOfWork, answer: str,
                                                         kept: str) -> None:
    to_harm_question(real)
    real.say("niet gewond")
    assert real.text.startswith("Waren er getuigen?")
    assert real.say(answer)[0].text == "Hoe voel je je nu?"
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["witnesses"] == kept


@pytest.mark.parametrize("answer", ["niemand", "Nee"])
def test_nobody_as_the_witnesses_is_no_witnesses(real: ChatHarness, fake_uow: FakeUnitOfWork, answer: str) -> None:
    to_harm_question(real)
    real.say("niet gewond")
    real.say(answer)
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft.get("witnesses") in ("nee", None)
