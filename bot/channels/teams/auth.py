"""Who may post activities: the SDK's JWT validation (production), or anyone (local testing only)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import jwt
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity, JwtTokenValidator

logger = logging.getLogger(__name__)

AUTH_TIMEOUT_SECONDS = 5.0  # fetching the signing keys may not eat Teams' 15 seconds
LEEWAY_SECONDS = 300  # the clock skew the SDK's validator allows


class ActivityAuth:
    """Checks the Authorization header of POST /api/messages; None means: answer 401.

    A missing header is accepted only when the configuration allows anonymous callers (dev mode).
    A token is checked cheaply first (shape, algorithm, audience, expiry), so that garbage never makes
    the SDK fetch signing keys; then the SDK's JwtTokenValidator checks signature, audience and
    tenant. Any failure, including unreachable signing keys or a timeout, is a 401, never a 500.
    """

    def __init__(
        self,
        configuration: AgentAuthConfiguration,
        *,
        timeout: float = AUTH_TIMEOUT_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.configuration = configuration
        self.timeout = timeout
        self.now = now

    @property
    def anonymous_allowed(self) -> bool:
        return bool(self.configuration.ANONYMOUS_ALLOWED)

    async def authenticate(self, header: str | None) -> ClaimsIdentity | None:
        validator = JwtTokenValidator(self.configuration)
        if not header:
            return validator.get_anonymous_claims() if self.anonymous_allowed else None
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token or not self.plausible(token):
            return None
        try:
            return await asyncio.wait_for(validator.validate_token(token), timeout=self.timeout)
        except TimeoutError:
            logger.warning("teams: token validation timed out (signing keys unreachable?)")
        except Exception as exc:  # noqa: BLE001 - every validation failure is a 401
            logger.warning("teams: token rejected (%s)", type(exc).__name__)
        return None

    def plausible(self, token: str) -> bool:
        """An RS256 JWT with a key id, for this app, not expired: worth checking against the signing keys."""
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            return False
        app_id = self.configuration.CLIENT_ID
        audience = claims.get("aud")
        if not app_id or not isinstance(audience, str) or audience.lower() != app_id.lower():
            return False
        expires = claims.get("exp")
        return isinstance(expires, int | float) and expires + LEEWAY_SECONDS >= self.now()
