"""The whole follow-up loop over Telegram (fake Bot API, polling), with an aftercare schedule in seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.telegram.fake_bot_api import TOKEN, FakeBotApi, running
from tests.servers import running as serving
from tests.unit.followup.script import THREAT
from tests.unit.telegram import updates as u

pytestmark = pytest.mark.slow

REPORTER, MANAGER, COORDINATOR = 777001, 777002, 777003


class Telegram:
    """The people on their phones: push updates to the fake Bot API, read what the bot sent them."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    def messages(self, uid: int) -> list[dict[str, Any]]:
        return self.api.sent(uid)

    def texts(self, uid: int) -> list[str]:
        return [m["text"] for m in self.messages(uid)]

    def wait_text(self, uid: int, part: str, count: int = 1, timeout: float = 20.0) -> str:
        self.api.wait_for(lambda: len([t for t in self.texts(uid) if part in t]) >= count, timeout=timeout)
        return [t for t in self.texts(uid) if part in t][count - 1]

    def say(self, uid: int, text: str) -> None:
        self.api.push(u.text(text, uid))

    def press(self, uid: int, label: str, in_message_with: str | None = None) -> None:
        for m in reversed(self.messages(uid)):
            if in_message_with is not None and in_message_with not in m["text"]:
                continue
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        self.api.push(u.callback(button["callback_data"], uid))
                        return
        raise AssertionError(f"no button {label!r} for {uid}")


def link(container: Container, phone: Telegram, uid: int, employee_id: str, name: str) -> None:
    with container.uow_factory() as uow:
        code = uow.link_codes.create(employee_id, container.clock.now())
        uow.commit()
    phone.say(uid, f"/start {code}")
    phone.wait_text(uid, f"gekoppeld als {name}")


@contextmanager
def started(db: str, tmp_path: Path, schedule: str, clock: FakeClock | None = None
            ) -> Iterator[tuple[Telegram, Container]]:
    """The server with Telegram on the fake Bot API; reporter, manager and coordinator linked."""
    with running() as api, database_url(db, tmp_path) as url:
        settings = Settings(
            database_url=url, scheduler_enabled=True, tick_seconds=0.2, aftercare_schedule=schedule,
            telegram_token=SecretStr(TOKEN), telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url, attachments_dir=tmp_path / "attachments",
        )
        container = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
        try:
            with serving(create_app(container=container)):
                phone = Telegram(api)
                link(container, phone, REPORTER, "demo", "Sam de Vries")
                link(container, phone, MANAGER, "mgr", "Linda Jansen")
                link(container, phone, COORDINATOR, "coord", "Fatima Yilmaz")
                yield phone, container
        finally:
            container.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def telegram(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Telegram, Container]]:
    with started(request.param, tmp_path, "3s,8s") as found:
        yield found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def telegram_in_time(request: pytest.FixtureRequest, tmp_path: Path
                     ) -> Iterator[tuple[Telegram, Container, FakeClock]]:
    """The same, on a clock the test moves (check-ins far away)."""
    clock = FakeClock()
    with started(request.param, tmp_path, "30d", clock) as (phone, container):
        yield phone, container, clock


def file_threat(phone: Telegram, wants: str = "1") -> str:
    phone.say(REPORTER, "Hallo")
    phone.wait_text(REPORTER, "Vertel in je eigen woorden")
    phone.say(REPORTER, THREAT)
    phone.wait_text(REPORTER, "Wil je nog iets toevoegen?")
    phone.press(REPORTER, "Nee, verder")
    phone.wait_text(REPORTER, "Hoe voel je je nu?")
    phone.press(REPORTER, "Gaat wel")
    phone.wait_text(REPORTER, "Wat wil je nu?")
    phone.say(REPORTER, wants)
    phone.wait_text(REPORTER, "Klopt dat?")
    phone.press(REPORTER, "Klopt")
    phone.wait_text(REPORTER, "Klopt dit?")
    phone.press(REPORTER, "Versturen")
    filed = phone.wait_text(REPORTER, "opgeslagen onder")
    return filed.split("opgeslagen onder ")[1].split(".")[0]


def test_a_manager_who_called_the_citizen_is_not_escalated_for_the_48_hour_clock(
    telegram_in_time: tuple[Telegram, Container, FakeClock],
) -> None:
    phone, _container, clock = telegram_in_time
    reference = file_threat(phone)
    phone.wait_text(REPORTER, "Linda Jansen en de veiligheidscoördinator krijgen nu een bericht van mij.")
    escalation = phone.wait_text(MANAGER, f"Ernstige melding {reference}")
    assert "Wat er gebeurde: Gisteravond aan de balie dreigde een man" in escalation
    phone.wait_text(COORDINATOR, f"Ernstige melding {reference} van Sam de Vries. Ter informatie: Linda Jansen")

    phone.press(MANAGER, "Burger gebeld", in_message_with=f"Ernstige melding {reference}")
    phone.wait_text(MANAGER, f"Vastgelegd bij {reference}: Burger gebeld.")
    phone.wait_text(REPORTER, "Je leidinggevende heeft de burger gebeld.")

    clock.advance(hours=49)  # past the 24-hour and the 48-hour deadlines
    phone.wait_text(COORDINATOR, "De termijn is verstreken bij melding")
    phone.wait_text(REPORTER, "het contact met jou op de dag van je melding niet op tijd gelukt")
    time.sleep(1.0)  # several more ticks
    overdue = [t for t in phone.texts(COORDINATOR) if t.startswith("De termijn is verstreken")]
    assert any("vandaag contact met de medewerker" in t for t in overdue)
    assert not any("reactie naar de dader" in t for t in overdue)
    assert not any("reactie naar de burger" in t for t in phone.texts(REPORTER) if "niet op tijd" in t)
    assert len([t for t in phone.texts(COORDINATOR) if "vandaag contact met de medewerker" in t]) == 1


def test_report_escalation_action_feedback_and_check_ins_over_telegram(telegram: tuple[Telegram, Container]) -> None:
    phone, _container = telegram
    phone.say(REPORTER, "Hallo")
    phone.wait_text(REPORTER, "Vertel in je eigen woorden")
    phone.say(REPORTER, THREAT)
    phone.wait_text(REPORTER, "Wil je nog iets toevoegen?")
    phone.press(REPORTER, "Nee, verder")
    phone.wait_text(REPORTER, "Hoe voel je je nu?")
    phone.press(REPORTER, "Gaat wel")
    phone.wait_text(REPORTER, "Wat wil je nu?")
    phone.say(REPORTER, "1 en 3")
    phone.wait_text(REPORTER, "Klopt dat?")
    phone.press(REPORTER, "Klopt")
    phone.wait_text(REPORTER, "Klopt dit?")
    phone.press(REPORTER, "Versturen")
    filed = phone.wait_text(REPORTER, "opgeslagen onder")
    reference = filed.split("opgeslagen onder ")[1].split(".")[0]

    # The manager hears at once, with the clocks and the actions as buttons.
    escalation = phone.wait_text(MANAGER, f"Ernstige melding {reference}")
    assert "48 uur" in escalation
    phone.press(MANAGER, "Burger gebeld", in_message_with=reference)
    phone.wait_text(MANAGER, f"Vastgelegd bij {reference}: Burger gebeld.")
    phone.wait_text(REPORTER, "Je leidinggevende heeft de burger gebeld.")

    # Check-in 1 (after 3 s): wisselend, with the aftercare contacts.
    phone.wait_text(REPORTER, "Hoe gaat het nu met je?")
    phone.press(REPORTER, "Wisselend", in_message_with="Hoe gaat het nu met je?")
    phone.wait_text(REPORTER, "Bedrijfsmaatschappelijk werk: Team BMW, tel. 020 123 4501")

    # Check-in 2 (after 8 s) is the last one: stress signs, then consent to tell the manager.
    phone.wait_text(REPORTER, "Hoe gaat het nu met je?", count=2)
    phone.press(REPORTER, "Niet goed", in_message_with="Hoe gaat het nu met je?")
    phone.wait_text(REPORTER, "Nog één vraag")
    phone.press(REPORTER, "Ik slaap slecht")
    phone.wait_text(REPORTER, "Wil je dat ik je leidinggevende laat weten")
    phone.press(REPORTER, "Ja, laat het weten")
    phone.wait_text(REPORTER, "Ik laat het je leidinggevende weten.")
    phone.wait_text(MANAGER, "aan dat het niet zo goed gaat")

    phone.say(REPORTER, "mijn meldingen")
    mine = phone.wait_text(REPORTER, "Je meldingen:")
    assert f"{reference} (" in mine
    assert "status: in behandeling" in mine
    assert "Je leidinggevende heeft de burger gebeld." in mine
    phone.say(REPORTER, f"aangifte {reference}")
    draft = phone.wait_text(REPORTER, "Concept voor je aangifte")
    assert "VPT-incident" in draft

    # Exactly once, every one of them.
    assert len([t for t in phone.texts(MANAGER) if f"Ernstige melding {reference}" in t]) == 1
    assert len([t for t in phone.texts(REPORTER) if "Nieuws over je melding" in t]) == 1
    assert len([t for t in phone.texts(REPORTER) if "Hoe gaat het nu met je?" in t]) == 2
    assert len([t for t in phone.texts(MANAGER) if "niet zo goed gaat" in t]) == 1


def test_a_manager_who_blocked_the_bot_is_reported_to_the_coordinator(telegram: tuple[Telegram, Container]) -> None:
    phone, _container = telegram
    phone.api.blocked_chats.add(MANAGER)
    phone.say(REPORTER, "Hallo")
    phone.wait_text(REPORTER, "Vertel in je eigen woorden")
    phone.say(REPORTER, THREAT)
    phone.wait_text(REPORTER, "Wil je nog iets toevoegen?")
    phone.press(REPORTER, "Nee, verder")
    phone.wait_text(REPORTER, "Hoe voel je je nu?")
    phone.press(REPORTER, "Gaat wel")
    phone.wait_text(REPORTER, "Wat wil je nu?")
    phone.say(REPORTER, "niets")
    phone.wait_text(REPORTER, "Klopt dat?")
    phone.press(REPORTER, "Klopt")
    phone.wait_text(REPORTER, "Klopt dit?")
    phone.press(REPORTER, "Versturen")
    phone.wait_text(REPORTER, "opgeslagen onder")
    notice = phone.wait_text(COORDINATOR, "kon niet worden bezorgd")
    assert notice.startswith("Een bericht van meldbot aan Linda Jansen kon niet worden bezorgd")
    time.sleep(1.0)  # several ticks: nothing is tried again
    attempts = [c for c in phone.api.called("sendMessage")
                if c["chat_id"] == MANAGER and "Ernstige melding" in c["text"]]
    assert len(attempts) == 1  # marked undeliverable, not retried
