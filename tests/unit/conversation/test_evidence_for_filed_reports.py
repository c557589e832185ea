"""'bewijs toevoegen aan MLD-…': evidence for a report filed before, only one's own, push/pop style."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.escalation import ReportViewer
from actions.filing import ReportFiler
from bot.conversation.flow import accepts_evidence
from bot.conversation.messages import Attachment, IncomingMessage, Reply
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.service import ChatService
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeClock, FakeUnderstander, FakeUnitOfWork

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
PHOTO = Attachment(kind="photo", path="web/abc.jpg", mime_type="image/jpeg", size=1234, original_name="foto.jpg")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(org: Organisation, texts: Texts, clock: FakeClock, uow: FakeUnitOfWork) -> ChatService:
    return ChatService(uow_factory=uow, understander=FakeUnderstander(), texts=texts, org=org, clock=clock, tz=TZ,
                       on_filed=ReportFiler(org), interceptors=[ReportViewer(org, texts, TZ)])


@pytest.fixture
def chat(service: ChatService) -> ChatHarness:
    chat = ChatHarness(service.handle)
    for line in ("Hallo", RICH, "Nee, verder", "Gaat wel", "niets", "Klopt", "Versturen"):
        chat.say(line)
    assert "MLD-2026-00001" in chat.text
    return chat


def send_file(service: ChatService, caption: str = "", user: str = "demo") -> list[Reply]:
    msg = IncomingMessage("telegram" if user.isdigit() else "web", user, caption, attachments=(PHOTO,))
    return list(service.handle(msg).replies)


def test_bewijs_toevoegen_asks_for_the_files_and_adds_them_to_the_filed_report(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork
) -> None:
    assert chat.say("bewijs toevoegen aan MLD-2026-00001")[0].text == (
        "Stuur nu je foto's, screenshots of pdf's voor MLD-2026-00001. Typ 'klaar' als je alles hebt gestuurd.")
    assert [r.text for r in send_file(service)] == [
        "Bewijs toegevoegd aan MLD-2026-00001. Nog meer? Stuur het gerust. Anders typ je 'klaar'."]
    send_file(service)
    assert chat.say("klaar")[0].text == "Dank je. Het bewijs staat bij MLD-2026-00001."
    report = uow.store.reports[0]
    assert [e.path for e in report.evidence] == ["web/abc.jpg", "web/abc.jpg"]
    assert [a[2:4] for a in uow.store.audit if a[2] == "evidence_added"] == [("evidence_added", "MLD-2026-00001")] * 2


def test_the_manager_hears_that_evidence_came_in_once_an_hour_however_many_files(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    chat.say("bewijs toevoegen aan MLD-2026-00001")
    send_file(service)
    send_file(service)
    told = [o for o in uow.store.outbox if o["kind"] == "evidence_added"]
    assert [(o["employee_id"], o["replies"][0].text) for o in told] == [
        ("mgr", "Sam de Vries heeft bewijs toegevoegd aan melding MLD-2026-00001. "
                "Typ 'bekijk MLD-2026-00001' om het te zien.")]
    clock.advance(hours=1)
    send_file(service, "bewijs toevoegen aan MLD-2026-00001")
    assert len([o for o in uow.store.outbox if o["kind"] == "evidence_added"]) == 2


def test_a_file_sent_with_the_request_as_its_caption_is_added_at_once(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork
) -> None:
    assert send_file(service, "Bewijs toevoegen aan mld-2026-00001")[0].text.startswith(
        "Bewijs toegevoegd aan MLD-2026-00001.")
    assert len(uow.store.reports[0].evidence) == 1


def test_someone_else_cannot_add_to_a_report_that_is_not_theirs(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork
) -> None:
    noor = ChatHarness(service.handle, user="noor")
    assert noor.say("bewijs toevoegen aan MLD-2026-00001")[0].text.startswith(
        "Ik ken geen melding MLD-2026-00001 van jou.")
    assert send_file(service, user="noor")[0].text.startswith("Je hebt nog geen melding lopen.")
    assert uow.store.reports[0].evidence == ()


def test_an_unknown_reference_is_answered_and_nothing_waits(chat: ChatHarness, service: ChatService) -> None:
    assert chat.say("bewijs toevoegen aan MLD-2026-00077")[0].text.startswith("Ik ken geen melding MLD-2026-00077")
    assert send_file(service)[0].text.startswith("Je hebt nog geen melding lopen.")


def test_after_something_else_is_said_files_are_no_longer_added(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork
) -> None:
    chat.say("bewijs toevoegen aan MLD-2026-00001")
    assert chat.say("mijn meldingen")[0].text.startswith("Je meldingen:")
    assert send_file(service)[0].text.startswith("Je hebt nog geen melding lopen.")
    assert uow.store.reports[0].evidence == ()


def test_after_a_pause_files_are_no_longer_added(
    chat: ChatHarness, service: ChatService, clock: FakeClock, uow: FakeUnitOfWork
) -> None:
    chat.say("bewijs toevoegen aan MLD-2026-00001")
    clock.advance(hours=2)
    assert send_file(service)[0].text.startswith("Je hebt nog geen melding lopen.")
    assert uow.store.reports[0].evidence == ()


def test_the_request_during_a_new_report_keeps_that_report_going(chat: ChatHarness) -> None:
    chat.say("Vanochtend schold een man me uit aan de telefoon, hij bleef maar doorgaan.")
    replies = chat.say("bewijs toevoegen aan MLD-2026-00001")
    assert replies[0].text == (
        "Je bent nu bezig met een melding. Stuur het bewijs voor MLD-2026-00001 als je daarmee klaar bent.")
    assert replies[1].text.startswith("Dank je. Wil je nog iets toevoegen?")


def test_a_reference_alone_is_still_answered_by_the_report_viewer(chat: ChatHarness) -> None:
    assert chat.say("MLD-2026-00001")[0].text == "Wil je je melding MLD-2026-00001 zien? Typ 'bekijk MLD-2026-00001'."


def test_a_file_the_channel_did_not_keep_is_asked_again_and_nothing_is_added(
    chat: ChatHarness, service: ChatService, uow: FakeUnitOfWork
) -> None:
    chat.say("bewijs toevoegen aan MLD-2026-00001")
    bare = IncomingMessage("web", "demo", "", attachments=(Attachment(kind="document", original_name="x.exe"),))
    assert service.handle(bare).replies[0].text == (
        "Dit bestand is niet bewaard. Stuur het nog een keer, als foto, afbeelding of pdf.")
    assert send_file(service)[0].text.startswith("Bewijs toegevoegd aan MLD-2026-00001.")  # still waiting
    assert len(uow.store.reports[0].evidence) == 1


def test_files_are_accepted_while_a_filed_report_waits_for_them(
    chat: ChatHarness, uow: FakeUnitOfWork, clock: FakeClock
) -> None:
    chat.say("bewijs toevoegen aan MLD-2026-00001")
    state, _ = uow.store.conversations[("web", "demo")]
    assert accepts_evidence(state, clock.now(), timedelta(minutes=30))
    assert not accepts_evidence(state, clock.now() + timedelta(hours=1), timedelta(minutes=30))
    chat.say("klaar")
    state, _ = uow.store.conversations[("web", "demo")]
    assert not accepts_evidence(state, clock.now(), timedelta(minutes=30))
