"""E-mail through SMTP (a local aiosmtpd server) for people without a chat channel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.scheduler import build_dispatcher
from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from tests.conftest import ChatHarness
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.followup.conftest import RecordingSender, link
from tests.integration.followup.smtp import Inbox, body
from tests.unit.followup.script import file_report


@pytest.fixture
def mail_container(settings: Settings, clock: FakeClock, inbox: tuple[Inbox, int]) -> Iterator[Container]:
    smtp = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox[1],
                                       "smtp_from": "meldbot@voorbeeldstad.example"})
    container = bootstrap(smtp, understander=FakeUnderstander(), clock=clock)
    yield container
    container.close()


def test_a_manager_without_a_chat_channel_gets_the_report_by_email(
    mail_container: Container, inbox: tuple[Inbox, int]
) -> None:
    reference = file_report(_chat(mail_container, "demo"))
    result = build_dispatcher(mail_container, {}).run_once()
    assert result.channels == {"email": 2}  # the manager, and the coordinator for a severe report
    [message, copy] = inbox[0].messages
    assert copy["To"] == "fatima.yilmaz@voorbeeldstad.example"
    assert f"Ernstige melding {reference} van Sam de Vries. Ter informatie: Linda Jansen" in body(copy)
    assert message["To"] == "linda.jansen@voorbeeldstad.example"
    assert message["From"] == "meldbot@voorbeeldstad.example"
    assert message["Subject"] == "Bericht van meldbot"
    text = body(message)
    assert f"Ernstige melding {reference} van Sam de Vries." in text
    assert "48 uur" in text
    assert "  1. Medewerker gesproken\n  2. Burger gebeld\n  3. Steungesprek gehouden" in text
    assert "Antwoorden op deze e-mail kan niet." in text
    assert build_dispatcher(mail_container, {}).run_once().sent == 0


def test_a_chat_channel_comes_before_email(mail_container: Container, inbox: tuple[Inbox, int]) -> None:
    link(mail_container, "mgr", 2001)
    sender = RecordingSender()
    file_report(_chat(mail_container, "demo"))
    build_dispatcher(mail_container, {"telegram": sender}).run_once()
    assert len(sender.to("mgr")) == 1
    assert [m["To"] for m in inbox[0].messages] == ["fatima.yilmaz@voorbeeldstad.example"]  # no chat channel


def test_a_refused_mailbox_is_undeliverable_and_reported_to_the_coordinator(
    mail_container: Container, inbox: tuple[Inbox, int]
) -> None:
    from dataclasses import replace

    org = mail_container.org
    employees = tuple(replace(e, email="weg@voorbeeldstad.example") if e.id == "mgr" else e for e in org.employees)
    dispatcher = build_dispatcher(mail_container, {})
    dispatcher.org = replace(org, employees=employees)
    file_report(_chat(mail_container, "demo"))
    result = dispatcher.run_once()
    assert (result.undeliverable, result.sent) == (1, 2)
    [notice] = [m for m in inbox[0].messages if "kon niet worden bezorgd" in body(m)]
    assert notice["To"] == "fatima.yilmaz@voorbeeldstad.example"


def _chat(container: Container, user: str) -> ChatHarness:
    return ChatHarness(container.chat.handle, user=user)
