"""Ports: the abstract edges of the core, one per concept (storage, clock, understanding, senders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence, Report, ReportSummary
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
    def add_evidence(self, reference: str, evidence: Sequence[Evidence]) -> None: ...


@dataclass(frozen=True, slots=True)
class TurnStart:
    """What a turn starts from: the replies stored for a delivery processed before, or else the conversation."""

    stored: list[dict[str, Any]] | None  # not None: a duplicate delivery, answer with these replies
    loaded: tuple[ConversationState, int] | None  # the state and its version; None for a first message


class ConversationStore(Protocol):
    def load(self, channel: str, user: str) -> tuple[ConversationState, int] | None:
        """The state and its version, locking the row for this transaction where the database can."""

    def start_turn(self, channel: str, user: str, delivery_channel: str, delivery_id: str | None) -> TurnStart:
        """The dedup check and `load` in one: the stored replies of the delivery, or the (locked) state."""

    def save(self, channel: str, user: str, employee_id: str, state: ConversationState, version: int | None) -> None:
        """Store the state; raise ConcurrencyConflict when `version` is no longer current."""


class DeliveryLog(Protocol):
    def response(self, channel: str, delivery_id: str) -> list[dict[str, Any]] | None:
        """The replies stored for a processed delivery, or None when it is new."""

    def record(self, channel: str, delivery_id: str, response: list[dict[str, Any]], now: datetime) -> bool:
        """Mark the delivery processed with its replies; False when another turn recorded it first."""

    def sent_at(self, channel: str, delivery_id: str) -> datetime | None:
        """When the channel sent the delivery's replies; None when not (yet) or unknown."""

    def mark_sent(self, channel: str, delivery_id: str, now: datetime) -> None:
        """Note that the replies went out (the first time counts); unknown deliveries are ignored."""

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


# -- follow-up records and their store ----------------------------------------------------------

# Check-in statuses.
SCHEDULED, ASKED, ANSWERED, STOPPED, EXPIRED = "scheduled", "asked", "answered", "stopped", "expired"


@dataclass(frozen=True, slots=True)
class ClockState:
    """A deadline of a report as stored."""

    id: int
    reference: str
    kind: str
    owner_id: str
    starts_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    alerts_sent: int = 0
    next_alert_at: datetime | None = None
    escalated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """Something the manager or coordinator did, as the reporter hears it (`summary`)."""

    reference: str
    actor_id: str
    role: str  # "manager" | "coordinator"
    action: str
    note: str | None
    at: datetime
    summary: str
    details: dict[str, str] | None = None  # typed details (how, measure, by, ...)


@dataclass(frozen=True, slots=True)
class CheckIn:
    """An aftercare check-in: scheduled, asked (waiting for `step`), answered or stopped."""

    id: int
    reference: str
    employee_id: str
    seq: int
    due_at: datetime
    stress: bool
    status: str = SCHEDULED
    step: str | None = None
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    mood: str | None = None
    note: str | None = None
    referral_offered: bool = False
    manager_informed: bool | None = None


class FollowUpStore(Protocol):
    """Follow-up rows (clocks, actions, check-ins, digest items), read and written inside the turn's transaction."""

    def add_clock(self, reference: str, kind: str, owner_id: str, starts_at: datetime, due_at: datetime,
                  next_alert_at: datetime | None) -> None: ...
    def clocks(self, reference: str) -> Sequence[ClockState]: ...
    def acknowledge(self, reference: str, kinds: Sequence[str], actor_id: str, at: datetime) -> list[str]:
        """Stop these open clocks; returns the kinds that were still open."""

    def add_action(self, action: ActionRecord) -> int: ...
    def actions(self, reference: str) -> Sequence[ActionRecord]: ...
    def add_checkin(self, reference: str, employee_id: str, seq: int, due_at: datetime, stress: bool) -> None: ...
    def checkin(self, checkin_id: int) -> CheckIn | None: ...
    def open_checkin(self, employee_id: str) -> CheckIn | None:
        """The newest asked check-in of this employee that still waits for an answer."""

    def update_checkin(self, checkin_id: int, **changes: Any) -> None: ...
    def stop_checkins(self, employee_id: str, at: datetime) -> int:
        """Stop all scheduled and open check-ins of this employee; returns how many."""

    def add_digest_item(self, manager_id: str, reference: str, digest_at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: every turn's reads and writes commit together or not at all."""

    reports: ReportRepository
    conversations: ConversationStore
    deliveries: DeliveryLog
    outbox: Outbox
    audit: AuditLog
    identities: Identities
    link_codes: LinkCodes
    followup: FollowUpStore

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
