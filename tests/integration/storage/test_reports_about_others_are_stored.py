"""What a report holds about who it happened to, and when, survives the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from bot.bootstrap import Container
from bot.domain.model import Report
from tests.conftest import TZ, ChatHarness


def test_a_report_for_a_colleague_keeps_reporter_victim_consent_and_the_moment_meant(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    chat.say("Hallo")
    chat.say("Ik meld dit namens mijn collega Noor. Een klant schold haar uit aan de balie.")
    answers = {"Wil je nog iets toevoegen?": "Nee, verder", "Wanneer gebeurde het?": "vanochtend",
               "gewond": "Nee", "getuigen": "Nee", "Hoe voel je je nu?": "Gaat wel", "Wat wil je nu?": "niets",
               "Mag ik": "Ja, laat het weten", "Klopt dat?": "Klopt", "Klopt dit?": "Versturen"}
    for _ in range(12):
        if "Je melding is opgeslagen onder" in chat.text:
            break
        chat.say(next(a for q, a in answers.items() if q in chat.text))
    with container.uow_factory() as uow:
        report = uow.reports.get("MLD-2026-00001")
    assert report is not None
    assert (report.reporter_id, report.reporter_role) == ("demo", "on_behalf")
    assert (report.victim_id, report.victim_name, report.victim_told) == ("noor", "Noor Bakker", True)
    assert report.occurred_start == datetime(2026, 11, 18, 6, 0, tzinfo=TZ)
    assert report.occurred_at is None  # 'vanochtend' names no moment


def test_a_report_of_your_own_is_stored_as_yours(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in ("Hallo", "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Geen letsel.",
                 "Nee, verder", "Nee", "Gaat wel", "niets", "Klopt", "Versturen"):
        chat.say(line)
    with container.uow_factory() as uow:
        report = uow.reports.get("MLD-2026-00001")
    assert report is not None
    assert (report.reporter_role, report.victim_id, report.victim_told) == ("self", None, False)


def test_the_moment_the_reporter_named_is_stored_beside_the_interval(container: Container) -> None:
    two = datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
    report = Report("MLD-2026-00009", "demo", "handhaving", "web", two, "Om 14:00 schold hij me uit.", "verbaal",
                    ("verbaal",), "B", False, "laag", occurred_text="Om 14:00",
                    occurred_start=datetime(2026, 11, 24, 13, 45, tzinfo=TZ),
                    occurred_end=datetime(2026, 11, 24, 14, 15, tzinfo=TZ), occurred_at=two)
    with container.uow_factory() as uow:
        uow.reports.add(report)
        uow.commit()
    with container.uow_factory() as uow:
        stored = uow.reports.get("MLD-2026-00009")
    assert stored is not None
    assert (stored.occurred_start, stored.occurred_at, stored.occurred_end) == (
        report.occurred_start, two, report.occurred_end)
