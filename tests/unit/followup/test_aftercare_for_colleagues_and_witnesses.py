"""After a report for a colleague or by a witness: who is told, and who gets the aftercare check-ins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.aftercare import checkin_people, checkin_replies
from bot.conversation.texts import Texts
from bot.domain.model import Organisation, Report, ReporterRole
from tests.conftest import TZ, ChatHarness
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork

ON_BEHALF = "Ik meld dit namens mijn collega Noor. Een klant schold haar uit aan de balie."
WITNESS = "Ik zag dat een klant mijn collega Noor uitschold aan de balie."


def file_for_colleague(chat: ChatHarness, story: str, tell: str) -> str:
    chat.say("Hallo")
    chat.say(story)
    answers = {"Wil je nog iets toevoegen?": "Nee, verder", "Wanneer gebeurde het?": "vanochtend",
               "gewond": "Nee", "getuigen": "Nee", "Hoe voel je je nu?": "Gaat wel", "Wat wil je nu?": "niets",
               "Mag ik": tell, "Klopt dat?": "Klopt", "Klopt dit?": "Versturen"}
    for _ in range(12):
        if "Je melding is opgeslagen onder" in chat.text:
            return chat.text.split("opgeslagen onder ")[1].split(".")[0]
        chat.say(next(a for q, a in answers.items() if q in chat.text))
    raise AssertionError(chat.text)


def people(store: FakeFollowUpStore) -> list[str]:
    return sorted({c.employee_id for c in store.checkins.values()})


def test_the_colleague_is_told_and_gets_the_check_ins_when_the_reporter_agrees(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    reference = file_for_colleague(reporter, ON_BEHALF, "Ja, laat het weten")
    [notice] = [o for o in uow.store.outbox if o["employee_id"] == "noor"]
    assert notice["kind"] == "victim_notice"
    assert notice["replies"][0].text.startswith(
        "Hoi Noor. Je collega Sam de Vries heeft gemeld dat je te maken kreeg met agressie van een burger op "
        f"woensdag 18 november 2026 tussen 06:00 en 12:00 (melding {reference}).")
    assert people(store) == ["noor"]  # the one who reports for a colleague is not asked how it goes
    assert len(store.checkins) == 3


def test_without_consent_the_colleague_hears_nothing(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    file_for_colleague(reporter, ON_BEHALF, "Nee, liever niet")
    assert [o for o in uow.store.outbox if o["employee_id"] == "noor"] == []
    assert people(store) == []


def test_a_witness_gets_check_ins_of_their_own(reporter: ChatHarness, store: FakeFollowUpStore) -> None:
    file_for_colleague(reporter, WITNESS, "Ja, laat het weten")
    assert people(store) == ["demo", "noor"]


def test_the_check_in_questions_say_whose_report_it_was(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore, org: Organisation, texts: Texts
) -> None:
    file_for_colleague(reporter, WITNESS, "Ja, laat het weten")
    report = uow.store.reports[0]
    by_person = {c.employee_id: c for c in store.checkins.values() if c.seq == 1}
    [witness] = checkin_replies(by_person["demo"], report, org.employee("demo"), texts, TZ)  # type: ignore[arg-type]
    [victim] = checkin_replies(by_person["noor"], report, org.employee("noor"), texts, TZ)  # type: ignore[arg-type]
    assert witness.text.startswith("Hoi Sam. Op 18-11-2026 meldde je agressie die je zag gebeuren (MLD-2026-00001).")
    assert victim.text.startswith("Hoi Noor. Op 18-11-2026 meldde een collega agressie die jou overkwam "
                                  "(MLD-2026-00001). Hoe gaat het nu met je?")


@pytest.mark.parametrize(("role", "victim", "told", "expected"), [
    (ReporterRole.SELF, None, False, ("demo",)),
    (ReporterRole.ON_BEHALF, "noor", True, ("noor",)),
    (ReporterRole.ON_BEHALF, "noor", False, ()),
    (ReporterRole.ON_BEHALF, None, False, ()),
    (ReporterRole.WITNESS, "noor", True, ("demo", "noor")),
    (ReporterRole.WITNESS, "noor", False, ("demo",)),
    (ReporterRole.WITNESS, None, False, ("demo",)),
])
def test_who_gets_the_check_ins(role: str, victim: str | None, told: bool, expected: tuple[str, ...]) -> None:
    report = Report("MLD-2026-00001", "demo", "handhaving", "web", datetime(2026, 11, 18, tzinfo=UTC), "", None,
                    (), None, False, "laag", reporter_role=role, victim_id=victim, victim_told=told)
    assert checkin_people(report) == expected


def test_a_report_for_a_colleague_of_another_team_goes_to_their_manager_and_team(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    story = ("Ik meld dit namens mijn collega Ahmed El Amrani. Een klant dreigde hem aan de telefoon: "
             "ik weet waar je woont.")
    reference = file_for_colleague(reporter, story, "Ja, laat het weten")
    report = uow.store.reports[-1]
    assert (report.reporter_id, report.victim_id, report.team_id) == ("demo", "ahmed", "klantcontact")
    [escalation] = [o for o in uow.store.outbox if o["kind"] == "escalation"]
    assert escalation["employee_id"] == "mgr2"  # Ahmed's manager, not Sam's (Linda Jansen)
    text = escalation["replies"][0].text
    assert f"Ernstige melding {reference} van Sam de Vries." in text
    assert "Wie het overkwam: Ahmed El Amrani (gemeld door een collega)" in text
    assert "contact op met Ahmed" in text
    assert "contact op met Sam" not in text
    assert {c.owner_id for c in store.clocks(reference)} == {"mgr2"}
    assert "Peter Visser" in reporter.text
    assert "Linda Jansen" not in reporter.text
    assert "De leidinggevende neemt binnen 24 uur contact op met Ahmed" in reporter.text
