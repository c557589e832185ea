"""The follow-up loop through the running HTTP server and its scheduler, with e-mail as the outgoing channel."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeUnderstander
from tests.integration.followup.smtp import Inbox, body, smtp_server
from tests.servers import running
from tests.unit.followup.script import THREAT
from tests.web import signed_in

pytestmark = pytest.mark.slow


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as found:
        yield found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[People]:
    with database_url(request.param, tmp_path) as url:
        settings = Settings(database_url=url, scheduler_enabled=True, tick_seconds=0.2, aftercare_schedule="2s,60s",
                            smtp_host="127.0.0.1", smtp_port=inbox[1], smtp_from="meldbot@voorbeeldstad.example")
        container = bootstrap(settings, understander=FakeUnderstander())
        try:
            app = create_app(container=container)
            with running(app) as base, People(app, base) as people:
                yield people
        finally:
            container.close()


class People:
    """One signed-in browser per employee."""

    def __init__(self, app: FastAPI, base: str) -> None:
        self.app, self.base = app, base
        self.clients: dict[str, httpx.Client] = {}

    def __call__(self, user: str) -> httpx.Client:
        if user not in self.clients:
            self.clients[user] = signed_in(self.app, self.base, user)
        return self.clients[user]

    def __enter__(self) -> People:
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self.clients.values():
            client.close()


def say(client: People, user: str, text: str, in_reply_to: str | None = None) -> list[dict[str, object]]:
    body_ = {"text": text, "message_id": uuid.uuid4().hex}
    if in_reply_to:
        body_["in_reply_to"] = in_reply_to
    response = client(user).post("/api/chat", json=body_)
    assert response.status_code == 200, response.text
    return response.json()["replies"]  # type: ignore[no-any-return]


def mail_to(inbox: Inbox, address: str, containing: str, timeout: float = 15.0) -> str:
    def found() -> str | None:
        for m in inbox.messages:
            if m["To"] == address and containing in body(m):
                return body(m)
        return None

    return wait(found, timeout)


def wait(probe: Callable[[], str | None], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while (value := probe()) is None:
        if time.monotonic() > deadline:
            raise AssertionError("not delivered in time")
        time.sleep(0.05)
    return value


def test_report_escalation_feedback_check_in_and_aangifte_over_http(server: People, inbox: tuple[Inbox, int]) -> None:
    mails = inbox[0]
    with server as client:
        say(client, "demo", "Hallo")
        say(client, "demo", THREAT)
        feeling = say(client, "demo", "Nee, verder")[-1]
        say(client, "demo", "2", in_reply_to=str(feeling["prompt_id"]))
        say(client, "demo", "1 en 3")
        say(client, "demo", "Klopt")
        filed = say(client, "demo", "Versturen")
        reference = str(filed[0]["text"]).split("opgeslagen onder ")[1].split(".")[0]
        told = "\n".join(str(r["text"]) for r in filed)
        assert "Linda Jansen en de veiligheidscoördinator krijgen nu een bericht van mij." in told
        referral = filed[-1]
        assert referral["choices"] == ["Ja, graag", "Nee, liever niet"]
        say(client, "demo", "1", in_reply_to=str(referral["prompt_id"]))
        request = mail_to(mails, "bmw@voorbeeldstad.example", reference)
        assert "Sam de Vries (sam.devries@voorbeeldstad.example)" in request
        assert "dreigde" not in request

        escalation = mail_to(mails, "linda.jansen@voorbeeldstad.example", reference)
        assert "binnen 48 uur" in escalation
        assert "Wat er gebeurde: Gisteravond aan de balie dreigde een man" in escalation
        copy = mail_to(mails, "fatima.yilmaz@voorbeeldstad.example", reference)
        assert "Ter informatie: Linda Jansen heeft nu ook bericht" in copy

        recorded = say(client, "mgr", f"burger gebeld {reference} rustig gesprek")[0]["text"]
        assert str(recorded).startswith(f"Vastgelegd bij {reference}: Burger gebeld.")
        news = mail_to(mails, "sam.devries@voorbeeldstad.example", "Nieuws over je melding")
        assert "Je leidinggevende heeft de burger gebeld." in news
        assert "Toelichting: rustig gesprek" in news

        whole = say(client, "mgr", f"bekijk {reference}")[0]["text"]
        assert str(whole).startswith(f"Melding {reference} van Sam de Vries")

        question = mail_to(mails, "sam.devries@voorbeeldstad.example", "Hoe gaat het nu met je?")
        assert "1. Goed" in question
        answer = say(client, "demo", "niet goed")
        assert answer[-1]["choices"] == ["Ja, laat het weten", "Nee, liever niet"]
        say(client, "demo", "ja")
        mail_to(mails, "linda.jansen@voorbeeldstad.example", "aan dat het niet zo goed")

        mine = say(client, "demo", "mijn meldingen")[0]["text"]
        assert "Je leidinggevende heeft de burger gebeld." in str(mine)

        draft = client("demo").get(f"/api/reports/{reference}/aangifte.txt")
        assert draft.status_code == 200
        assert draft.headers["content-disposition"] == f'attachment; filename="aangifte-{reference}.txt"'
        assert "VPT-incident" in draft.text
        assert "Postbus 1234" in draft.text
        assert client("noor").get(f"/api/reports/{reference}/aangifte.txt").status_code == 404
    severe = [m["To"] for m in mails.messages if reference in body(m) and "Ernstige melding" in body(m)]
    assert sorted(severe) == ["fatima.yilmaz@voorbeeldstad.example", "linda.jansen@voorbeeldstad.example"]
