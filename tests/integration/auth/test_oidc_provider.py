"""The local OpenID provider: discovery, signed ID and access tokens, and signing in at a relying party."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey

from tests.oidc_provider import Provider, login_with_httpx, obtain_tokens, running_provider
from tests.servers import free_port, running

pytestmark = pytest.mark.slow

RP_PORT = free_port()
REDIRECT_URI = f"http://127.0.0.1:{RP_PORT}/auth/callback"
CLIENT = {"client_id": "meldbot-web", "client_secret": "test-secret", "redirect_uris": [REDIRECT_URI]}
SAM = {"email": "sam.devries@voorbeeldstad.example", "oid": "6f1d2a8e-3c4b-4e5f-9a7b-1c2d3e4f5a6b",
       "name": "Sam de Vries"}
ACCOUNTS = {"sam": SAM, "stranger": {"email": "nobody@elsewhere.example"}}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider([CLIENT], ACCOUNTS) as p:
        yield p


@pytest.fixture(scope="module")
def keys(provider: Provider) -> KeySet:
    config = httpx.get(provider.discovery_url).raise_for_status().json()
    return KeySet.import_key_set(httpx.get(config["jwks_uri"]).raise_for_status().json())


def tokens_for(provider: Provider, login: str, **kwargs: Any) -> dict[str, Any]:
    return obtain_tokens(provider, CLIENT["client_id"], CLIENT["client_secret"], REDIRECT_URI, login, **kwargs)


def verified(token: str, keys: KeySet, **expected: Any) -> dict[str, Any]:
    """The claims of a JWT after checking its RS256 signature, exp and the expected claim values."""
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    registry = jwt.JWTClaimsRegistry(exp={"essential": True},
                                     **{name: {"essential": True, "value": value} for name, value in expected.items()})
    registry.validate(decoded.claims)
    return decoded.claims


def test_discovery_names_the_issuer_and_supports_pkce(provider: Provider) -> None:
    config = httpx.get(provider.discovery_url).raise_for_status().json()
    assert config["issuer"] == provider.issuer
    assert config["authorization_endpoint"].startswith(provider.issuer)
    assert "S256" in config["code_challenge_methods_supported"]
    assert {"client_secret_basic", "client_secret_post"} <= set(config["token_endpoint_auth_methods_supported"])


def test_id_token_is_signed_and_carries_the_account_claims(provider: Provider, keys: KeySet) -> None:
    tokens = tokens_for(provider, "sam")
    claims = verified(tokens["id_token"], keys, iss=provider.issuer, aud=CLIENT["client_id"], sub="sam",
                      email=SAM["email"])
    assert claims["name"] == SAM["name"]
    assert claims["oid"] == SAM["oid"]
    assert claims["email_verified"] is True


def test_id_token_from_elsewhere_is_rejected(provider: Provider, keys: KeySet) -> None:
    tokens = tokens_for(provider, "sam")
    other = KeySet([RSAKey.generate_key(2048, parameters={"kid": key.kid}) for key in keys])
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens["id_token"], other, algorithms=["RS256"])


def test_access_token_is_a_jwt_for_the_api(provider: Provider, keys: KeySet) -> None:
    tokens = tokens_for(provider, "sam")
    assert tokens["token_type"] == "Bearer"
    assert jwt.decode(tokens["access_token"], keys, algorithms=["RS256"]).header["typ"] == "at+jwt"  # RFC 9068
    claims = verified(tokens["access_token"], keys, iss=provider.issuer, aud="meldbot", sub="sam",
                      email=SAM["email"], oid=SAM["oid"])
    assert claims["client_id"] == CLIENT["client_id"]


def test_the_audience_of_access_tokens_is_configurable(keys: KeySet) -> None:
    with running_provider([CLIENT], ACCOUNTS, audience="api://meldbot") as other:
        tokens = tokens_for(other, "stranger")
        config = httpx.get(other.discovery_url).raise_for_status().json()
        other_keys = KeySet.import_key_set(httpx.get(config["jwks_uri"]).raise_for_status().json())
    claims = verified(tokens["access_token"], other_keys, iss=other.issuer, aud="api://meldbot",
                      email="nobody@elsewhere.example")
    assert "oid" not in claims


def test_consent_when_asked_for_and_a_refresh_token(provider: Provider, keys: KeySet) -> None:
    tokens = tokens_for(provider, "sam", prompt="consent")
    verified(tokens["id_token"], keys, aud=CLIENT["client_id"], sub="sam")
    refreshed = httpx.post(f"{provider.issuer}/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": CLIENT["client_id"], "client_secret": CLIENT["client_secret"],  # client_secret_post
    }).raise_for_status().json()
    verified(refreshed["access_token"], keys, aud="meldbot", sub="sam", oid=SAM["oid"])


def relying_party(provider: Provider, keys: KeySet) -> FastAPI:
    """A minimal web app that signs in with the provider (client_secret_post) and shows the ID token claims."""
    app = FastAPI()
    verifiers: dict[str, str] = {}
    config = httpx.get(provider.discovery_url).raise_for_status().json()

    @app.get("/login")
    def login() -> RedirectResponse:
        return RedirectResponse("/login/oidc", status_code=303)

    @app.get("/login/oidc")
    def login_oidc() -> RedirectResponse:
        state, verifier = generate_token(20), generate_token(48)
        verifiers[state] = verifier
        query = urlencode({"response_type": "code", "client_id": CLIENT["client_id"], "redirect_uri": REDIRECT_URI,
                           "scope": "openid email profile", "state": state, "code_challenge_method": "S256",
                           "code_challenge": create_s256_code_challenge(verifier)})
        return RedirectResponse(f"{config['authorization_endpoint']}?{query}", status_code=302)

    @app.get("/auth/callback")
    def callback(code: str, state: str) -> JSONResponse:
        tokens = httpx.post(config["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifiers.pop(state), "client_id": CLIENT["client_id"],
            "client_secret": CLIENT["client_secret"],
        }).raise_for_status().json()
        claims = verified(tokens["id_token"], keys, iss=provider.issuer, aud=CLIENT["client_id"])
        response = JSONResponse({"sub": claims["sub"], "email": claims.get("email")})
        response.set_cookie("rp_session", claims["sub"], httponly=True)
        return response

    return app


def test_login_with_httpx_signs_in_at_a_relying_party(provider: Provider, keys: KeySet) -> None:
    with running(relying_party(provider, keys), port=RP_PORT) as base, httpx.Client(follow_redirects=True) as client:
        first = login_with_httpx(client, f"{base}/login", "sam")
        assert first.status_code == 200
        assert first.json() == {"sub": "sam", "email": SAM["email"]}
        assert client.cookies.get("rp_session", domain="127.0.0.1", path="/") == "sam"

        # The provider remembers sam, but a new sign-in is always the login asked for.
        second = login_with_httpx(client, f"{base}/login/oidc", "stranger")
        assert second.json() == {"sub": "stranger", "email": "nobody@elsewhere.example"}
