"""The back-office over HTTP: a manager's inbox with its clocks, the whole report, actions that reach the reporter."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.followup import ActionRow, ClockRow
from bot.storage.orm import AuditRow, OutboxRow
from bot.web.app import create_app
from tests.conftest import ChatHarness
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.unit.followup.script import INSULT, THREAT
from tests.web import signed_in


@dataclass
class Office:
    app: FastAPI
    url: str
    container: Container
    clock: FakeClock
    clients: dict[str, httpx.Client]

    def client(self, who: str) -> httpx.Client:
        if who not in self.clients:
            self.clients[who] = signed_in(self.app, self.url, who)
        return self.clients[who]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()

    def say(self, who: str, text: str, in_reply_to: str | None = None) -> list[dict[str, object]]:
        body: dict[str, object] = {"text": text, "message_id": uuid.uuid4().hex}
        if in_reply_to:
            body["in_reply_to"] = in_reply_to
        res = self.client(who).post("/api/chat", json=body)
        assert res.status_code == 200, res.text
        return res.json()["replies"]  # type: ignore[no-any-return]

    def file(self, who: str, description: str) -> str:
        """A report through the web chat; returns its reference."""
        self.say(who, "Hallo")
        self.say(who, description)
        replies = self.say(who, "Nee, verder")
        for _ in range(8):
            last = replies[-1]
            text = str(last["text"])
            if "Je melding is opgeslagen onder" in str(replies[0]["text"]):
                return str(replies[0]["text"]).split("opgeslagen onder ")[1].split(".")[0]
            if last["choices"] and "Versturen" in last["choices"]:
                replies = self.say(who, "Versturen", str(last["prompt_id"]))
            elif last["choices"] and "Klopt" in last["choices"]:
                replies = self.say(who, "Klopt", str(last["prompt_id"]))
            elif last["choices"] and "Gaat wel" in last["choices"]:
                replies = self.say(who, "Gaat wel", str(last["prompt_id"]))
            elif "Wat wil je nu?" in text:
                replies = self.say(who, "1")
            else:
                replies = self.say(who, "weet ik niet")
        raise AssertionError(replies)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Office]:
    clock = FakeClock()
    with database_url(request.param, tmp_path) as url:
        settings = Settings(database_url=url, scheduler_enabled=False)
        container = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
        try:
            app = create_app(container=container)
            with running(app) as base:
                office = Office(app, base, container, clock, {})
                try:
                    yield office
                finally:
                    office.close()
        finally:
            container.close()


def test_a_manager_sees_only_the_own_teams_reports_and_employees_are_refused(office: Office) -> None:
    mine = office.file("demo", THREAT)
    other = office.file("ahmed", INSULT)
    inbox = office.client("mgr").get("/beheer")
    assert inbox.status_code == 200
    assert mine in inbox.text
    assert other not in inbox.text
    assert "je team(s): Handhaving en inspectie" in inbox.text
    assert office.client("mgr2").get(f"/beheer/meldingen/{mine}").status_code == 404
    assert office.client("mgr").get(f"/beheer/meldingen/{other}").status_code == 404
    refused = office.client("demo").get("/beheer")
    assert refused.status_code == 403
    assert "Alleen voor leidinggevenden" in refused.text
    with httpx.Client(base_url=office.url) as anonymous:
        res = anonymous.get("/beheer")
        assert res.status_code == 303
        assert res.headers["location"] == "/login?next=%2Fbeheer"
    everything = office.client("coord").get("/beheer")
    assert mine in everything.text
    assert other in everything.text
    only = office.client("coord").get("/beheer", params={"team": "klantcontact"})
    assert other in only.text
    assert mine not in only.text
    assert office.client("mgr").get("/beheer", params={"team": "klantcontact"}).status_code == 404
    found = office.client("coord").get("/beheer", params={"code": mine[-5:]})
    assert mine in found.text
    assert other not in found.text


def test_overdue_reports_come_first_and_say_how_late(office: Office) -> None:
    first = office.file("demo", THREAT)
    office.clock.advance(hours=30)
    second = office.file("noor", INSULT)
    page = office.client("mgr").get("/beheer").text
    assert page.index(first) < page.index(second)
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    assert "te laat" in next(r for r in rows if first in r)
    assert "nog " in next(r for r in rows if second in r)


def test_the_report_page_shows_the_whole_report_and_the_read_is_audited(office: Office) -> None:
    reference = office.file("demo", THREAT)
    page = office.client("mgr").get(f"/beheer/meldingen/{reference}")
    assert page.status_code == 200
    assert "ik weet waar je woont" in page.text
    assert "Sam de Vries" in page.text
    assert "Termijnen" in page.text
    assert "Melding gedaan via de website" in page.text
    with office.container.session_factory() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.actor == "mgr", AuditRow.action == "report_read",
                                                      AuditRow.reference == reference)).all()
    assert len(rows) == 1
    assert rows[0].details == {"channel": "web", "view": "backoffice"}


def test_calling_the_citizen_meets_the_48_hour_clock_and_the_reporter_hears_it(office: Office) -> None:
    reference = office.file("demo", THREAT)
    mgr = office.client("mgr")
    res = mgr.post(f"/beheer/meldingen/{reference}/acties",
                   data={"action": "reaction", "how": "telefoon", "note": "Gesprek rustig verlopen."})
    assert res.status_code == 303
    shown = mgr.get(res.headers["location"])
    assert "Vastgelegd: Reactie naar de burger" in shown.text
    assert "Burger gebeld" in shown.text
    with office.container.session_factory() as session:
        clock = session.scalars(select(ClockRow).where(ClockRow.reference == reference,
                                                       ClockRow.kind == "perpetrator_48h")).one()
        assert clock.acknowledged_by == "mgr"
        action = session.scalars(select(ActionRow).where(ActionRow.reference == reference)).one()
        assert (action.action, action.details) == ("reaction", {"how": "telefoon"})
        news = session.scalars(select(OutboxRow).where(OutboxRow.employee_id == "demo",
                                                       OutboxRow.kind == "feedback")).one()
        assert "Je leidinggevende heeft de burger gebeld." in news.payload["replies"][0]["text"]
    mine = office.say("demo", "mijn meldingen")
    assert "Je leidinggevende heeft de burger gebeld." in str(mine[0]["text"])


def test_an_incomplete_or_foreign_action_records_nothing(office: Office) -> None:
    reference = office.file("demo", THREAT)
    mgr = office.client("mgr")
    missing = mgr.post(f"/beheer/meldingen/{reference}/acties", data={"action": "measure"})
    assert missing.status_code == 400
    assert "Vul ook in: Welke maatregel?" in missing.text
    unknown = mgr.post(f"/beheer/meldingen/{reference}/acties", data={"action": "ontslaan"})
    assert unknown.status_code == 400
    other = office.client("mgr2").post(f"/beheer/meldingen/{reference}/acties",
                                       data={"action": "message", "note": "hoi"})
    assert other.status_code == 404
    forged = mgr.post(f"/beheer/meldingen/{reference}/acties", data={"action": "done", "paid_off": "nee",
                                                                      "note": "klaar"},
                      headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    with office.container.session_factory() as session:
        assert session.scalars(select(ActionRow).where(ActionRow.reference == reference)).all() == []


def test_closing_with_an_outcome_closes_the_report(office: Office) -> None:
    reference = office.file("demo", THREAT)
    coord = office.client("coord")
    res = coord.post(f"/beheer/meldingen/{reference}/acties",
                     data={"action": "done", "paid_off": "nee", "note": "Waarschuwing gegeven, excuses ontvangen."})
    assert res.status_code == 303
    assert reference not in coord.get("/beheer").text  # closed reports leave the open inbox
    assert reference in coord.get("/beheer", params={"status": "afgerond"}).text


def test_the_chat_page_links_managers_to_the_back_office(office: Office) -> None:
    assert 'href="/beheer"' in office.client("mgr").get("/").text
    assert 'href="/beheer"' in office.client("coord").get("/").text
    assert 'href="/beheer"' not in office.client("demo").get("/").text


def test_a_report_for_a_colleague_of_another_team_is_in_their_managers_inbox_with_that_team(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False)
    container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
    try:
        chat = ChatHarness(container.chat.handle)
        for line in ("Hallo", "Ik meld dit namens mijn collega Ahmed El Amrani. Een klant schold hem uit.",
                     "Nee, verder", "vanochtend", "Telefoon", "Nee, niemand gewond en geen getuigen", "Gaat wel",
                     "niets", "Nee, liever niet", "Klopt", "Versturen"):
            chat.say(line)
        assert "opgeslagen onder MLD-" in chat.text
        app = create_app(container=container)
        with running(app) as base:
            with signed_in(app, base, "mgr2") as peter:
                page = peter.get("/beheer/meldingen/MLD-2026-00001")
                assert page.status_code == 200
                assert "<dd>Sam de Vries</dd>" in page.text
                assert "<dd>Klantcontactcentrum</dd>" in page.text
            with signed_in(app, base, "mgr") as linda:  # Sam's own manager: not her team's report
                assert linda.get("/beheer/meldingen/MLD-2026-00001").status_code == 404
    finally:
        container.close()
