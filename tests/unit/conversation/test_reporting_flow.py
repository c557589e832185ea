"""The reporting conversation, push/pop style, on fakes."""

from __future__ import annotations

from bot.service import ChatService
from tests.conftest import ChatHarness
from tests.fakes import FakeClock, FakeUnitOfWork

RICH = (
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont. "
    "Mijn collega zag het. Geen letsel."
)


def file_rich_report(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    chat.say("1 en 3")
    chat.press("Klopt")
    chat.press("Versturen")


def test_opening_says_who_sees_the_report_and_that_stop_works(chat: ChatHarness, service: ChatService) -> None:
    greeting = service.open_chat("web", "demo")  # what the chat shows before anyone types
    assert "leidinggevende" in greeting[0].text
    assert "'stop'" in greeting[0].text
    # The greeting is on the screen: "Hallo" is answered by the question alone, not by the greeting again.
    assert [r.text for r in chat.say("Hallo")] == ["Vertel in je eigen woorden wat er is gebeurd."]


def test_where_nothing_greets_first_the_first_message_gets_the_greeting(
    service: ChatService, fake_uow: FakeUnitOfWork
) -> None:
    fake_uow.store.identities[("telegram", "555")] = "demo"  # a linked Telegram account
    telegram = ChatHarness(service.handle, user="555", channel="telegram")
    assert telegram.say("Hallo")[0].text.startswith("Hoi Sam, ik ben meldbot.")


def test_rich_severe_report_is_filed_with_at_most_six_bot_questions(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    questions = 0
    for step in (lambda: chat.say("Hallo"), lambda: chat.say(RICH), lambda: chat.press("Nee, verder"),
                 lambda: chat.press("Gaat wel"), lambda: chat.say("1 en 3"), lambda: chat.press("Klopt")):
        replies = step()
        questions += sum(1 for r in replies if r.text.endswith("?") or r.choices or "Vertel in je eigen" in r.text)
    chat.press("Versturen")
    assert questions <= 6
    assert "MLD-2026-00001" in chat.text
    report = fake_uow.store.reports[0]
    assert report.reference == "MLD-2026-00001"
    assert report.primary_form == "bedreiging"
    assert report.severe is True
    assert report.location_type == "balie"
    assert report.injury == "nee"
    assert report.wants == ("manager_contact", "aftercare")
    assert report.occurred_text == "gisteravond"


def test_conversation_state_counts_six_questions_for_a_rich_report(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    chat.say("1 en 3")
    chat.press("Klopt")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.step == "confirm"
    assert state.questions <= 6


def test_only_missing_questions_are_asked(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    replies = chat.press("Nee, verder")
    assert replies[0].text == "Hoe voel je je nu?"


def test_sparse_description_asks_when_where_injury_and_witnesses(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    assert chat.press("Nee, verder")[0].text == "Wanneer gebeurde het?"
    assert chat.say("vanochtend")[0].text == "Waar of hoe had je contact met de burger?"
    # Neither harm nor witnesses in the story: one question for both, then what the answer left open.
    assert chat.press("Telefoon")[0].text == ("Ben je gewond geraakt of is er iets kapot gegaan? En waren er "
                                             "getuigen? Bijvoorbeeld: 'niet gewond, mijn collega Sanne zag het'.")
    assert chat.choices == ("Nee, niemand gewond en geen getuigen", "Weet ik niet")
    assert chat.say("niet gewond")[0].text == "Waren er getuigen? Bijvoorbeeld een collega."
    assert chat.say("weet ik niet")[0].text == "Prima, dat slaan we over."


def test_description_in_several_bursts_is_joined(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say("klant aan de balie werd boos")
    assert chat.say("hij schold me uit voor idioot")[0].text.startswith("Dank je, dat heb ik toegevoegd.")
    chat.say("en sloeg op tafel")
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["description"] == (
        "klant aan de balie werd boos\nhij schold me uit voor idioot\nen sloeg op tafel"
    )


def test_unclear_answer_is_reasked_once_with_an_example_then_kept_as_free_text(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    chat.press("Nee, verder")
    assert "Bijvoorbeeld" in chat.say("toen het druk was")[0].text
    replies = chat.say("na de lunchpauze ergens")
    assert replies[0].text == "Ik noteer het zo."
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.draft["occurred_text"] == "na de lunchpauze ergens"
    assert state.step == "where"


def test_classification_is_explained_and_can_be_corrected(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    replies = chat.say("niets")
    assert replies[0].text == "Ik zie dit als bedreiging (D-gedrag). Klopt dat?"
    chat.press("Fysiek")
    assert chat.replies[0].text == "Aangepast."
    chat.press("Versturen")
    report = fake_uow.store.reports[0]
    assert (report.primary_form, report.abcd, report.corrected_by_reporter) == ("fysiek", "D", True)
    assert report.severity == "hoog"


def test_stop_asks_for_confirmation_and_files_nothing(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    assert chat.say("stop")[0].text == "Weet je zeker dat je wilt stoppen? Dan wordt er niets opgeslagen."
    assert chat.press("Ja, stoppen")[0].text.startswith("Gestopt.")
    assert fake_uow.store.reports == []
    state, _ = fake_uow.store.conversations[("web", "demo")]
    assert state.step == "idle"
    assert state.draft == {}


def test_stop_then_no_continues_with_the_same_question(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    chat.press("Nee, verder")
    chat.say("stop")
    replies = chat.press("Nee, doorgaan")
    assert [r.text for r in replies] == ["Prima, we gaan verder.", "Wanneer gebeurde het?"]


def test_back_returns_to_the_previous_question(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    chat.press("Nee, verder")
    chat.say("vanochtend")
    assert chat.say("terug")[0].text == "Wanneer gebeurde het?"


def test_help_explains_and_repeats_the_question(chat: ChatHarness) -> None:
    chat.say("Hallo")
    replies = chat.say("help")
    assert "mijn meldingen" in replies[0].text
    assert replies[-1].text == "Vertel in je eigen woorden wat er is gebeurd."


def test_my_reports_lists_own_reports_with_status(chat: ChatHarness) -> None:
    file_rich_report(chat)
    replies = chat.say("mijn meldingen")
    assert replies[0].text.splitlines() == [
        "Je meldingen:",
        "- MLD-2026-00001 (18-11-2026): bedreiging, status: ingediend",
    ]


def test_summary_can_change_a_field_and_returns_to_the_summary(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    chat.press("Nee, verder")
    chat.press("Gaat wel")
    chat.say("niets")
    chat.press("Klopt")
    chat.press("Iets aanpassen")
    assert chat.press("Hoe je je voelt")[0].text == "Hoe voel je je nu?"
    replies = chat.press("Niet goed")
    assert "Hoe je je voelt: Niet goed" in replies[0].text
    assert replies[-1].text == "Klopt dit?"


def test_stale_button_is_answered_politely_and_changes_nothing(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    chat.say("Hallo")
    chat.say(RICH)
    old = chat.replies[-1]
    chat.press("Nee, verder")
    before = fake_uow.store.conversations[("web", "demo")]
    replies = chat.say("1", in_reply_to=old.prompt_id)
    assert replies[0].text == "Die knop hoort bij een eerdere vraag. Er is niets veranderd."
    assert replies[1].text == "Hoe voel je je nu?"
    assert fake_uow.store.conversations[("web", "demo")] == before


def test_conversation_resumes_after_a_pause(chat: ChatHarness, clock: FakeClock) -> None:
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    clock.advance(hours=3)
    replies = chat.say("hoi")
    assert [r.text for r in replies] == [
        "Je was bezig met een melding. We gaan verder waar je was.",
        "Dank je. Wil je nog iets toevoegen? Typ het gerust. Anders kies 'Nee, verder'.",
    ]


def test_redelivered_message_gives_the_same_reply_and_no_second_effect(
    chat: ChatHarness, fake_uow: FakeUnitOfWork
) -> None:
    file_rich_report(chat)
    first = chat.replies
    again = chat.say("Versturen", delivery_id=f"{chat._prefix}-7")
    assert again == first
    assert len(fake_uow.store.reports) == 1


def test_unknown_user_gets_a_refusal_and_nothing_is_stored(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    stranger = ChatHarness(chat.handle, user="onbekend")
    replies = stranger.say("Hallo")
    assert replies[0].text.startswith("Ik ken je nog niet.")
    assert fake_uow.store.conversations == {}
    assert fake_uow.store.deliveries == {}


def test_telegram_stranger_links_with_a_one_time_code(chat: ChatHarness, fake_uow: FakeUnitOfWork, clock: FakeClock
                                                     ) -> None:
    with fake_uow as uow:
        code = uow.link_codes.create("noor", clock.now())
        uow.commit()
    tg = ChatHarness(chat.handle, user="777", channel="telegram")
    assert "koppelcode" in tg.say("Hallo")[0].text
    assert tg.say(f"/start {code}")[0].text.startswith("Gelukt, je bent gekoppeld als Noor Bakker.")
    assert tg.say(f"/start {code}")[0].text.startswith("Hoi Noor")


def test_report_in_first_message_skips_the_description_question(chat: ChatHarness) -> None:
    replies = chat.say(RICH)  # the web page showed the greeting already
    assert replies[0].text.startswith("Dank je. Wil je nog iets toevoegen?")


def test_suicide_threat_report_mentions_the_113_advice_line(chat: ChatHarness) -> None:
    chat.say("Hallo")
    chat.say("Hij dreigde met zelfmoord en zei dat het mijn schuld zou zijn, gisteravond aan de telefoon. "
             "Geen getuigen. Niet gewond.")
    chat.press("Nee, verder")
    chat.press("Goed")
    chat.say("niets")
    chat.press("Klopt")
    replies = chat.press("Versturen")
    assert "0800-0113" in replies[0].text


def test_unsupported_content_is_answered_and_state_is_unchanged(chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    from bot.conversation.messages import IncomingMessage

    chat.say("Hallo")
    before = fake_uow.store.conversations[("web", "demo")]
    outcome = chat.handle(IncomingMessage("web", "demo", "", delivery_id="v1", unsupported="voice"))
    assert outcome.replies[0].text.startswith("Dit soort bericht kan ik niet verwerken.")
    assert fake_uow.store.conversations[("web", "demo")] == before


def test_an_eight_letter_word_from_a_stranger_is_not_taken_for_a_link_code(chat: ChatHarness) -> None:
    tg = ChatHarness(chat.handle, user="778", channel="telegram")
    assert "koppelcode" in tg.say("Ik heb het GESTUURD")[0].text
    assert tg.say("GESTUURD")[0].text.startswith("Die koppelcode klopt niet")


def test_start_with_a_code_from_a_linked_user_mid_report_resumes_the_report(
    chat: ChatHarness, fake_uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    with fake_uow as uow:
        code = uow.link_codes.create("noor", clock.now())
        uow.commit()
    tg = ChatHarness(chat.handle, user="779", channel="telegram")
    tg.say(f"/start {code}")
    tg.say("Hallo")
    tg.say("een meneer schold me helemaal verrot")
    replies = tg.say(f"/start {code}")
    assert replies[0].text == "Je was bezig met een melding. We gaan verder waar je was."
