"""The JWT rejection matrix of `meldbot serve` in production mode: every bad Authorization header is a 401."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from jwt import PyJWK, PyJWKClient, PyJWKSet
from pydantic import SecretStr

from bot.bootstrap import bootstrap
from bot.channels.teams import TeamsConfigError
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakes import FakeClock, FakeUnderstander
from tests.unit.teams.activities import APP_ID, TENANT, SigningKey, message

TRUSTED = SigningKey()
OTHER = SigningKey()


@pytest.fixture(autouse=True)
def published_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Bot Framework's signing keys, served locally: only TRUSTED is published (no network in tests)."""

    def lookup(_client: PyJWKClient, kid: str) -> PyJWK:
        return PyJWKSet.from_dict(TRUSTED.jwks)[kid]

    monkeypatch.setattr(PyJWKClient, "get_signing_key", lookup)


def settings(tmp_path: Path, **teams: object) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", model_dir=tmp_path / "model",
                    scheduler_enabled=False, **teams)  # type: ignore[arg-type]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    production = settings(tmp_path, teams_app_id=APP_ID, teams_app_password=SecretStr("geheim"),
                          teams_tenant_id=TENANT)
    container = bootstrap(production, understander=FakeUnderstander(), clock=FakeClock())
    app = create_app(container=container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as c:
        yield c
    container.close()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer garbage",
        "Basic bWVsZGJvdDpnZWhlaW0=",
        f"Bearer {OTHER.token(kid=TRUSTED.kid)}",  # signed with a wrong key
        f"Bearer {OTHER.token()}",  # signed with a key that is not published
        f"Bearer {TRUSTED.token(audience='11111111-2222-4333-8444-555555555555')}",  # for another app
        f"Bearer {TRUSTED.token(expires_in=-3600)}",  # expired
    ],
    ids=["no header", "bare Bearer", "Bearer space", "garbage", "basic auth", "wrong key", "unknown key",
         "other audience", "expired"],
)
async def test_every_bad_authorization_header_gets_401(client: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.post("/api/messages", json=message("Hallo"), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_401_comes_before_the_body_is_read(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/messages", content=b"not even json")
    assert response.status_code == 401


async def test_a_token_signed_with_the_published_key_passes_authentication(client: httpx.AsyncClient) -> None:
    # Authenticated, then the body is checked: a 400 shows the token was accepted without touching MSAL.
    response = await client.post("/api/messages", content=b"[]",
                                 headers={"Authorization": f"Bearer {TRUSTED.token()}"})
    assert response.status_code == 400


def test_half_configured_production_refuses_to_start(tmp_path: Path) -> None:
    container = bootstrap(settings(tmp_path, teams_app_id=APP_ID), understander=FakeUnderstander(),
                          clock=FakeClock())
    try:
        with pytest.raises(TeamsConfigError, match="MELDBOT_TEAMS_APP_PASSWORD, MELDBOT_TEAMS_TENANT_ID"):
            create_app(container=container)
    finally:
        container.close()
