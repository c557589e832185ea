"""Replies and proactive check-ins reach a (fake) Bot Connector, in dev mode and with real JWT validation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import ClientResponseError
from fastapi import FastAPI
from jwt import PyJWK, PyJWKClient, PyJWKSet
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity
from pydantic import SecretStr

from bot.bootstrap import Container, bootstrap
from bot.channels.teams import TeamsChannel, create_teams_channel
from bot.conversation.messages import Reply
from bot.ports import Undeliverable
from bot.settings import Settings
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.teams.fake_connector import FakeConnector
from tests.unit.teams.activities import APP_ID, SAM, TENANT, SigningKey, message

CHECK_IN = Reply("Hoe gaat het nu met je?", ("Goed", "Gaat wel", "Niet goed"), "checkin-1")


async def post(channel: TeamsChannel, activity: dict[str, Any], token: str | None = None) -> httpx.Response:
    app = FastAPI()
    app.include_router(channel.router)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://meldbot") as client:
        return await client.post("/api/messages", json=activity, headers=headers)


def stored_address(container: Container, employee_id: str = "demo") -> dict[str, Any]:
    with container.uow_factory() as uow:
        [(channel, external_id, address)] = uow.identities.addresses_of(employee_id)
    assert (channel, external_id) == ("teams", SAM)
    assert address is not None
    return address


@pytest.fixture
def channel(container: Container) -> TeamsChannel:
    return create_teams_channel(container)


async def test_replies_go_to_the_connector_and_the_reference_is_stored_on_first_contact(
    channel: TeamsChannel, container: Container, connector: FakeConnector
) -> None:
    response = await post(channel, message("Hallo", service_url=connector.url, expect_replies=False,
                                           activity_id="1700000000001"))
    assert response.status_code == 202
    assert connector.texts == [container.texts("opening", name="Sam"), container.texts("ask_description")]
    assert {(p.conversation_id, p.reply_to, p.authorization) for p in connector.posted} == {
        ("a:personal-sam", "1700000000001", None)
    }
    assert stored_address(container)["serviceUrl"] == connector.url


async def test_a_proactive_check_in_is_delivered_to_the_stored_reference(
    channel: TeamsChannel, container: Container, connector: FakeConnector
) -> None:
    await post(channel, message("Hallo", service_url=connector.url, expect_replies=False))
    connector.posted.clear()
    await channel.send(stored_address(container), [CHECK_IN])
    [posted] = connector.posted
    assert posted.conversation_id == "a:personal-sam"
    assert posted.activity["text"] == "Hoe gaat het nu met je?"
    assert posted.activity["recipient"]["id"] == f"29:{SAM}"
    [card] = posted.activity["attachments"]
    assert [a["data"] for e in card["content"]["body"] for a in e["actions"]] == [
        {"prompt_id": "checkin-1", "choice": 0, "label": "Goed"},
        {"prompt_id": "checkin-1", "choice": 1, "label": "Gaat wel"},
        {"prompt_id": "checkin-1", "choice": 2, "label": "Niet goed"},
    ]


@pytest.mark.parametrize("status", [403, 404])
async def test_a_user_who_removed_the_app_is_undeliverable(
    channel: TeamsChannel, container: Container, connector: FakeConnector, status: int
) -> None:
    await post(channel, message("Hallo", service_url=connector.url, expect_replies=False))
    connector.status_for["a:personal-sam"] = status
    with pytest.raises(Undeliverable):
        await channel.send(stored_address(container), [CHECK_IN])


async def test_a_connector_failure_is_retried_later_not_undeliverable(
    channel: TeamsChannel, container: Container, connector: FakeConnector
) -> None:
    await post(channel, message("Hallo", service_url=connector.url, expect_replies=False))
    connector.status_for["a:personal-sam"] = 503
    with pytest.raises(ClientResponseError):
        await channel.send(stored_address(container), [CHECK_IN])


async def test_an_incomplete_reference_is_undeliverable(channel: TeamsChannel) -> None:
    with pytest.raises(Undeliverable):
        await channel.send({"channelId": "msteams"}, [CHECK_IN])


async def test_a_failed_reply_is_a_500_and_the_retry_sends_the_stored_replies(
    channel: TeamsChannel, container: Container, connector: FakeConnector
) -> None:
    activity = message("Hallo", service_url=connector.url, expect_replies=False)
    connector.status_for["a:personal-sam"] = 503
    assert (await post(channel, activity)).status_code == 500
    connector.status_for.clear()
    assert (await post(channel, activity)).status_code == 202
    assert connector.texts == [container.texts("opening", name="Sam"), container.texts("ask_description")]


# -- production mode: the SDK validates the JWT and the connector gets the app's token -----------------


class TokenProvider:
    """The app's outbound token without MSAL (no network in tests)."""

    configuration = AgentAuthConfiguration(client_id=APP_ID, tenant_id=TENANT, client_secret="s")

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return "connector-token"

    def get_token_credential(self) -> Any:
        raise NotImplementedError


class FakeConnections:
    """The SDK's Connections port with one connection, SERVICE_CONNECTION."""

    provider = TokenProvider()

    def get_connection(self, connection_name: str) -> TokenProvider:
        return self.provider

    def get_default_connection(self) -> TokenProvider:
        return self.provider

    def get_token_provider(self, claims_identity: ClaimsIdentity, service_url: str) -> TokenProvider:
        return self.provider

    def get_token_provider_from_activity(self, claims_identity: ClaimsIdentity, activity: Any) -> TokenProvider:
        return self.provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.provider.configuration


@pytest.fixture
def signing_key(monkeypatch: pytest.MonkeyPatch) -> SigningKey:
    key = SigningKey()

    def published(_client: PyJWKClient, kid: str) -> PyJWK:
        [found] = [k for k in PyJWKSet.from_dict(key.jwks).keys if k.key_id == kid]
        return found

    monkeypatch.setattr(PyJWKClient, "get_signing_key", published)
    return key


@pytest.fixture
async def production(db_url: str, tmp_path: Any, clock: FakeClock) -> AsyncIterator[Container]:
    settings = Settings(database_url=db_url, model_dir=tmp_path / "model", scheduler_enabled=False,
                        teams_app_id=APP_ID, teams_app_password=SecretStr("geheim"), teams_tenant_id=TENANT)
    container = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
    yield container
    container.close()


async def test_in_production_a_signed_activity_is_answered_with_the_apps_token(
    production: Container, connector: FakeConnector, signing_key: SigningKey
) -> None:
    channel = create_teams_channel(production, connections=FakeConnections())  # type: ignore[arg-type]
    token = signing_key.token(service_url=connector.url)
    response = await post(channel, message("Hallo", service_url=connector.url, expect_replies=False), token)
    assert response.status_code == 202
    assert [p.authorization for p in connector.posted] == ["Bearer connector-token"] * 2
    connector.posted.clear()
    await channel.send(stored_address(production), [CHECK_IN])
    assert [(p.authorization, p.activity["text"]) for p in connector.posted] == [
        ("Bearer connector-token", CHECK_IN.text)
    ]


async def test_in_production_an_unsigned_activity_is_refused(production: Container, connector: FakeConnector) -> None:
    channel = create_teams_channel(production, connections=FakeConnections())  # type: ignore[arg-type]
    response = await post(channel, message("Hallo", service_url=connector.url, expect_replies=False))
    assert response.status_code == 401
    assert connector.posted == []
