"""A whole report through the HTTP server: chat API, idempotent message ids, limits, page and health."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def base_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        container = bootstrap(Settings(database_url=url, scheduler_enabled=False), understander=FakeUnderstander(),
                              clock=FakeClock())
        try:
            with running(create_app(container=container)) as base:
                yield base
        finally:
            container.close()


def post(client: httpx.Client, text: str, message_id: str | None = None, user: str = "demo",
         **extra: str) -> httpx.Response:
    body = {"user": user, "text": text, "message_id": message_id or uuid.uuid4().hex, **extra}
    return client.post("/api/chat", json=body)


def test_a_full_report_over_http_gets_a_reference(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
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


def test_the_same_message_id_returns_exactly_the_same_response(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        first = post(client, "Hallo", message_id="abc")
        second = post(client, "Hallo", message_id="abc")
        assert second.status_code == 200
        assert second.content == first.content


def test_a_message_over_4000_characters_gets_a_dutch_413(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        res = post(client, "x" * 4001)
        assert res.status_code == 413
        assert res.json()["detail"].startswith("Je bericht is te lang")


def test_a_malformed_request_gets_a_dutch_422_not_a_500(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        res = client.post("/api/chat", json={"text": "hoi"})
        assert res.status_code == 422
        assert res.json()["detail"].startswith("Het verzoek is niet compleet")
        res = client.post("/api/chat", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
        assert res.status_code in (400, 422)
        assert res.json()["detail"].startswith("Het verzoek")


def test_an_unknown_employee_gets_a_polite_refusal(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        res = post(client, "Hallo", user="iemand-anders")
        assert res.status_code == 200
        assert res.json()["replies"][0]["text"].startswith("Ik ken je nog niet.")


def test_health_page_and_openapi_are_served(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        page = client.get("/")
        assert page.status_code == 200
        assert 'lang="nl"' in page.text
        assert "textContent" in page.text
        assert "innerHTML" not in page.text.replace("never innerHTML", "")
        assert "/api/chat" in client.get("/openapi.json").json()["paths"]
        assert client.get("/docs").status_code == 200
