"""Ports: the abstract edges of the core, one per concept (storage, clock, understanding, senders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Report, ReportSummary
from nlu.result import UnderstandContext, Understanding


class Clock(Protocol):
    def now(self) -> datetime: ...


class Understander(Protocol):
    def understand(self, text: str, context: UnderstandContext) -> Understanding: ...


class ConcurrencyConflict(Exception):
    """Another turn changed the same conversation first; the turn is retried."""


class ReportRepository(Protocol):
    def next_reference(self, year: int) -> str: ...
    def add(self, report: Report) -> None: ...
    def get(self, reference: str) -> Report | None: ...
    def for_reporter(self, employee_id: str) -> Sequence[ReportSummary]: ...
    def all(self) -> Sequence[Report]: ...
    def visible_to(self, employee_id: str, teams: frozenset[str] | None, limit: int = 200) -> Sequence[Report]:
        """Own reports plus those of `teams` (None: every report), newest first."""
    def set_status(self, reference: str, status: str) -> None: ...


class ConversationStore(Protocol):
    def load(self, channel: str, user: str) -> tuple[ConversationState, int] | None:
        """The state and its version, locking the row for this transaction where the database can."""

    def save(self, channel: str, user: str, employee_id: str, state: ConversationState, version: int | None) -> None:
        """Store the state; raise ConcurrencyConflict when `version` is no longer current."""


class DeliveryLog(Protocol):
    def response(self, channel: str, delivery_id: str) -> list[dict[str, Any]] | None:
        """The replies stored for a processed delivery, or None when it is new."""

    def record(self, channel: str, delivery_id: str, response: list[dict[str, Any]], now: datetime) -> bool:
        """Mark the delivery processed with its replies; False when another turn recorded it first."""

    def purge_before(self, when: datetime) -> int: ...


class Outbox(Protocol):
    def add(
        self,
        employee_id: str,
        replies: Sequence[Reply],
        *,
        due_at: datetime,
        kind: str = "message",
        dedup_key: str | None = None,
        channel: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> int | None: ...


class AuditLog(Protocol):
    def record(
        self, at: datetime, actor: str, action: str, reference: str | None = None, details: dict[str, Any] | None = None
    ) -> None: ...


class Identities(Protocol):
    def find(self, channel: str, external_id: str) -> str | None: ...
    def link(self, channel: str, external_id: str, employee_id: str, at: datetime) -> None: ...
    def set_address(self, channel: str, external_id: str, address: dict[str, Any], at: datetime) -> None: ...
    def addresses_of(self, employee_id: str) -> Sequence[tuple[str, str, dict[str, Any] | None]]: ...


class LinkCodes(Protocol):
    def create(self, employee_id: str, now: datetime, valid_days: int = 7) -> str: ...
    def redeem(self, code: str, now: datetime) -> str | None: ...


class UnitOfWork(Protocol):
    """One transaction: every turn's reads and writes commit together or not at all."""

    reports: ReportRepository
    conversations: ConversationStore
    deliveries: DeliveryLog
    outbox: Outbox
    audit: AuditLog
    identities: Identities
    link_codes: LinkCodes

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class Sender(Protocol):
    """Delivers messages to a user outside a turn (outbox): one per channel."""

    channel: str

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        """Raise Undeliverable when the user cannot be reached (e.g. blocked the bot)."""


class Undeliverable(Exception):
    """The recipient cannot be reached on this channel; do not retry."""
