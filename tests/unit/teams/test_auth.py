"""The JWT rejection matrix of /api/messages, offline: the SDK's validator with signing keys served by a fake."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from jwt import PyJWK, PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError
from microsoft_agents.hosting.core import AgentAuthConfiguration

from bot.channels.teams.auth import ActivityAuth
from tests.unit.teams.activities import APP_ID, TENANT, SigningKey


class SigningKeys:
    """Stands in for the Bot Framework's keys endpoint (PyJWKClient.get_signing_key); counts the lookups."""

    def __init__(self) -> None:
        self.jwks: dict[str, Any] | None = None
        self.error: Exception | None = None
        self.block: threading.Event | None = None
        self.fetches = 0

    def signing_key(self, kid: str) -> PyJWK:
        self.fetches += 1
        if self.block is not None:
            self.block.wait(2)
        if self.error is not None:
            raise self.error
        if self.jwks is None:
            raise AssertionError("no network in tests: signing keys were fetched unexpectedly")
        for key in PyJWKSet.from_dict(self.jwks).keys:
            if key.key_id == kid:
                return key
        raise PyJWKClientError(f"no signing key {kid}")


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> SigningKeys:
    fake = SigningKeys()
    monkeypatch.setattr(PyJWKClient, "get_signing_key", lambda _client, kid: fake.signing_key(kid))
    return fake


@pytest.fixture(scope="module")
def trusted() -> SigningKey:
    return SigningKey()


@pytest.fixture(scope="module")
def stranger_key() -> SigningKey:
    return SigningKey()


def production(**kwargs: Any) -> ActivityAuth:
    return ActivityAuth(AgentAuthConfiguration(client_id=APP_ID, tenant_id=TENANT, client_secret="s"), **kwargs)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwdw==",
                                    "Bearer a.b.c", "Bearer x y", "garbage"])
async def test_missing_bare_or_garbage_headers_are_refused_without_fetching_keys(
    keys: SigningKeys, header: str | None
) -> None:
    assert await production().authenticate(header) is None
    assert keys.fetches == 0


async def test_a_token_for_another_app_is_refused_before_any_key_fetch(keys: SigningKeys, trusted: SigningKey) -> None:
    token = trusted.token(audience="00000000-0000-0000-0000-000000000000")
    assert await production().authenticate(f"Bearer {token}") is None
    assert keys.fetches == 0


async def test_an_expired_token_is_refused_before_any_key_fetch(keys: SigningKeys, trusted: SigningKey) -> None:
    token = trusted.token(expires_in=-3600)
    assert await production().authenticate(f"Bearer {token}") is None
    assert keys.fetches == 0


async def test_a_token_signed_with_a_wrong_key_is_refused(
    keys: SigningKeys, trusted: SigningKey, stranger_key: SigningKey
) -> None:
    keys.jwks = trusted.jwks
    forged = stranger_key.token(kid=trusted.kid)
    assert await production().authenticate(f"Bearer {forged}") is None
    assert keys.fetches >= 1


async def test_a_token_signed_with_an_unknown_key_is_refused(keys: SigningKeys, stranger_key: SigningKey) -> None:
    keys.jwks = SigningKey().jwks
    assert await production().authenticate(f"Bearer {stranger_key.token()}") is None


async def test_a_token_signed_with_the_published_key_is_accepted(keys: SigningKeys, trusted: SigningKey) -> None:
    keys.jwks = trusted.jwks
    identity = await production().authenticate(f"Bearer {trusted.token()}")
    assert identity is not None
    assert identity.get_claim_value("aud") == APP_ID


async def test_unreachable_signing_keys_mean_401_not_500(keys: SigningKeys) -> None:
    key = SigningKey()
    keys.error = PyJWKClientConnectionError("no network")
    assert await production().authenticate(f"Bearer {key.token()}") is None


async def test_hanging_signing_keys_mean_401_within_the_timeout(keys: SigningKeys) -> None:
    key = SigningKey()
    keys.block = threading.Event()
    keys.error = PyJWKClientConnectionError("no network")
    started = time.monotonic()
    try:
        assert await production(timeout=0.2).authenticate(f"Bearer {key.token()}") is None
    finally:
        keys.block.set()
    assert time.monotonic() - started < 1.5


async def test_dev_mode_accepts_a_request_without_header_as_anonymous(keys: SigningKeys) -> None:
    auth = ActivityAuth(AgentAuthConfiguration(anonymous_allowed=True))
    identity = await auth.authenticate(None)
    assert identity is not None
    assert identity.allow_anonymous


async def test_dev_mode_still_refuses_a_token_it_cannot_check(keys: SigningKeys) -> None:
    auth = ActivityAuth(AgentAuthConfiguration(anonymous_allowed=True))
    assert await auth.authenticate(f"Bearer {SigningKey().token()}") is None
    assert keys.fetches == 0
