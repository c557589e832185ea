"""OpenID Connect relying party: discovery, authorization code flow with PKCE, ID and access token checks.

Protocol work is done by maintained libraries: authlib builds the authorization request (PKCE S256),
exchanges the code and validates ID-token claims (iss, aud, exp, iat, nonce, at_hash); joserfc verifies
signatures against the provider's JWKS. Nothing here parses or checks a token by hand.

Both libraries are imported where they are used: they take about half a second to import, and most
installations never configure a provider (the server should answer /healthz quickly after start).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc import jwt
    from joserfc.jwk import KeySet

logger = logging.getLogger(__name__)

METADATA_TTL_SECONDS = 3600.0
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense."""


class SignInFailed(Exception):
    """The provider's answer did not hold: an error, a bad code, or a token that failed a check."""


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


class OidcClient:
    """One provider, one client registration; thread-safe (discovery and JWKS are cached)."""

    def __init__(self, issuer: str, client_id: str, client_secret: str | None, *, scopes: str,
                 audience: str | None = None, timeout: float = 10.0) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.audience = audience or client_id
        self.timeout = timeout
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: KeySet | None = None

    # Discovery and keys
    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            res = httpx.get(url, timeout=self.timeout, follow_redirects=False)
            res.raise_for_status()
            data = res.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__} from {url}") from exc
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"no JSON object at {url}")
        return data

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_TTL_SECONDS:
                data = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
                if str(data.get("issuer", "")).rstrip("/") != self.issuer:
                    raise ProviderUnavailable("discovery document names another issuer")
                for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(data.get(key), str):
                        raise ProviderUnavailable(f"discovery document lacks {key}")
                self._metadata, self._metadata_at, self._jwks = data, time.monotonic(), None
            return self._metadata

    def key_set(self, *, refresh: bool = False) -> KeySet:
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        meta = self.metadata()
        with self._lock:
            if self._jwks is None or refresh:
                try:
                    self._jwks = KeySet.import_key_set(self._get_json(meta["jwks_uri"]))  # type: ignore[arg-type]
                except (JoseError, ValueError, TypeError) as exc:
                    raise ProviderUnavailable("the provider's key set could not be read") from exc
            return self._jwks

    def _decode(self, token: str, algorithms: list[str] | None) -> jwt.Token:
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jws import JWSRegistry

        registry = JWSRegistry(algorithms=algorithms or ["RS256"])
        try:
            try:
                return jwt.decode(token, self.key_set(), registry=registry)
            except InvalidKeyIdError:  # the provider rotated its keys
                return jwt.decode(token, self.key_set(refresh=True), registry=registry)
        except (JoseError, ValueError, TypeError) as exc:
            raise SignInFailed(f"token signature: {type(exc).__name__}") from exc

    # Authorization code flow
    def _session(self, redirect_uri: str | None = None) -> OAuth2Session:
        from authlib.integrations.requests_client import OAuth2Session

        return OAuth2Session(self.client_id, self.client_secret, scope=self.scopes, redirect_uri=redirect_uri,
                             code_challenge_method="S256", timeout=self.timeout)

    def authorization_request(self, redirect_uri: str) -> AuthorizationRequest:
        from authlib.common.security import generate_token

        meta = self.metadata()
        verifier = generate_token(64)
        nonce = generate_token(32)
        with self._session(redirect_uri) as session:
            url, state = session.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier,
                                                          nonce=nonce)
        return AuthorizationRequest(url, state, nonce, verifier)

    def finish(self, code: str, *, redirect_uri: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """Exchange the code and return the checked ID-token claims."""
        from authlib.oidc.core import CodeIDToken

        meta = self.metadata()
        try:
            with self._session(redirect_uri) as session:
                token = session.fetch_token(meta["token_endpoint"], code=code, code_verifier=code_verifier,
                                            grant_type="authorization_code")
        except Exception as exc:  # noqa: BLE001 - authlib raises OAuthError, requests raises its own
            if "ConnectionError" in type(exc).__name__ or "Timeout" in type(exc).__name__:
                raise ProviderUnavailable(type(exc).__name__) from exc
            raise SignInFailed(f"token exchange: {type(exc).__name__}") from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SignInFailed("no id_token in the token response")
        decoded = self._decode(id_token, meta.get("id_token_signing_alg_values_supported"))
        params = {"nonce": nonce, "client_id": self.client_id}
        if isinstance(token.get("access_token"), str):
            params["access_token"] = token["access_token"]
        claims = CodeIDToken(decoded.claims, decoded.header,
                             {"iss": {"essential": True, "values": [meta["issuer"]]},
                              "aud": {"essential": True, "values": [self.client_id]}}, params)
        try:
            claims.validate(leeway=CLOCK_LEEWAY_SECONDS)
        except Exception as exc:  # noqa: BLE001 - authlib's claim errors share no public base we can name here
            raise SignInFailed(f"id token claims: {type(exc).__name__}") from exc
        return dict(claims)

    def verify_access_token(self, token: str) -> dict[str, Any]:
        """A bearer access token (JWT): signature against the JWKS, iss, aud and exp; returns its claims."""
        from joserfc import jwt
        from joserfc.errors import JoseError

        meta = self.metadata()
        decoded = self._decode(token, None)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as exc:
            raise SignInFailed(f"access token claims: {type(exc).__name__}") from exc
        return dict(decoded.claims)
