"""Who is asking: web sessions (from a one-time link or OIDC), bearer tokens, rate limits on failures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.model import Employee, Organisation
from bot.ports import AuditLog, Clock
from bot.settings import Settings
from bot.storage.auth import LinkOutcome, SqlAuthStore, find_session, touch_session
from bot.storage.db import one_statement, read_only
from bot.storage.repositories import SqlAuditLog
from bot.web.oidc import OidcClient, ProviderUnavailable, SignInFailed

logger = logging.getLogger(__name__)

SESSION_COOKIE = "meldbot_session"
LOGIN_COOKIE = "meldbot_login"  # binds a pending OIDC sign-in to the browser that started it
TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute per session
PENDING_VALID = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in person of a request and how they got here."""

    employee: Employee
    channel: str  # 'web' (browser session) or 'api' (bearer token)
    session_id: str | None
    idle: timedelta  # time since the session's previous request

    @property
    def id(self) -> str:
        return self.employee.id


class WebAuth:
    """Sign-in, sessions and bearer tokens over the database; every method opens its own transaction."""

    def __init__(self, settings: Settings, session_factory: sessionmaker[Session], org: Organisation,
                 clock: Clock, oidc: OidcClient | None = None) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.org = org
        self.clock = clock
        self.oidc = oidc
        self.idle_chat = timedelta(minutes=settings.session_idle_chat_minutes)
        bind = session_factory.kw.get("bind")
        self.read_engine = read_only(bind) if isinstance(bind, Engine) else None
        self.touch_engine = one_statement(bind) if isinstance(bind, Engine) else None
        self.idle_backoffice = timedelta(minutes=settings.session_idle_backoffice_minutes)

    @classmethod
    def from_settings(cls, settings: Settings, session_factory: sessionmaker[Session], org: Organisation,
                      clock: Clock) -> WebAuth:
        oidc = None
        if settings.oidc_issuer and settings.oidc_client_id:
            secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
            oidc = OidcClient(settings.oidc_issuer, settings.oidc_client_id, secret, scopes=settings.oidc_scopes,
                              audience=settings.oidc_audience)
        return cls(settings, session_factory, org, clock, oidc)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.base_url.startswith("https://")

    def _tx(self, work: Callable[[SqlAuthStore, SqlAuditLog], Any]) -> Any:
        with self.session_factory() as session:
            result = work(SqlAuthStore(session), SqlAuditLog(session))
            session.commit()
            return result

    # One-time sign-in links
    def invite(self, employee_id: str, *, actor: str = "cli") -> str:
        """A single-use sign-in link for a person of the organisation."""
        if self.org.employee(employee_id) is None:
            raise KeyError(employee_id)
        now = self.clock.now()

        def create(store: SqlAuthStore, audit: AuditLog) -> str:
            self._purge(store)
            token = store.create_link(employee_id, now, timedelta(hours=self.settings.invite_valid_hours))
            audit.record(now, actor, "sign_in_link_created", details={"employee": employee_id})
            return token

        token: str = self._tx(create)
        return f"{self.settings.base_url}/login/{token}"

    def redeem(self, token: str, address: str) -> tuple[LinkOutcome, str | None]:
        """Use a sign-in link: the outcome and a new session id when it worked."""
        now = self.clock.now()

        def use(store: SqlAuthStore, audit: AuditLog) -> tuple[LinkOutcome, str | None]:
            outcome, employee_id = store.redeem_link(token, now)
            if outcome is LinkOutcome.OK and employee_id and self.org.employee(employee_id) is not None:
                sid = store.create_session(employee_id, "link", now)
                audit.record(now, employee_id, "signed_in", details={"channel": "web", "via": "link"})
                return outcome, sid
            store.record_failure(address, f"link_{outcome.value}", now)
            return (outcome if outcome is not LinkOutcome.OK else LinkOutcome.UNKNOWN), None

        result: tuple[LinkOutcome, str | None] = self._tx(use)
        return result

    # OIDC
    def start_oidc(self, binding: str, next_path: str) -> str:
        """The provider's authorization URL; state, nonce and PKCE verifier are kept server-side."""
        assert self.oidc is not None
        request = self.oidc.authorization_request(self.redirect_uri)
        now = self.clock.now()
        self._tx(lambda store, _audit: store.add_pending(request.state, binding, request.nonce,
                                                         request.code_verifier, next_path, now))
        return request.url

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.base_url}/auth/callback"

    def finish_oidc(self, code: str, state: str, binding: str) -> tuple[Employee | None, str | None, str]:
        """(the person or None when unknown, a new session id, where to go next).

        Raises SignInFailed for a forged, replayed or foreign callback and ProviderUnavailable when the
        provider cannot be reached.
        """
        assert self.oidc is not None
        now = self.clock.now()
        pending = self._tx(lambda store, _audit: store.take_pending(state, binding, now, PENDING_VALID))
        if pending is None:
            raise SignInFailed("unknown, expired or foreign state")
        claims = self.oidc.finish(code, redirect_uri=self.redirect_uri, code_verifier=pending.code_verifier,
                                  nonce=pending.nonce)
        employee = self.employee_for_claims(claims)
        if employee is None:
            return None, None, "/"

        def open_session(store: SqlAuthStore, audit: AuditLog) -> str:
            self._purge(store)
            audit.record(now, employee.id, "signed_in", details={"channel": "web", "via": "oidc"})
            return store.create_session(employee.id, "oidc", now)

        return employee, self._tx(open_session), pending.next_path

    def employee_for_claims(self, claims: dict[str, Any]) -> Employee | None:
        """The person of the organisation that the configured claim names (email, oid or id)."""
        claim = self.settings.oidc_employee_claim
        value = claims.get(claim)
        if not isinstance(value, str) or not value:
            return None
        if claim == "email":
            wanted = value.strip().casefold()
            return next((e for e in self.org.employees if e.email and e.email.casefold() == wanted), None)
        if claim == "oid":
            return next((e for e in self.org.employees if e.aad_object_id == value), None)
        return self.org.employee(value)

    # Requests
    def session_principal(self, sid: str) -> Principal | None:
        """The person of a session cookie; None when unknown, revoked, idle too long or no longer employed.

        A read-only lookup (on SQLite it does not queue for the writer); a write follows only to end an
        expired session or to note activity, at most once a minute per session.
        """
        now = self.clock.now()
        if self.read_engine is not None:
            with self.read_engine.connect() as conn:
                info = find_session(conn, sid)
        else:
            with self.session_factory() as session:
                info = SqlAuthStore(session).find_session(sid)
                session.rollback()
        if info is None:
            return None
        employee = self.org.employee(info.employee_id)
        idle = now - info.last_seen_at
        if employee is None or idle > self.idle_chat:
            self._tx(lambda store, _audit: store.revoke_session(sid, now))
            return None
        if idle >= TOUCH_EVERY:
            if self.touch_engine is not None:
                with self.touch_engine.begin() as conn:
                    touch_session(conn, sid, now)
            else:
                self._tx(lambda store, _audit: touch_session(store.session.connection(), sid, now))
        return Principal(employee, "web", sid, idle)

    def bearer_principal(self, token: str) -> Principal | None:
        """The person of a bearer access token; None when OIDC is off or the token fails a check."""
        if self.oidc is None:
            return None
        try:
            claims = self.oidc.verify_access_token(token)
        except (SignInFailed, ProviderUnavailable) as exc:
            logger.info("bearer token refused: %s", exc)
            return None
        employee = self.employee_for_claims(claims)
        return Principal(employee, "api", None, timedelta(0)) if employee else None

    def end_backoffice_idle(self, principal: Principal) -> bool:
        """True (and the session ended) when a browser session sat idle past the back-office limit."""
        if principal.session_id is None or principal.idle <= self.idle_backoffice:
            return False
        self.sign_out(principal, everywhere=False, reason="idle")
        return True

    def sign_out(self, principal: Principal, *, everywhere: bool, reason: str = "sign_out") -> None:
        now = self.clock.now()

        def end(store: SqlAuthStore, audit: AuditLog) -> None:
            if everywhere:
                count = store.revoke_all(principal.id, now)
            else:
                assert principal.session_id is not None
                store.revoke_session(principal.session_id, now)
                count = 1
            audit.record(now, principal.id, "signed_out",
                         details={"channel": principal.channel, "everywhere": everywhere, "sessions": count,
                                  "reason": reason})

        self._tx(end)

    # Rate limits
    def rate_limited(self, address: str) -> bool:
        since = self.clock.now() - timedelta(minutes=self.settings.auth_failure_window_minutes)
        count: int = self._tx(lambda store, _audit: store.failures_since(address, since))
        return count >= self.settings.auth_max_failures

    def record_failure(self, address: str, kind: str) -> None:
        now = self.clock.now()
        self._tx(lambda store, _audit: store.record_failure(address, kind, now))

    def _purge(self, store: SqlAuthStore) -> None:
        store.purge(self.clock.now(), sessions_idle=self.idle_chat + timedelta(days=1),
                    links_after=timedelta(days=7), pending_after=PENDING_VALID,
                    failures_after=timedelta(minutes=self.settings.auth_failure_window_minutes) * 2)
