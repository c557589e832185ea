"""Aftercare check-ins: how it goes, a word of one's own, stress signs at six weeks, consent, stopping."""

from __future__ import annotations

import dataclasses

import pytest

from actions.aftercare import checkin_replies, parse_mood
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeClock
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork
from tests.unit.followup.script import file_report

CONTACTS = ("- Bedrijfsmaatschappelijk werk: Team BMW, tel. 020 123 4501\n"
            "- Vertrouwenspersoon: Karin de Boer, tel. 020 123 4502\n"
            "- Opvangteam: Collegiale opvang, tel. 020 123 4503\n"
            "- Bedrijfsarts: Arbodienst Voorbeeldstad, tel. 020 123 4504")


def asked(reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock, seq: int = 1) -> int:
    """File a report and let check-in `seq` be asked (as the tick does)."""
    file_report(reporter)
    checkin = next(c for c in store.checkins.values() if c.seq == seq)
    clock.current = checkin.due_at
    store.ask(checkin.id, clock.now())
    return checkin.id


def outbox_to(uow: FollowUpFakeUnitOfWork, employee: str) -> list[str]:
    return [o["replies"][0].text for o in uow.store.outbox if o["employee_id"] == employee]


def test_the_question_asks_how_it_goes_and_warns_against_medical_details(
    org: Organisation, texts: Texts, reporter: ChatHarness, store: FakeFollowUpStore, uow: FollowUpFakeUnitOfWork
) -> None:
    file_report(reporter)
    checkin = store.checkins[1]
    [reply] = checkin_replies(checkin, uow.store.reports[0], org.employee("demo"), texts, TZ)
    assert reply.text.startswith("Hoi Sam. Op 18-11-2026 meldde je agressie (MLD-2026-00001). Hoe gaat het nu met je?")
    assert "Deel geen medische gegevens" in reply.text
    assert reply.choices == ("Goed", "Wisselend", "Niet goed", "Stop met deze vragen")
    assert reply.prompt_id == "c:1"


def test_goed_by_button_is_thanked_and_closes_the_check_in(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("1", in_reply_to=f"c:{cid}")
    assert reporter.text == "Fijn om te horen. Dank je wel! Is er toch iets? Laat het gerust weten."
    checkin = store.checkins[cid]
    assert (checkin.status, checkin.mood, checkin.step) == ("answered", "goed", None)


def test_a_typed_answer_keeps_the_reporters_own_words(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("Wisselend, het zit me nog dwars")
    assert reporter.text.startswith("Dank je dat je het laat weten.")
    assert CONTACTS in reporter.text
    assert (store.checkins[cid].mood, store.checkins[cid].note) == ("wisselend", "het zit me nog dwars")


def test_niet_goed_offers_the_aftercare_contacts_and_asks_consent_to_inform_the_manager(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock, uow: FollowUpFakeUnitOfWork
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("3", in_reply_to=f"c:{cid}")
    assert reporter.replies[0].text.startswith("Wat vervelend dat het niet goed gaat.")
    assert CONTACTS in reporter.replies[0].text
    assert reporter.replies[1].choices == ("Ja, laat het weten", "Nee, liever niet")
    reporter.press("Ja, laat het weten")
    assert reporter.text == "Ik laat het je leidinggevende weten. Die neemt contact met je op."
    [notice] = outbox_to(uow, "mgr")[1:]
    assert notice.startswith("Sam de Vries gaf bij de nazorgvraag over melding MLD-2026-00001 aan dat het niet")
    assert store.checkins[cid].manager_informed is True


def test_no_consent_means_the_manager_hears_nothing(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock, uow: FollowUpFakeUnitOfWork
) -> None:
    asked(reporter, store, clock)
    reporter.say("niet goed")
    reporter.say("nee")
    assert reporter.text.startswith("Prima, ik zeg het tegen niemand.")
    assert [o["kind"] for o in uow.store.outbox if o["employee_id"] == "mgr"] == ["escalation"]


def test_at_six_weeks_stress_signs_lead_to_help_without_storing_which_signs(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock, seq=3)
    reporter.say("1", in_reply_to=f"c:{cid}")
    assert reporter.replies[-1].text.startswith("Nog één vraag, over de afgelopen weken.")
    assert "geen diagnose" in reporter.replies[-1].text
    assert reporter.replies[-1].choices == ("Ik slaap slecht", "Ik beleef het steeds opnieuw",
                                            "Ik vermijd dingen die eraan doen denken", "Ik ben sneller prikkelbaar",
                                            "Geen van deze")
    reporter.say("1 en 3")
    assert reporter.replies[0].text.startswith("Dank je voor je eerlijke antwoord.")
    assert CONTACTS in reporter.replies[0].text
    assert reporter.replies[1].choices == ("Ja, laat het weten", "Nee, liever niet")
    stored = dataclasses.asdict(store.checkins[cid])
    assert stored["referral_offered"] is True
    assert not any("slaap" in str(v) for v in stored.values())


def test_at_six_weeks_no_stress_signs_and_feeling_good_ends_kindly(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock, seq=3)
    reporter.say("goed hoor")
    reporter.press("Geen van deze")
    assert reporter.text == "Dank je. Fijn dat je daar geen last van hebt."
    assert (store.checkins[cid].status, store.checkins[cid].referral_offered) == ("answered", False)


def test_the_reporter_can_stop_check_ins_at_any_time(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("4", in_reply_to=f"c:{cid}")
    assert reporter.text.startswith("Oké, je krijgt geen nazorgvragen meer van mij.")
    assert CONTACTS in reporter.text
    assert {c.status for c in store.checkins.values()} == {"stopped"}
    reporter.say("stop nazorg")
    assert reporter.text == "Er staan geen nazorgvragen voor je klaar."


def test_a_typed_mood_during_a_new_report_belongs_to_the_report(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("Hallo")
    reporter.say("Een man schold me uit aan de balie, echt heel vervelend")
    reporter.press("Nee, verder")
    reporter.say("niet goed")
    assert store.checkins[cid].mood is None


def test_an_old_check_in_button_changes_nothing(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    reporter.say("1", in_reply_to=f"c:{cid}")
    reporter.say("3", in_reply_to=f"c:{cid}")
    assert reporter.text == "Die knop werkt niet meer. Er is niets veranderd."
    assert store.checkins[cid].mood == "goed"


def test_someone_elses_check_in_button_changes_nothing(
    reporter: ChatHarness, manager: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    manager.say("3", in_reply_to=f"c:{cid}")
    assert manager.text == "Die knop werkt niet meer. Er is niets veranderd."
    assert store.checkins[cid].mood is None


def test_a_typed_answer_a_week_later_is_no_longer_taken_as_an_answer(
    reporter: ChatHarness, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    cid = asked(reporter, store, clock)
    clock.advance(days=8)
    reporter.say("goed")
    assert store.checkins[cid].mood is None


@pytest.mark.parametrize(("text", "expected"), [
    ("goed", ("goed", None)),
    ("Het gaat goed!", ("goed", None)),
    ("gaat wel", ("wisselend", None)),
    ("Niet zo goed eigenlijk", ("niet_goed", "eigenlijk")),
    ("slecht, ik lig er wakker van", ("niet_goed", "ik lig er wakker van")),
    ("goedemorgen", None),
    ("ik wil iets melden", None),
])
def test_typed_moods_are_read_from_the_first_words(text: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_mood(text) == expected
