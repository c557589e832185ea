"""Sign-in storage: one-time sign-in links, server-side web sessions, pending OIDC sign-ins, failed attempts.

Every secret handed to a browser (link token, session id, login binding) is stored only as its SHA-256 hash,
so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, Index, String, Text, bindparam, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.orm import Base
from bot.storage.prepared import Prepared


def token_hash(token: str) -> str:
    """The stored form of a secret token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class LoginLinkRow(Base):
    __tablename__ = "login_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSessionRow(Base):
    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64), index=True)
    via: Mapped[str] = mapped_column(String(16))  # 'link' or 'oidc'
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class OidcLoginRow(Base):
    """A sign-in on its way through the provider: state, nonce and PKCE verifier, bound to one browser."""

    __tablename__ = "oidc_logins"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    binding_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class AuthFailureRow(Base):
    """A failed sign-in or link guess, per address, for rate limiting."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_address_at", "address", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


_sessions = WebSessionRow.__table__.c
# Every request with a session cookie runs this: built once, a Core statement (no ORM object is needed).
_FIND_SESSION = select(_sessions.employee_id, _sessions.via, _sessions.created_at, _sessions.last_seen_at).where(
    _sessions.id_hash == bindparam("id_hash", type_=_sessions.id_hash.type), _sessions.revoked_at.is_(None))
_FIND_SESSION_PREPARED = Prepared(_FIND_SESSION)  # every web request's lookup (bot/storage/prepared.py)
# At most once a minute per session, the first request after that minute notes the activity.
_TOUCH_SESSION_PREPARED = Prepared(update(WebSessionRow.__table__).where(
    _sessions.id_hash == bindparam("id_hash", type_=_sessions.id_hash.type)).values(
    last_seen_at=bindparam("now", type_=_sessions.last_seen_at.type)))


class LinkOutcome(StrEnum):
    OK = "ok"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live web session."""

    employee_id: str
    via: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class PendingLogin:
    nonce: str
    code_verifier: str
    next_path: str


class SqlAuthStore:
    """All sign-in rows, on one SQLAlchemy session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # One-time sign-in links
    def create_link(self, employee_id: str, now: datetime, valid: timedelta) -> str:
        token = new_token()
        self.session.add(LoginLinkRow(token_hash=token_hash(token), employee_id=employee_id, created_at=now,
                                      expires_at=now + valid, used_at=None))
        return token

    def redeem_link(self, token: str, now: datetime) -> tuple[LinkOutcome, str | None]:
        """Use a link once: the outcome and, when it worked, the employee id."""
        row = self.session.get(LoginLinkRow, token_hash(token), with_for_update=True)
        if row is None:
            return LinkOutcome.UNKNOWN, None
        if row.used_at is not None:
            return LinkOutcome.USED, row.employee_id
        if row.expires_at <= now:
            return LinkOutcome.EXPIRED, row.employee_id
        claimed = self.session.execute(
            update(LoginLinkRow)
            .where(LoginLinkRow.token_hash == row.token_hash, LoginLinkRow.used_at.is_(None))
            .values(used_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # another request used it first
            return LinkOutcome.USED, row.employee_id
        return LinkOutcome.OK, row.employee_id

    # Sessions
    def create_session(self, employee_id: str, via: str, now: datetime) -> str:
        sid = new_token()
        self.session.add(WebSessionRow(id_hash=token_hash(sid), employee_id=employee_id, via=via, created_at=now,
                                       last_seen_at=now, revoked_at=None))
        return sid

    def find_session(self, sid: str) -> SessionInfo | None:
        return find_session(self.session.connection(), sid)

    def revoke_session(self, sid: str, now: datetime) -> None:
        self.session.execute(update(WebSessionRow)
                             .where(WebSessionRow.id_hash == token_hash(sid), WebSessionRow.revoked_at.is_(None))
                             .values(revoked_at=now))

    def revoke_all(self, employee_id: str, now: datetime) -> int:
        result = self.session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.employee_id == employee_id, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=now))
        return int(result.rowcount)  # type: ignore[attr-defined]

    # Pending OIDC sign-ins
    def add_pending(self, state: str, binding: str, nonce: str, code_verifier: str, next_path: str,
                    now: datetime) -> None:
        self.session.add(OidcLoginRow(state_hash=token_hash(state), binding_hash=token_hash(binding), nonce=nonce,
                                      code_verifier=code_verifier, next_path=next_path, created_at=now))

    def take_pending(self, state: str, binding: str, now: datetime, valid: timedelta) -> PendingLogin | None:
        """The pending sign-in for this state, only from the browser that started it; used once."""
        row = self.session.get(OidcLoginRow, token_hash(state), with_for_update=True)
        if row is None:
            return None
        self.session.delete(row)
        if not secrets.compare_digest(row.binding_hash, token_hash(binding)) or row.created_at + valid <= now:
            return None
        return PendingLogin(row.nonce, row.code_verifier, row.next_path)

    # Failed attempts
    def record_failure(self, address: str, kind: str, now: datetime) -> None:
        self.session.add(AuthFailureRow(address=address[:64], kind=kind, at=now))

    def failures_since(self, address: str, since: datetime) -> int:
        return int(self.session.scalar(select(func.count()).select_from(AuthFailureRow).where(
            AuthFailureRow.address == address[:64], AuthFailureRow.at > since)) or 0)

    def purge(self, now: datetime, *, sessions_idle: timedelta, links_after: timedelta,
              pending_after: timedelta, failures_after: timedelta) -> None:
        """Forget what can no longer sign anybody in."""
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.last_seen_at < now - sessions_idle))
        self.session.execute(delete(LoginLinkRow).where(LoginLinkRow.expires_at < now - links_after))
        self.session.execute(delete(OidcLoginRow).where(OidcLoginRow.created_at < now - pending_after))
        self.session.execute(delete(AuthFailureRow).where(AuthFailureRow.at < now - failures_after))


def find_session(conn: Connection, sid: str) -> SessionInfo | None:
    """The session of a cookie (not revoked ones), on a plain connection: the lookup of
    every request, so without a unit of work around it."""
    rows, _ = _FIND_SESSION_PREPARED.run(conn, {"id_hash": token_hash(sid)})
    return SessionInfo(*rows[0]) if rows else None


def touch_session(conn: Connection, sid: str, now: datetime) -> None:
    """Note a session's activity, on a plain connection (one statement; see bot.storage.db.one_statement)."""
    _TOUCH_SESSION_PREPARED.run(conn, {"id_hash": token_hash(sid), "now": now})
