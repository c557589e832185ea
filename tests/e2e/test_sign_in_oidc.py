"""Signing in with OpenID Connect against a real provider (oidc-provider on Node.js); bearer tokens for API clients."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.auth import WebSessionRow
from bot.storage.orm import AuditRow
from bot.web.app import create_app
from bot.web.auth import SESSION_COOKIE
from tests.fakes import FakeUnderstander
from tests.oidc_provider import Provider, login_with_httpx, obtain_tokens, running_provider
from tests.servers import free_port, running

pytestmark = pytest.mark.slow

SECRET = "test-only-secret"
ACCOUNTS = {
    "sam": {"email": "Sam.deVries@voorbeeldstad.example", "oid": "6f1d2a8e-3b4c-4d5e-9f60-718293a4b5c6",
            "name": "Sam de Vries"},
    "linda": {"email": "linda.jansen@voorbeeldstad.example", "name": "Linda Jansen"},
    "stranger": {"email": "iemand@elders.example", "name": "Iemand Anders"},
}


@dataclass
class Setup:
    provider: Provider
    url: str
    app: FastAPI
    container: Container
    redirect_uri: str

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, headers={"Origin": self.url})


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    redirect_uri = f"{base}/auth/callback"
    clients = [{"client_id": "meldbot", "client_secret": SECRET, "redirect_uris": [redirect_uri]}]
    with running_provider(clients, ACCOUNTS, audience="api://meldbot") as provider:
        tmp = tmp_path_factory.mktemp("oidc")
        settings = Settings(database_url=f"sqlite:///{tmp / 'meldbot.db'}", scheduler_enabled=False,
                            public_url=base, oidc_issuer=provider.issuer, oidc_client_id="meldbot",
                            oidc_client_secret=SECRET, oidc_audience="api://meldbot")  # type: ignore[arg-type]
        container = bootstrap(settings, understander=FakeUnderstander())
        try:
            app = create_app(container=container)
            with running(app, port=port):
                yield Setup(provider, base, app, container, redirect_uri)
        finally:
            container.close()


def chat(client: httpx.Client, text: str = "mijn meldingen", **headers: str) -> httpx.Response:
    return client.post("/api/chat", json={"text": text, "message_id": uuid.uuid4().hex}, headers=headers)


def test_the_sign_in_page_offers_the_organisation_account(setup: Setup) -> None:
    with setup.browser() as browser:
        page = browser.get("/")
    assert "Inloggen met je organisatieaccount" in page.text
    assert 'href="/login/oidc"' in page.text


def test_signing_in_at_the_provider_opens_the_chat_as_that_person(setup: Setup) -> None:
    with setup.browser() as browser:
        back = login_with_httpx(browser, f"{setup.url}/login/oidc", "sam")
        assert back.status_code == 303
        assert back.headers["location"] == "/"
        assert SESSION_COOKIE in back.cookies
        assert "Ingelogd als Sam de Vries" in browser.get("/").text
        assert browser.get("/api/me").json()["id"] == "demo"
        history = browser.get("/api/chat/history")
        assert history.json()["messages"][0]["text"].startswith("Hoi Sam")  # the chat greets Sam before he types
        reply = chat(browser, "Hallo")
        assert reply.status_code == 200
        assert reply.json()["replies"][0]["text"] == "Vertel in je eigen woorden wat er is gebeurd."
    with setup.container.session_factory() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.actor == "demo", AuditRow.action == "signed_in"))
        assert any(row.details == {"channel": "web", "via": "oidc"} for row in rows)


def test_a_manager_signs_in_and_lands_where_they_were_going(setup: Setup) -> None:
    with setup.browser() as browser:
        back = login_with_httpx(browser, f"{setup.url}/login/oidc?next=/api/reports", "linda")
        assert back.headers["location"] == "/api/reports"
        assert browser.get("/api/me").json()["roles"] == ["employee", "manager"]


def test_someone_the_organisation_does_not_know_is_refused_and_nothing_is_stored(setup: Setup) -> None:
    with setup.container.session_factory() as session:
        sessions_before = len(session.scalars(select(WebSessionRow)).all())
        audit_before = len(session.scalars(select(AuditRow)).all())
    with setup.browser() as browser:
        back = login_with_httpx(browser, f"{setup.url}/login/oidc", "stranger")
        assert back.status_code == 403
        assert "Geen toegang" in back.text
        assert "Er is niets over je opgeslagen." in back.text
        assert SESSION_COOKIE not in back.cookies
        assert chat(browser).status_code == 401
    with setup.container.session_factory() as session:
        assert len(session.scalars(select(WebSessionRow)).all()) == sessions_before
        rows = session.scalars(select(AuditRow)).all()
        assert len(rows) == audit_before
        assert not any("elders.example" in str(row.details) or row.actor == "stranger" for row in rows)


def test_a_forged_or_replayed_callback_gets_a_dutch_page_never_a_session(setup: Setup) -> None:
    with setup.browser() as browser:
        forged = browser.get("/auth/callback?" + urlencode({"code": "abc", "state": "made-up"}))
        assert forged.status_code == 400
        assert "Inloggen lukte niet" in forged.text
        denied = browser.get("/auth/callback?error=access_denied&state=x")
        assert denied.status_code == 400
        start = browser.get("/login/oidc")
        assert start.status_code == 302
        assert start.headers["location"].startswith(setup.provider.issuer)
        assert "code_challenge_method=S256" in start.headers["location"]
        assert "nonce=" in start.headers["location"]


def test_a_callback_from_another_browser_is_refused(setup: Setup) -> None:
    """Login CSRF: the state is bound to the browser that started the sign-in."""
    with setup.browser() as attacker:
        start = attacker.get("/login/oidc")
        state = httpx.URL(start.headers["location"]).params["state"]
    with setup.browser() as victim:
        res = victim.get("/auth/callback?" + urlencode({"code": "stolen", "state": state}))
        assert res.status_code == 400
        assert SESSION_COOKIE not in res.cookies


def test_an_open_redirect_after_sign_in_is_impossible(setup: Setup) -> None:
    with setup.browser() as browser:
        back = login_with_httpx(browser, f"{setup.url}/login/oidc?next=//evil.example/x", "sam")
        assert back.headers["location"] == "/"


def test_an_api_client_chats_with_a_bearer_access_token(setup: Setup) -> None:
    tokens = obtain_tokens(setup.provider, "meldbot", SECRET, setup.redirect_uri, "sam")
    with httpx.Client(base_url=setup.url, timeout=10) as api:
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert api.get("/api/me", headers=bearer).json()["id"] == "demo"
        assert chat(api, "mijn meldingen", **bearer).status_code == 200
        # The ID token is for this site, not an access token for the API (another audience).
        assert chat(api, **{"Authorization": f"Bearer {tokens['id_token']}"}).status_code == 401
        broken = tokens["access_token"][:-4] + ("AAAA" if not tokens["access_token"].endswith("AAAA") else "BBBB")
        assert chat(api, **{"Authorization": f"Bearer {broken}"}).status_code == 401
        assert chat(api, **{"Authorization": "Bearer not.a.jwt"}).status_code == 401
        assert chat(api, **{"Authorization": "Basic c2FtOnNhbQ=="}).status_code == 401
        assert chat(api).status_code == 401


def test_a_bearer_token_of_a_stranger_is_refused(setup: Setup) -> None:
    tokens = obtain_tokens(setup.provider, "meldbot", SECRET, setup.redirect_uri, "stranger")
    with httpx.Client(base_url=setup.url, timeout=10) as api:
        res = chat(api, **{"Authorization": f"Bearer {tokens['access_token']}"})
    assert res.status_code == 401


def test_a_closed_provider_gets_a_dutch_page(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False,
                        oidc_issuer=closed, oidc_client_id="meldbot")
    container = bootstrap(settings, understander=FakeUnderstander())
    try:
        with running(create_app(container=container)) as base, httpx.Client(base_url=base, timeout=20) as browser:
            res = browser.get("/login/oidc")
            assert res.status_code == 503
            assert "Inloggen is nu niet mogelijk" in res.text
            assert browser.get("/api/me", headers={"Authorization": "Bearer x.y.z"}).status_code == 401
    finally:
        container.close()
