"""The manager sees the report where they are (`bekijk MLD-...`, a typed reference); the referral a reporter wants."""

from __future__ import annotations

from bot.service import ChatService
from tests.conftest import ChatHarness
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork
from tests.unit.followup.script import INSULT, file_report


def test_bekijk_shows_the_whole_report_in_the_chat_and_is_audit_logged(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say(f"bekijk {reference}")
    assert manager.text.startswith(f"Melding {reference} van Sam de Vries, gedaan op 18-11-2026 10:00.")
    assert "Wat er gebeurde: Gisteravond aan de balie dreigde een man: ik weet waar je woont." in manager.text
    assert "Termijnen:" in manager.text
    assert manager.replies[-1].prompt_id == f"m:{reference}"
    assert ("mgr", "report_read", reference) in [(a[1], a[2], a[3]) for a in uow.store.audit]


def test_toon_works_too_and_shows_what_was_done(reporter: ChatHarness, manager: ChatHarness) -> None:
    reference = file_report(reporter)
    manager.say(f"burger gebeld {reference}")
    manager.say(f"toon {reference}")
    assert "Wat er gedaan is:" in manager.text
    assert "Je leidinggevende heeft de burger gebeld." in manager.text
    assert "een reactie naar de dader binnen 48 uur: gedaan op 18-11-2026 10:00, op tijd" in manager.text


def test_a_manager_of_another_team_sees_nothing_and_the_attempt_is_logged(
    reporter: ChatHarness, followup_service: ChatService, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    other = ChatHarness(followup_service.handle, user="mgr2")
    other.say(f"bekijk {reference}")
    assert other.text == f"Ik ken geen melding {reference}. Kijk of de code klopt."
    assert ("mgr2", "report_read_refused") in [(a[1], a[2]) for a in uow.store.audit]


def test_a_reference_typed_by_a_manager_never_starts_a_report(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    for text in (reference, f"{reference} graag", f"hoe staat het met {reference}?"):
        manager.say(text)
        assert manager.text.startswith(f"Wat wil je doen met melding {reference}?"), text
        assert manager.replies[-1].prompt_id == f"m:{reference}"
    assert "Vertel in je eigen woorden" not in manager.text
    assert len(uow.store.reports) == 1
    assert ("web", "mgr") not in uow.store.conversations or not uow.store.conversations[("web", "mgr")][0].in_report


def test_the_reporter_who_types_the_reference_is_pointed_to_bekijk(reporter: ChatHarness) -> None:
    reference = file_report(reporter)
    reporter.say(reference)
    assert reporter.text == f"Wil je je melding {reference} zien? Typ 'bekijk {reference}'."


def test_someone_to_talk_to_becomes_a_referral_with_consent(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    reference = file_report(reporter, wants="1 en 3")  # the manager, and someone to talk to
    question = reporter.replies[-1]
    assert question.text.startswith("Je wilt graag met iemand praten. Zal ik Bedrijfsmaatschappelijk werk (Team BMW)")
    assert question.prompt_id == f"r:{reference}"
    reporter.press("Ja, graag")
    assert reporter.text == ("Ik heb Bedrijfsmaatschappelijk werk (Team BMW) gevraagd om binnen 2 werkdagen "
                             "contact met je op te nemen.")
    [referral] = [o for o in uow.store.outbox if o["kind"] == "referral"]
    assert referral["employee_id"] == "aftercare:bmw@voorbeeldstad.example"
    assert "dreigde" not in referral["replies"][0].text  # nothing of what happened
    [clock] = [c for c in store.clocks(reference) if c.kind == "referral_2wd"]
    assert clock.acknowledged_by == "meldbot"


def test_no_referral_without_consent(reporter: ChatHarness, uow: FollowUpFakeUnitOfWork,
                                     store: FakeFollowUpStore) -> None:
    reference = file_report(reporter, wants="1 en 3")
    reporter.press("Nee, liever niet")
    assert reporter.text.startswith("Prima, ik geef niets door.")
    assert [o for o in uow.store.outbox if o["kind"] == "referral"] == []
    assert [c.acknowledged_by for c in store.clocks(reference) if c.kind == "referral_2wd"] == ["demo"]


def test_a_wish_for_aangifte_help_becomes_a_task_with_a_deadline(reporter: ChatHarness,
                                                                 store: FakeFollowUpStore) -> None:
    reporter.say("Hallo")
    reporter.say(INSULT)
    reporter.press("Nee, verder")
    for _ in range(8):
        if "Wat wil je nu?" in reporter.text:
            reporter.say("2")
        elif "Hoe voel je je nu?" in reporter.text:
            reporter.press("Gaat wel")
        elif "Klopt dat?" in reporter.text:
            reporter.press("Klopt")
        elif "Klopt dit?" in reporter.text:
            reporter.press("Versturen")
            break
        else:
            reporter.say("weet ik niet")
    assert "Je wilt hulp bij aangifte. Linda Jansen helpt je daarmee, uiterlijk 20-11-2026 10:00." in reporter.text
    reference = reporter.text.split("opgeslagen onder ")[1].split(".")[0]
    assert "aangifte_2wd" in {c.kind for c in store.clocks(reference)}
