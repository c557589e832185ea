"""Evidence sent after filing ('bewijs toevoegen aan MLD-…') is stored with the report (SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.bootstrap import Container
from bot.conversation.messages import Attachment, IncomingMessage
from tests.conftest import ChatHarness

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."


def test_files_sent_after_the_request_are_added_to_the_filed_report(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in ("Hallo", RICH, "Nee, verder", "Gaat wel", "niets", "Klopt", "Versturen",
                 "bewijs toevoegen aan MLD-2026-00001"):
        chat.say(line)
    photo = Attachment(kind="photo", path="web/abc.jpg", mime_type="image/jpeg", size=1234, original_name="a.jpg")
    outcome = container.chat.handle(IncomingMessage("web", "demo", "", delivery_id="file-1", attachments=(photo,)))
    assert outcome.replies[0].text.startswith("Bewijs toegevoegd aan MLD-2026-00001.")
    again = container.chat.handle(IncomingMessage("web", "demo", "", delivery_id="file-1", attachments=(photo,)))
    assert again.duplicate  # a redelivery adds nothing twice
    with container.uow_factory() as uow:
        report = uow.reports.get("MLD-2026-00001")
    assert report is not None
    assert [(e.kind, e.path, e.original_name) for e in report.evidence] == [("photo", "web/abc.jpg", "a.jpg")]
