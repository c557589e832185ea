"""The chat service: one turn = one transaction (dedup, state, report, outbox), replies after commit."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy.exc import OperationalError

from bot.conversation.flow import AddEvidence, Engine, FileReport, TurnContext, expecting
from bot.conversation.messages import IncomingMessage, Reply, TurnOutcome
from bot.conversation.state import DIRECT_CHANNELS, ConversationState, conversation_key
from bot.conversation.texts import Texts
from bot.domain.model import Employee, Organisation, Report
from bot.ports import Clock, ConcurrencyConflict, Understander, UnitOfWork
from nlu.result import UnderstandContext, Understanding

logger = logging.getLogger(__name__)

LINKABLE_CHANNELS = ("telegram",)  # strangers can link themselves with a one-time code
# A link code alone, or after /start: "/start ABCD-2345", "abcd2345" (not any 8-letter word in a sentence).
_CODE = re.compile(r"^\s*(?:/START\s+)?([A-HJ-NP-Z2-9]{4})-?([A-HJ-NP-Z2-9]{4})\s*$")
MAX_ATTEMPTS = 8
# What the understanding reads of a message (the message itself is kept and stored exactly as sent): at most
# MAX_UNDERSTOOD_CHARS characters, a character repeated at most 3 times, a run of symbols (emoji,
# punctuation, combining marks) at most 8 long, a word at most 40 characters. Together they keep one
# message under ~50 ms of CPU in the understanding whatever was typed.
MAX_UNDERSTOOD_CHARS = 1500
MAX_WORD_CHARS = 40
MAX_SYMBOL_RUN = 8
_REPEATS = re.compile(r"(\D)\1{3,}", re.DOTALL)  # digits are left alone: 10000 is not 1000
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s][^\w\S]*){{{MAX_SYMBOL_RUN + 1},}}")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")

# Stores a filed report inside the turn; may return replies that follow the engine's own (who is told, how).
FilingHook = Callable[[UnitOfWork, Report, Employee, datetime], Sequence[Reply] | None]


class Interceptor(Protocol):
    """Handles a message before the reporting flow (a manager's action, a check-in answer).

    Returns the replies when it took the message, or None to let the flow have it. It runs
    inside the turn's transaction; the conversation state is given read-only.
    """

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None: ...


def clean_text(text: str) -> str:
    """Text as the core keeps it: without NUL and lone surrogates, which no database or channel can carry.

    Everything else (zero-width joiners, direction marks, emoji sequences, markup) stays as typed.
    """
    if text.isascii():
        return text.replace("\x00", "")
    return "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)


def bounded_text(text: str, max_chars: int = MAX_UNDERSTOOD_CHARS) -> str:
    """The part of a message the understanding reads: ordinary text unchanged, floods cut short."""
    text = _REPEATS.sub(lambda m: m.group(1) * 3, text)
    text = _SYMBOL_RUN.sub(lambda m: "".join(m.group(0).split())[:MAX_SYMBOL_RUN] + " ", text)
    text = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD_CHARS], text)
    if len(text) > max_chars:
        cut = text.rfind(" ", max_chars // 2, max_chars + 1)
        text = text[: cut if cut > 0 else max_chars]
    return text


def _clean(msg: IncomingMessage) -> IncomingMessage:
    """The message with its free text (and attachment names) cleaned, for every channel alike."""
    attachments = tuple(
        replace(a, original_name=clean_text(a.original_name)) if a.original_name else a for a in msg.attachments
    )
    return replace(msg, text=clean_text(msg.text), attachments=attachments)


def replies_to_json(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    return [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id} for r in replies]


def replies_from_json(data: list[dict[str, Any]] | None) -> tuple[Reply, ...]:
    return tuple(Reply(d["text"], tuple(d.get("choices") or ()), d.get("prompt_id")) for d in data or ())


class ChatService:
    """Runs turns for every channel. Thread-safe: each call uses its own unit of work."""

    def __init__(
        self,
        *,
        uow_factory: Callable[[], UnitOfWork],
        understander: Understander,
        texts: Texts,
        org: Organisation,
        clock: Clock,
        tz: tzinfo,
        on_filed: FilingHook,
        resume_after_minutes: int = 30,
        interceptors: Sequence[Interceptor] = (),
    ) -> None:
        self.uow_factory = uow_factory
        self.understander = understander
        self.texts = texts
        self.org = org
        self.clock = clock
        self.tz = tz
        self.on_filed = on_filed
        self.engine = Engine()
        self.resume_after_minutes = resume_after_minutes
        self.interceptors = list(interceptors)
        # Understanding is pure CPU: more calls at once than cores only makes each slower (and a flood of
        # them would leave no CPU for the rest of the process).
        self._understanding_slots = threading.BoundedSemaphore(os.cpu_count() or 1)

    def understand(self, text: str, context: UnderstandContext) -> Understanding:
        """The understanding of a bounded copy of `text`, with at most one call per CPU at a time."""
        bounded = bounded_text(text)
        with self._understanding_slots:
            return self.understander.understand(bounded, context)

    def handle(self, msg: IncomingMessage) -> TurnOutcome:
        """Process one incoming message exactly once and return what to send back."""
        msg = _clean(msg)
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._turn(msg)
            except ConcurrencyConflict:
                logger.info("conversation changed concurrently; retrying turn (attempt %s)", attempt + 1)
            except OperationalError as exc:  # e.g. a deadlock or lock timeout; the turn is retried whole
                if attempt == MAX_ATTEMPTS - 1:
                    raise
                logger.warning("database busy; retrying turn: %s", exc.__class__.__name__)
        raise ConcurrencyConflict(f"{msg.channel}:{msg.user}")

    def was_sent(self, msg: IncomingMessage) -> bool:
        """True when the replies to this delivery were sent before (a redelivery then sends nothing)."""
        if msg.delivery_id is None:
            return False
        with self.uow_factory() as uow:
            return uow.deliveries.sent_at(msg.channel, msg.delivery_id) is not None

    def mark_sent(self, msg: IncomingMessage) -> None:
        """Note that the channel sent this delivery's replies (in a transaction of its own, after sending)."""
        if msg.delivery_id is None:
            return
        with self.uow_factory() as uow:
            uow.deliveries.mark_sent(msg.channel, msg.delivery_id, self.clock.now())
            uow.commit()

    def employee_for(self, uow: UnitOfWork, channel: str, user: str) -> Employee | None:
        if channel in DIRECT_CHANNELS:
            return self.org.employee(user)
        employee_id = uow.identities.find(channel, user)
        return self.org.employee(employee_id) if employee_id else None

    def _turn(self, msg: IncomingMessage) -> TurnOutcome:
        with self.uow_factory() as uow:
            now = self.clock.now()
            employee = self.employee_for(uow, msg.channel, msg.user)
            if employee is None:
                if msg.delivery_id is not None:
                    stored = uow.deliveries.response(msg.channel, msg.delivery_id)
                    if stored is not None:
                        return TurnOutcome(replies_from_json(stored), duplicate=True)
                return self._stranger(uow, msg, now)
            key = conversation_key(msg.channel, msg.user)
            # The dedup check and the conversation (locked on PostgreSQL) in one statement.
            start = uow.conversations.start_turn(*key, msg.channel, msg.delivery_id)
            if start.stored is not None:
                return TurnOutcome(replies_from_json(start.stored), duplicate=True)
            if msg.address:
                uow.identities.set_address(msg.channel, msg.user, msg.address, now)
            loaded = start.loaded
            state, version = loaded if loaded else (ConversationState(), None)
            for intercept in () if self.engine.takes_first(state, msg) else self.interceptors:
                taken = intercept(uow, msg, employee, state, now)
                if taken is not None:
                    return self._finish(uow, msg, taken, now)
            understand = self.understand_once()
            context = UnderstandContext(now=now, expecting=expecting(state))
            ctx = self.context(uow, employee, msg.channel, now, understand=understand)
            # Understood only when the turn asks for it: a button or a picked choice needs no model.
            turn = self.engine.take_turn(state, msg, lambda: understand(msg.text, context), ctx)
            if turn.state is not state:
                uow.conversations.save(*key, employee.id, turn.state, version)
            replies = turn.replies
            for effect in turn.effects:
                if isinstance(effect, FileReport):
                    replies = (*replies, *(self.on_filed(uow, effect.report, employee, now) or ()))
                elif isinstance(effect, AddEvidence):
                    replies = (*replies, *self.add_evidence(uow, effect, employee, msg.channel, now))
            return self._finish(uow, msg, replies, now)

    def add_evidence(
        self, uow: UnitOfWork, effect: AddEvidence, employee: Employee, channel: str, now: datetime
    ) -> tuple[Reply, ...]:
        """Files for a filed report: only the reporter's own report takes them; the addition is audit-logged."""
        report = uow.reports.get(effect.reference)
        if report is None or report.reporter_id != employee.id:
            return (Reply(self.texts("evidence_unknown_report", reference=effect.reference)),)
        uow.reports.add_evidence(effect.reference, effect.evidence)
        uow.audit.record(now, employee.id, "evidence_added", effect.reference,
                         {"count": len(effect.evidence), "channel": channel})
        self._tell_owner_of_evidence(uow, report, employee, now)
        return (Reply(self.texts("evidence_added", reference=effect.reference)),)

    def _tell_owner_of_evidence(self, uow: UnitOfWork, report: Report, employee: Employee, now: datetime) -> None:
        """Whoever owns the report's follow-up hears that evidence came in: at most one message an hour per
        report, however many files are sent one after another."""
        owner = next((c.owner_id for c in uow.followup.clocks(report.reference)), None)
        if owner is None or owner == employee.id:
            return
        hour = now.astimezone(self.tz).strftime("%Y%m%d%H")
        uow.outbox.add(owner, [Reply(self.texts("evidence_added_owner", name=employee.name,
                                                reference=report.reference))],
                       due_at=now, kind="evidence_added", dedup_key=f"evidence:{report.reference}:{hour}",
                       data={"reference": report.reference})

    def understand_once(self) -> Callable[[str, UnderstandContext], Understanding]:
        """`understand` for one turn: asked the same again (the engine re-reads a description with the context
        the turn already had), it answers from memory instead of running the model a second time."""
        seen: dict[tuple[str, UnderstandContext], Understanding] = {}

        def understand(text: str, context: UnderstandContext) -> Understanding:
            key = (text, context)
            if key not in seen:
                seen[key] = self.understand(text, context)
            return seen[key]

        return understand

    def context(
        self,
        uow: UnitOfWork,
        employee: Employee,
        channel: str,
        now: datetime,
        *,
        understand: Callable[[str, UnderstandContext], Understanding] | None = None,
    ) -> TurnContext:
        """What the engine may consult in a turn of `employee` on `channel`."""
        return TurnContext(
            reporter=employee,
            now=now,
            texts=self.texts,
            tz=self.tz,
            understand=understand or self.understand,
            next_reference=lambda: uow.reports.next_reference(now.astimezone(self.tz).year),
            own_reports=lambda: uow.reports.for_reporter(employee.id),
            channel=channel,
            resume_after=timedelta(minutes=self.resume_after_minutes),
            colleague=lambda name: self.org.employee_named(name, besides=employee.id),
        )

    def open_chat(self, channel: str, user: str) -> tuple[Reply, ...]:
        """What a chat that opens shows before anyone types: the greeting, or where a report was left.

        A report left on another channel (or a while ago) moves here with it, so the first answer does not
        hear "Je was bezig met een melding" a second time. Nothing is sent; unknown users get nothing.
        """
        with self.uow_factory() as uow:
            employee = self.employee_for(uow, channel, user)
            if employee is None:
                uow.rollback()
                return ()
            now = self.clock.now()
            key = conversation_key(channel, user)
            loaded = uow.conversations.load(*key)
            state, version = loaded if loaded else (ConversationState(), None)
            replies = tuple(self.engine.opening(state, self.context(uow, employee, channel, now)))
            if not state.in_report:
                uow.rollback()
                return replies
            try:
                uow.conversations.save(*key, employee.id, state.evolve(channel=channel, last_activity=now), version)
                uow.commit()
            except ConcurrencyConflict:  # a turn came first: it says where the report was itself
                uow.rollback()
        return replies

    @staticmethod
    def _finish(uow: UnitOfWork, msg: IncomingMessage, replies: tuple[Reply, ...], now: datetime) -> TurnOutcome:
        """Record the delivery with its replies and commit; only then may the channel send them.

        A concurrent turn of the same delivery waits on the conversation row lock (PostgreSQL)
        or the write lock (SQLite); if it recorded the delivery first, this turn is undone and
        its stored replies are returned instead, so each delivery has one effect and one answer.
        """
        if msg.delivery_id is not None and not uow.deliveries.record(
            msg.channel, msg.delivery_id, replies_to_json(replies), now
        ):
            uow.rollback()
            stored = uow.deliveries.response(msg.channel, msg.delivery_id)
            return TurnOutcome(replies_from_json(stored), duplicate=True)
        uow.commit()
        return TurnOutcome(replies)

    def _stranger(self, uow: UnitOfWork, msg: IncomingMessage, now: datetime) -> TurnOutcome:
        """Someone we do not know: link with a one-time code, or a clear refusal; nothing else stored."""
        t = self.texts
        if msg.channel not in LINKABLE_CHANNELS:
            uow.rollback()
            return TurnOutcome((Reply(t("unknown_user")),))
        match = _CODE.match(msg.text.upper())
        if match is None:
            uow.rollback()
            return TurnOutcome((Reply(t("unknown_user_linkable")),))
        employee_id = uow.link_codes.redeem(match.group(1) + "-" + match.group(2), now)
        employee = self.org.employee(employee_id) if employee_id else None
        if employee is None:
            uow.rollback()
            return TurnOutcome((Reply(t("link_code_invalid")),))
        uow.identities.link(msg.channel, msg.user, employee.id, now)
        if msg.address:
            uow.identities.set_address(msg.channel, msg.user, msg.address, now)
        uow.audit.record(now, employee.id, "identity_linked", details={"channel": msg.channel})
        return self._finish(uow, msg, (Reply(t("linked", name=employee.name)),), now)

