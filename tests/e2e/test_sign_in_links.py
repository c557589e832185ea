"""Signing in on the embedded default: one-time links, sessions, sign-out, idle limits, CSRF, rate limits, logs."""

from __future__ import annotations

import json
import logging
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
from bot.storage.auth import LoginLinkRow, WebSessionRow
from bot.web.app import create_app
from bot.web.auth import SESSION_COOKIE
from bot.web.logs import redact_path
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import link_path, signed_in


@dataclass
class Site:
    app: FastAPI
    url: str
    container: Container
    clock: FakeClock

    def browser(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, headers={"Origin": self.url}, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock = FakeClock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False,
                        auth_max_failures=5)
    container = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
    try:
        app = create_app(container=container)
        with running(app) as base:
            yield Site(app, base, container, clock)
    finally:
        container.close()


def chat(client: httpx.Client, text: str = "mijn meldingen") -> httpx.Response:
    return client.post("/api/chat", json={"text": text, "message_id": uuid.uuid4().hex})


def test_a_link_signs_in_once_and_the_chat_knows_who_you_are(site: Site) -> None:
    path = link_path(site.app, "demo")
    with site.browser() as browser:
        res = browser.get(path)
        assert res.status_code == 303
        assert res.headers["location"] == "/"
        cookie = res.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie  # plain http on localhost
        page = browser.get("/")
        assert "Ingelogd als Sam de Vries" in page.text
        assert browser.get("/api/me").json()["id"] == "demo"
        assert chat(browser).status_code == 200
    with site.browser() as again:
        used = again.get(path)
        assert used.status_code == 410
        assert "Deze inloglink is al gebruikt" in used.text
        assert SESSION_COOKIE not in used.cookies


def test_the_link_is_stored_only_as_a_hash(site: Site) -> None:
    path = link_path(site.app, "demo")
    token = path.rsplit("/", 1)[1]
    with site.container.session_factory() as session:
        stored = [row.token_hash for row in session.scalars(select(LoginLinkRow))]
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_an_expired_link_gets_a_dutch_page_saying_what_to_do(site: Site) -> None:
    path = link_path(site.app, "demo")
    site.clock.advance(hours=24, seconds=1)
    with site.browser() as browser:
        res = browser.get(path)
    assert res.status_code == 410
    assert "Deze inloglink is verlopen" in res.text
    assert "vraag je leidinggevende" in res.text.lower()


def test_an_unknown_link_gets_a_dutch_page_and_guessing_is_rate_limited(site: Site) -> None:
    with site.browser() as browser:
        for _ in range(5):
            res = browser.get(f"/login/{uuid.uuid4().hex}")
            assert res.status_code == 404
            assert "Deze inloglink klopt niet" in res.text
        limited = browser.get(link_path(site.app, "demo"))  # even a good link waits now
        assert limited.status_code == 429
        assert "Te veel pogingen" in limited.text
        site.clock.advance(minutes=16)
        assert browser.get(link_path(site.app, "demo")).status_code == 303


# The last looks like a real session id, but no session has it.
@pytest.mark.parametrize("cookie", ["garbage", "", "x" * 5000, "\u202e\u0000", "a;b=c",
                                    "3e1ad82bcf7349189d908708f1b65ea5"])
def test_a_tampered_or_foreign_cookie_is_simply_signed_out(site: Site, cookie: str) -> None:
    with site.browser() as browser:
        browser.cookies.set(SESSION_COOKIE, cookie.encode("unicode_escape").decode("ascii"))
        page = browser.get("/")
        assert page.status_code == 200
        assert "Inloggen" in page.text
        assert chat(browser).status_code in (401, 403)
        assert browser.get("/api/reports").status_code == 401


def test_signing_out_ends_the_session_and_signing_out_everywhere_ends_them_all(site: Site) -> None:
    phone = signed_in(site.app, site.url, "demo")
    laptop = signed_in(site.app, site.url, "demo")
    other = signed_in(site.app, site.url, "noor")
    with phone, laptop, other:
        res = phone.post("/logout")
        assert res.status_code == 200
        assert "Je bent uitgelogd" in res.text
        assert chat(phone).status_code == 401
        assert chat(laptop).status_code == 200
        tablet = signed_in(site.app, site.url, "demo")
        with tablet:
            assert tablet.post("/logout", params={"everywhere": "true"}).status_code == 200
            assert chat(tablet).status_code == 401
        assert chat(laptop).status_code == 401
        assert chat(other).status_code == 200
    with site.container.session_factory() as session:
        live = session.scalars(select(WebSessionRow).where(WebSessionRow.revoked_at.is_(None))).all()
    assert [row.employee_id for row in live] == ["noor"]


def test_a_chat_session_ends_after_12_idle_hours(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        site.clock.advance(hours=11, minutes=59)
        assert chat(browser).status_code == 200
        site.clock.advance(hours=11, minutes=59)
        assert chat(browser).status_code == 200  # activity keeps it alive
        site.clock.advance(hours=12, minutes=1)
        res = chat(browser)
        assert res.status_code == 401
        assert res.json()["detail"] == "Je bent niet ingelogd. Open de startpagina en log in."


def test_back_office_work_needs_activity_within_30_minutes(site: Site) -> None:
    with signed_in(site.app, site.url, "coord") as browser:
        assert browser.get("/api/export").status_code == 200
        site.clock.advance(minutes=29)
        assert browser.get("/api/export").status_code == 200
        site.clock.advance(minutes=31)
        assert browser.get("/api/export").status_code == 401
        assert chat(browser).status_code == 401  # the session is over, not only the back-office part


def test_a_state_changing_request_from_another_site_is_refused(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        forged = browser.post("/api/chat", json={"text": "stop", "message_id": "x"},
                              headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
        assert forged.json()["detail"].startswith("Dit verzoek kwam niet van de meldbot-pagina")
        del browser.headers["Origin"]
        assert browser.post("/api/chat", json={"text": "stop", "message_id": "y"}).status_code == 403
        referred = browser.post("/api/chat", json={"text": "hoi", "message_id": "z"},
                                headers={"Referer": f"{site.url}/"})
        assert referred.status_code == 200
        logout = browser.post("/logout", headers={"Origin": "https://evil.example"})
        assert logout.status_code == 403
        assert "Verzoek geweigerd" in logout.text


def test_pages_carry_a_strict_content_security_policy(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        page = browser.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script: the chat code is a file


def test_no_token_or_cookie_reaches_a_log_line(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = link_path(site.app, "demo")
    with site.browser() as browser:
        res = browser.get(path)
        sid = res.cookies[SESSION_COOKIE]
        chat(browser, "Een man schold me uit aan de balie.")
        browser.get(path)
        browser.get("/login/raden-is-zinloos")
    token = path.rsplit("/", 1)[1]
    # The server's log lines (the test's own HTTP client logs what it requests; that is not the server).
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert "sign-in link refused" in text
    for secret in (token, sid, "raden-is-zinloos", "schold me uit"):
        assert secret not in text


def test_the_access_log_never_shows_sign_in_tokens_or_query_strings() -> None:
    assert redact_path("/login/abcDEF123") == "/login/[verborgen]"
    assert redact_path("/login/oidc?next=/x") == "/login/oidc"
    assert redact_path("/auth/callback?code=secret&state=s") == "/auth/callback"
    assert redact_path("/api/chat") == "/api/chat"


@pytest.mark.parametrize("text", ["\ud800", "a\ud800b\udfff", "nul\x00byte", "\u202egnirts\u200d", "😀" * 1000])
def test_hostile_text_never_answers_500(site: Site, text: str) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        res = browser.post("/api/chat", content=json.dumps({"text": text, "message_id": uuid.uuid4().hex}),
                           headers={"content-type": "application/json"})
    assert res.status_code == 200


@pytest.mark.parametrize("message_id", ["\x00", "a b", "<script>", "x" * 201, ""])
def test_a_malformed_message_id_gets_a_dutch_422(site: Site, message_id: str) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        res = browser.post("/api/chat", json={"text": "hoi", "message_id": message_id})
    assert res.status_code == 422
    assert res.json()["detail"].startswith("Het verzoek is niet compleet of niet geldig")


def test_a_huge_body_is_refused_before_it_is_read(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        res = browser.post("/api/chat", content=b"{" + b" " * (10 * 1024 * 1024) + b"}",
                           headers={"content-type": "application/json"})
    assert res.status_code == 413
    assert res.json()["detail"].startswith("Het verzoek is te groot")


def test_every_response_carries_security_headers(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        for path in ("/", "/api/me", "/healthz", "/static/meldbot.css"):
            headers = browser.get(path).headers
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
            assert headers["x-frame-options"] == "DENY"
        assert browser.get("/api/me").headers["cache-control"] == "no-store"
