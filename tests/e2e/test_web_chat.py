"""A whole report through the HTTP server: chat API, idempotent message ids, limits, page and health."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import signed_in


@dataclass
class Server:
    app: FastAPI
    url: str

    def client(self, employee_id: str = "demo") -> httpx.Client:
        return signed_in(self.app, self.url, employee_id)


@contextmanager
def web_chat(kind: str, tmp_path: Path) -> Iterator[Server]:
    """meldbot's web app on a database of this kind, with the keyword understanding and a fixed clock."""
    with database_url(kind, tmp_path) as url:
        settings = Settings(database_url=url, scheduler_enabled=False, attachments_dir=tmp_path / "attachments")
        container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
        try:
            app = create_app(container=container)
            with running(app) as base:
                yield Server(app, base)
        finally:
            container.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    with web_chat(request.param, tmp_path) as running_server:
        yield running_server


def post(client: httpx.Client, text: str, message_id: str | None = None, **extra: str) -> httpx.Response:
    body = {"text": text, "message_id": message_id or uuid.uuid4().hex, **extra}
    return client.post("/api/chat", json=body)


def test_a_full_report_over_http_gets_a_reference(server: Server) -> None:
    with server.client() as client:
        assert post(client, "Hallo").status_code == 200
        post(client, "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. "
                     "Geen letsel.")
        reply = post(client, "Nee, verder").json()["replies"][0]
        assert reply == {"text": "Hoe voel je je nu?", "choices": ["Goed", "Gaat wel", "Niet goed"],
                         "prompt_id": reply["prompt_id"]}
        post(client, "2", in_reply_to=reply["prompt_id"])
        post(client, "niets")
        post(client, "Klopt")
        final = post(client, "Versturen").json()
        assert final["replies"][0]["text"].startswith("Je melding is opgeslagen onder MLD-2026-00001.")


def test_the_same_message_id_returns_exactly_the_same_response(server: Server) -> None:
    with server.client() as client:
        first = post(client, "Hallo", message_id="abc")
        second = post(client, "Hallo", message_id="abc")
        assert second.status_code == 200
        assert second.content == first.content


def test_a_message_over_4000_characters_gets_a_dutch_413(server: Server) -> None:
    with server.client() as client:
        res = post(client, "x" * 4001)
        assert res.status_code == 413
        assert res.json()["detail"].startswith("Je bericht is te lang")


def test_a_malformed_request_gets_a_dutch_422_not_a_500(server: Server) -> None:
    with server.client() as client:
        res = client.post("/api/chat", json={"text": "hoi"})
        assert res.status_code == 422
        assert res.json()["detail"].startswith("Het verzoek is niet compleet")
        res = client.post("/api/chat", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
        assert res.status_code in (400, 422)
        assert res.json()["detail"].startswith("Het verzoek")


def test_without_signing_in_the_chat_answers_401_in_dutch(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        res = client.post("/api/chat", json={"text": "Hallo", "message_id": "x"})
        assert res.status_code == 401
        assert res.json()["detail"] == "Je bent niet ingelogd. Open de startpagina en log in."
        page = client.get("/")
        assert page.status_code == 200
        assert "Inloggen" in page.text
        assert "/static/chat.js" not in page.text


def test_a_user_field_in_the_body_is_not_trusted(server: Server) -> None:
    with server.client("demo") as client:
        res = post(client, "mijn meldingen", user="mgr")
        assert res.status_code == 200
        own = server.app.state.container
        with own.session_factory() as session:
            from bot.storage.orm import ConversationRow

            users = {row.user_key for row in session.query(ConversationRow)}
        assert users <= {"demo"}


def test_health_page_and_openapi_are_served(server: Server) -> None:
    with server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        page = client.get("/")
        assert page.status_code == 200
        assert 'lang="nl"' in page.text
        assert "Ingelogd als Sam de Vries" in page.text
        script = client.get("/static/chat.js").text
        assert "textContent" in script
        assert "innerHTML" not in script.replace("never innerHTML", "")
        assert "/api/chat" in client.get("/openapi.json").json()["paths"]
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert "cdn.jsdelivr.net" not in docs.text  # the Swagger UI assets come from the installed package
        assert client.get("/favicon.ico").status_code == 200


def test_an_opened_page_gets_the_greeting_without_sending_a_message(server: Server) -> None:
    with server.client() as client:
        res = client.get("/api/chat/history")
        assert res.status_code == 200
        body = res.json()
        assert body["messages"][0]["text"].startswith("Hoi Sam, ik ben meldbot.")
        assert body["done_label"] == "Klaar"
        with server.app.state.container.session_factory() as session:
            from bot.storage.orm import ConversationRow

            assert session.query(ConversationRow).count() == 0
        script = client.get("/static/chat.js").text
        assert '"Hallo"' not in script


def test_a_reloaded_page_gets_the_conversation_so_far(server: Server) -> None:
    with server.client() as client:
        post(client, "Hallo")
        post(client, "een meneer schold me helemaal verrot")
        messages = client.get("/api/chat/history").json()["messages"]
        # The greeting the page showed first, then what was said; the greeting only once.
        assert [m["who"] for m in messages[:4]] == ["bot", "bot", "me", "bot"]
        assert messages[2]["text"] == "Hallo"
        assert sum(m["text"].startswith("Hoi Sam") for m in messages) == 1
        assert {"who": "me", "text": "een meneer schold me helemaal verrot", "choices": [], "prompt_id": None} \
            in messages
        assert messages[-1]["choices"] == ["Nee, verder"]


def test_the_history_needs_a_signed_in_person(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/api/chat/history").status_code == 401
